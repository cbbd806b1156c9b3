/**
 * What an applicant may send, declared once for every front end (the JSON API and the web
 * pages): the application (§1, §2) — an allow-list; anything else (`status`, `score`,
 * `applicantId`, step fields, `__proto__` …) is refused, never stored — the supplement answer
 * (补正) and the withdrawal. No field asks about rural land rights: giving them up is never a
 * condition of settlement (§20). The ID number is the person key (§8), checked per GB 11643-1999.
 */
import { z } from 'zod';
import { validateIdNumber } from '../../domain/id-number';
import { normalizeEmail } from '../../domain/email';
import { MOBILE_PHONE, normalizeMobilePhone } from '../../domain/phone';
import { NOTICE_TEXT_MAX, SUPPLEMENT_MAX_ITEMS, SYSTEM_NOTES, WITHDRAWN_WITHOUT_REASON } from '../../domain/case-rules';
import {
  bornAfter,
  SCHOOL_AGE,
  schoolAgeProblem,
  tooYoungForSpouseOrParent,
  YOUNGEST_SPOUSE_OR_PARENT,
} from '../../domain/school-age';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { DEPARTMENTS, DISTRICTS, LOCALES, ROUTES, SCHOOL_LEVELS, TOWNS } from '../../domain/vocabulary';

export const MAX_FAMILY_MEMBERS = 10;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An ID number that passes its own check, as that check normalises it (the refinement also runs when some did not). */
const validId = (id: string | undefined): string | undefined => {
  const r = id === undefined ? undefined : validateIdNumber(id, { today: shanghaiToday() });
  return r?.ok ? r.value : undefined;
};

// Letters (any script, incl. 生僻字 outside the BMP), marks, spaces, middle dots and hyphens;
// no control characters or markup.
const NAME = /^[\p{L}\p{M}][\p{L}\p{M}\s·'’.-]*$/u;

/**
 * Policy: a name as the population register holds it. Letters of any script — including rare
 * characters (生僻字) outside the BMP such as 𠀾 or 䶮 — combining marks, spaces, the middle dot
 * of transliterated names (买买提·艾力), apostrophes, periods and hyphens. Refused: digits,
 * emoji, markup, control and bidirectional-override characters — no registered name contains
 * them, and a name the police identity check can never match only delays the case.
 */
/** The longest name the register takes, in characters. */
export const NAME_MAX = 50;

export const PersonName = z
  .string()
  .trim()
  .min(1)
  .max(NAME_MAX)
  .regex(
    NAME,
    'must be a personal name: letters, spaces, a middle dot (·), hyphens, apostrophes or full stops, starting with a letter',
  )
  .meta({
    example: '张志远',
    description:
      'Letters of any script, including rare characters (生僻字) outside the BMP, combining marks, spaces, middle dot, apostrophe, period, hyphen; no digits, emoji, markup or control characters.',
  });

export const IdNumber = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const r = validateIdNumber(v, { today: shanghaiToday() });
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }
    return r.value;
  })
  .meta({
    description: 'Citizen ID number (GB 11643-1999): 18 characters, valid birth date, check digit',
    example: '11010519491231002X',
  });

/** Read as the address it means however it was typed (domain/email.ts), through either door. */
export const Email = z
  .string()
  .overwrite(normalizeEmail)
  .email()
  .max(254)
  .meta({ description: 'E-mail address; full-width characters (＠, ｅｘａｍｐｌｅ) and surrounding spaces are read as ASCII' });

/** Stored as its 11 digits, however it was typed (domain/phone.ts). */
export const MobilePhone = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const phone = normalizeMobilePhone(v);
    if (!MOBILE_PHONE.test(phone)) {
      ctx.addIssue({ code: 'custom', message: 'must be an 11-digit mainland mobile number' });
      return z.NEVER;
    }
    return phone;
  })
  .meta({
    description:
      '11-digit mainland mobile number; spaces, hyphens, brackets, full-width digits and a leading +86 or 0086 are removed',
    example: '13800138000',
  });

const Applicant = z.strictObject({ idNumber: IdNumber, name: PersonName }).meta({ id: 'Applicant' });

export const FAMILY_RELATIONS = ['spouse', 'child', 'parent', 'other'] as const;

const FamilyMember = z
  .strictObject({
    idNumber: IdNumber,
    name: PersonName,
    relation: z.enum(FAMILY_RELATIONS),
    /** Children who need a kindergarten or school place (§21–23). */
    schoolLevel: z
      .enum(SCHOOL_LEVELS)
      .optional()
      .meta({
        description: `A child who needs a place, of an age for it on the submission day: ${SCHOOL_LEVELS.map((l) => `${l} ${SCHOOL_AGE[l].min}–${SCHOOL_AGE[l].max}`).join(', ')} (completed years, from the ID number)`,
      }),
  })
  .refine((m) => m.schoolLevel === undefined || m.relation === 'child', {
    path: ['schoolLevel'],
    message: 'only a child needs a school place',
  })
  .meta({ id: 'FamilyMember' });

export const ApplicationInput = z
  .strictObject({
    route: z.enum(ROUTES).meta({ description: 'town = 建制镇落户 (§1); points = 市辖区积分落户 (§2)' }),
    district: z.enum(DISTRICTS).optional(),
    town: z.enum(TOWNS).optional(),
    applicant: Applicant,
    family: z.array(FamilyMember).max(MAX_FAMILY_MEMBERS).default([]),
    contact: z.strictObject({
      phone: MobilePhone,
      email: Email.optional(),
      locale: z.enum(LOCALES).default('zh-CN'),
    }),
  })
  .superRefine(
    (parsed, ctx) => {
      // Runs also when some fields are wrong (see `when`), so that a form names every mistake at
      // once, not the route's only after the ID numbers are fixed: a wrong field holds its raw
      // value (or an aborted marker) here, so nothing below trusts a field's type.
      const a = parsed as unknown as Record<string, unknown>;
      if (a.route === 'points' && (!a.district || a.town))
        ctx.addIssue({ code: 'custom', path: ['district'], message: 'the points route needs a district (and no town)' });
      if (a.route === 'town' && (!a.town || a.district))
        ctx.addIssue({ code: 'custom', path: ['town'], message: 'the town route needs a town (and no district)' });
      // No route chosen yet: the place is still missing too, said now rather than in a second round.
      if (a.route !== 'points' && a.route !== 'town' && !a.district && !a.town)
        ctx.addIssue({
          code: 'custom',
          path: ['district'],
          message: 'choose where to settle: a district (points route) or a town (town route)',
        });
      // The ID number is the person key (§8): one person twice would be locked, checked and
      // registered twice. The second mention is named, with a pointer to the first.
      const idOf = (person: unknown): string | undefined =>
        isRecord(person) && typeof person.idNumber === 'string' ? person.idNumber : undefined;
      const firstAt = new Map<string, string>();
      const applicantId = idOf(a.applicant);
      if (applicantId) firstAt.set(applicantId, '/applicant/idNumber');
      (Array.isArray(a.family) ? a.family : []).forEach((m: unknown, i) => {
        const id = idOf(m);
        if (!id) return;
        const first = firstAt.get(id);
        if (first)
          ctx.addIssue({
            code: 'custom',
            path: ['family', i, 'idNumber'],
            message: `each person appears once: the same ID number as ${first}`,
          });
        else firstAt.set(id, `/family/${i}/idNumber`);
        // §21–23: a child listed, and one needing a place, as their ID numbers allow; a spouse or
        // a parent not a child themself. Valid ID numbers only (a wrong one is said at its own field).
        const child = validId(id);
        if (!isRecord(m) || !child) return;
        const parent = validId(applicantId);
        if ((m.relation === 'spouse' || m.relation === 'parent') && tooYoungForSpouseOrParent(child, shanghaiToday()))
          ctx.addIssue({
            code: 'custom',
            path: ['family', i, 'relation'],
            message: `a ${m.relation} must be at least ${YOUNGEST_SPOUSE_OR_PARENT} years old`,
          });
        if (m.relation !== 'child') return;
        if (parent && !bornAfter(child, parent))
          ctx.addIssue({ code: 'custom', path: ['family', i, 'relation'], message: 'a child must be born after the applicant' });
        else if (typeof m.schoolLevel === 'string' && (SCHOOL_LEVELS as readonly string[]).includes(m.schoolLevel)) {
          const problem = schoolAgeProblem(child, m.schoolLevel as (typeof SCHOOL_LEVELS)[number], shanghaiToday());
          if (problem) ctx.addIssue({ code: 'custom', path: ['family', i, 'schoolLevel'], message: problem });
        }
      });
    },
    { when: (payload) => isRecord(payload.value) },
  )
  .meta({ id: 'Application' });
export type ApplicationInput = z.infer<typeof ApplicationInput>;

const SupplementItems = z
  .array(
    // A name is one of the items the department listed, which may be as long as any notice text.
    z.strictObject({ name: z.string().trim().min(1).max(NOTICE_TEXT_MAX), reference: z.string().trim().min(1).max(200) }),
  )
  .min(1)
  .max(SUPPLEMENT_MAX_ITEMS)
  .describe(
    'One entry for each item the department listed in `missing`, named exactly as listed, each once: otherwise 422 invalid-supplement naming the item',
  );

export const SupplementInput = z
  .strictObject({ department: z.enum(DEPARTMENTS), items: SupplementItems })
  .meta({ id: 'SupplementProvided' });

/** Material handed in at the department's counter, as its officer records it (the department is the path's). */
export const CounterSupplementInput = z.strictObject({ items: SupplementItems }).meta({ id: 'SupplementReceivedAtCounter' });
export type SupplementInput = z.infer<typeof SupplementInput>;

/** Notes the workflow itself writes on an ending: an applicant's own note must not read as one (its letter would say the case lapsed). */
const RESERVED_NOTES: readonly string[] = [...SYSTEM_NOTES, WITHDRAWN_WITHOUT_REASON];

export const WithdrawInput = z
  .strictObject({
    note: z
      .string()
      .trim()
      .max(500)
      .refine(
        (note) => !RESERVED_NOTES.includes(note),
        'this text is reserved for notes the system writes: say it in your own words',
      )
      .optional(),
  })
  .meta({ id: 'Withdrawal' });
export type WithdrawInput = z.infer<typeof WithdrawInput>;
