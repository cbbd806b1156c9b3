/**
 * The data each notice template may receive (CONVENTIONS.md "Templates": one typed schema per
 * notice). Only plain, minimised values go in: display names, masked ID numbers, case numbers,
 * codes and ISO instants. Anything a reader sees as words in their own language (department,
 * route, area, reason, reservation) travels as a code and is translated by the renderer's `t`
 * helper, so the same data renders in every locale.
 *
 * Objects are strict: an unknown key is refused rather than silently passed through, so a whole
 * database record (with its full ID numbers) cannot be handed to a template by accident.
 */
import { z } from 'zod';
import { DOCUMENT_NUMBER } from '../domain/authorities';
import { DEPARTMENTS, DISTRICTS, RELATIONS, ROUTES, SCHOOL_LEVELS, TOWNS, type NoticeEvent } from '../domain/vocabulary';

/** Why a case was refused; each code has an applicant-facing label per locale. */
import { CASE_OUTCOMES, REJECTION_REASONS, RESERVATION_KINDS, WAIT_KINDS } from '../domain/codes';
export { CASE_OUTCOMES, REJECTION_REASONS, RESERVATION_KINDS, WAIT_KINDS } from '../domain/codes';
export type { CaseOutcome, RejectionReason, ReservationKind, WaitKind } from '../domain/codes';

/** 4 leading digits, 10 asterisks, last 4 (the check character may be X): 6101**********1234. */
export const MASKED_ID_NUMBER = /^\d{4}\*{10}[\dX]{4}$/;
export const CASE_NUMBER = /^HK-\d{4}-\d{6}$/;

// C0/C1 controls, line/paragraph separators, bidi embeddings/overrides/isolates (which can make
// an SMS read differently from what was sent) and lone surrogates. ZWJ (U+200D) and variation
// selectors are kept: emoji sequences need them.
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069\p{Cs}]/gu;

/** Removes characters that have no business in a notice; whole code points, so 𠀾 and emoji survive. */
export function stripControlCharacters(value: string): string {
  return value.replace(UNSAFE_CHARACTERS, '');
}

/** Free text shown to a reader: stripped, trimmed, and still non-empty afterwards. */
const text = (max: number) => z.string().transform(stripControlCharacters).pipe(z.string().trim().min(1).max(max));

const caseNumber = z.string().regex(CASE_NUMBER, { error: 'must be a case number like HK-2026-000123' });
const personName = text(64);
const maskedIdNumber = z.string().regex(MASKED_ID_NUMBER, {
  error: 'must be a masked ID number like 6101**********1234; full ID numbers never go into a notice',
});
/** An instant, with Z or an explicit offset: the renderer formats it in Asia/Shanghai. */
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with Z or an offset' });
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' });

const base = {
  caseNumber,
  /** Display name of the person the notice is addressed to. */
  recipientName: personName,
};

const area = z.enum([...TOWNS, ...DISTRICTS]);
/** Route plus its town (town route, §1) or district (points route, §2). */
const routeAndArea = {
  route: z.enum(ROUTES),
  area,
};
function checkArea(data: { route: string; area: string }, ctx: z.RefinementCtx): void {
  const allowed: readonly string[] = data.route === 'town' ? TOWNS : DISTRICTS;
  if (!allowed.includes(data.area)) {
    ctx.addIssue({
      code: 'custom',
      path: ['area'],
      message: `must be one of ${allowed.join(', ')} for the ${data.route} route`,
    });
  }
}

/**
 * One accompanying child's place (§21–23): where (the area and level, or the school an education
 * officer assigned), whether the child still waits and in which position; fee waiver (§22) only
 * for compulsory education, exam eligibility (§23) only for children in school.
 */
const child = z.strictObject({
  name: personName,
  schoolLevel: z.enum(SCHOOL_LEVELS),
  area: z.enum([...TOWNS, ...DISTRICTS]),
  waiting: z.boolean(),
  position: z.int().positive().optional(),
  /** Waiting: by when the education department is to place the child (its deadline). */
  dueAt: instant.optional(),
  school: text(100).optional(),
  feeWaiver: z.boolean(),
  examEligible: z.boolean(),
});

/**
 * A child joined the area's waiting list (§21–23): which level, the position, and by when the
 * education department is to place the child (provisional when counted into a year without its
 * holiday calendar). The family settles all the same.
 */
const schoolPlaceWaiting = z.strictObject({
  ...base,
  child: child.extend({ waiting: z.literal(true), dueAt: instant }),
  dueProvisional: z.boolean().optional(),
  listedAt: instant,
});

const schoolPlaceConfirmed = z.strictObject({
  ...base,
  child,
  confirmedAt: instant,
});

const caseReceived = z
  .strictObject({
    ...base,
    idNumber: maskedIdNumber,
    ...routeAndArea,
    submittedAt: instant,
    /** Departments that will review the case, in the order the applicant should read them. */
    departments: z.array(z.enum(DEPARTMENTS)).min(1),
    statusUrl: httpsUrl.optional(),
  })
  .superRefine(checkArea);

const supplementRequested = z.strictObject({
  ...base,
  department: z.enum(DEPARTMENTS),
  /** What is missing, as the officer wrote it for the applicant. */
  items: z.array(text(200)).min(1).max(20),
  deadline: instant,
  /** The deadline was counted into a year without a holiday calendar (weekdays only): it may move. */
  deadlineProvisional: z.boolean().optional(),
  uploadUrl: httpsUrl.optional(),
  /**
   * The case's town or district: the department's counter there takes material in person (its
   * officers are the ones whose scope covers the case). Absent on notices built before it was.
   */
  area: area.optional(),
});

/** The same facts as the request, sent again before the deadline passes (DOMAIN: every wait has a reminder). */
/** `extended`: sent when a supervisor extended the deadline, which it names. */
const supplementReminder = supplementRequested.extend({ extended: z.literal(true).optional() });

const officerReminder = z.strictObject({
  ...base,
  department: z.enum(DEPARTMENTS),
  dueAt: instant,
  /** dueAt was counted into a year without a holiday calendar (weekdays only): it may move. */
  dueProvisional: z.boolean().optional(),
});

const escalation = z.strictObject({
  ...base,
  department: z.enum(DEPARTMENTS),
  /**
   * Overdue since; for a supervisor's own escalation (`manual`) or a system step that keeps failing
   * (`waitingOn: department_system`), when it was escalated.
   */
  overdueSince: instant,
  waitingOn: z.enum(WAIT_KINDS).optional(),
  manual: z.literal(true).optional(),
  /** The supervisor's reason, with `manual`. */
  reason: z.string().max(500).optional(),
});

const settled = z
  .strictObject({
    ...base,
    idNumber: maskedIdNumber,
    ...routeAndArea,
    settledAt: instant,
    /** Registered at a community collective-household address (§16). */
    collectiveHousehold: z.boolean(),
    /** Co-residing family members who settled in the same case (§1), the applicant excluded. */
    familyMembers: z
      .array(z.strictObject({ name: personName, idNumber: maskedIdNumber, relation: z.enum(RELATIONS) }))
      .default([]),
    /** Accompanying children and their places in the area (§21–23): placed, or waiting on its list. */
    children: z.array(child).default([]),
    /** Some child still waits for a place (the SMS says so; the letter says who). */
    childWaiting: z.boolean().default(false),
    /** The family qualifies for housing security (§28). */
    housingSecurityEligible: z.boolean(),
    /** HR has started the social-insurance relationship transfer (§25). */
    socialInsuranceTransferStarted: z.boolean(),
  })
  .superRefine(checkArea);

/**
 * What every decision letter carries (行政许可法 第三十八条). The renderer adds, from the
 * authorities data in force on `decidedAt` (policy/authorities), the issuing department's name,
 * the legal basis, the reconsideration body, the court and the appeal periods.
 */
const decisionLetter = {
  ...base,
  idNumber: maskedIdNumber,
  decidedAt: instant,
  /** 文号 from the issueDecisionNumber activity, e.g. 西公户不许字〔2026〕第000001号. */
  documentNumber: z.string().regex(DOCUMENT_NUMBER, { error: 'must be a document number like 西公户不许字〔2026〕第000001号' }),
  /** The department that signs the letter (domain/authorities.ts issuingDepartment). */
  issuingDepartment: z.enum(DEPARTMENTS),
  route: z.enum(ROUTES),
  /** The points policy version the case was judged under; required on the points route (§2). */
  policyVersion: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{0,63}$/)
    .optional(),
};
function checkPolicyVersion(data: { route: string; policyVersion?: string }, ctx: z.RefinementCtx): void {
  if (data.route === 'points' && data.policyVersion === undefined) {
    ctx.addIssue({ code: 'custom', path: ['policyVersion'], message: 'is required on the points route' });
  }
}

const rejected = z
  .strictObject({
    ...decisionLetter,
    /** §2: with an insufficient_points reason, the score it fell short with (the breakdown is on the case page). */
    score: z.strictObject({ total: z.number().int(), threshold: z.number().int() }).optional(),
    reasons: z
      .array(
        z
          .strictObject({
            code: z.enum(REJECTION_REASONS),
            department: z.enum(DEPARTMENTS),
            /** Applicant-facing explanation; required for `other`. Never officer-internal notes. */
            note: text(200).optional(),
          })
          .refine((r) => r.code !== 'other' || r.note !== undefined, {
            path: ['note'],
            message: 'is required when the reason code is "other"',
          }),
      )
      .min(1),
  })
  .superRefine(checkPolicyVersion);

/** A supervisor ended the case (DOMAIN: terminated): a decision with the same appeal rights. */
const terminated = z
  .strictObject({
    ...decisionLetter,
    /** The supervisor's reason as given to the applicant (the termination note). */
    reason: text(500).optional(),
  })
  .superRefine(checkPolicyVersion);

const withdrawn = z
  .strictObject({
    ...base,
    withdrawnAt: instant,
    /**
     * True when the case lapsed because a supplement deadline passed without the material
     * (outcome note `supplement_deadline_passed`), not because the applicant asked: the notice
     * must then say so and never "as you asked".
     */
    lapsed: z.boolean().default(false),
    /** The supplement request whose deadline passed (lapsed only). */
    missedSupplement: z.strictObject({ department: z.enum(DEPARTMENTS), deadline: instant }).optional(),
    /** The case's town or district: whose office the letter names to contact. Absent on notices built before it was. */
    area: area.optional(),
  })
  .refine((d) => d.lapsed || d.missedSupplement === undefined, {
    path: ['missedSupplement'],
    message: 'is only given when the application lapsed',
  });

const reservationsReleased = z.strictObject({
  ...base,
  releasedAt: instant,
  caseOutcome: z.enum(CASE_OUTCOMES),
  /** The case's town or district, where everything listed was reserved. */
  area,
  released: z
    .array(
      z.strictObject({
        kind: z.enum(RESERVATION_KINDS),
        /** Whose reservation it was, e.g. the child of a school place. */
        personName: personName.optional(),
        /** For a school place: kindergarten, primary or junior secondary (§21–22). */
        schoolLevel: z.enum(SCHOOL_LEVELS).optional(),
      }),
    )
    .min(1),
});

/** A round's id as the rounds files spell it (policy/rounds), e.g. `2026-1`. */
const roundId = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,31}$/, { error: 'must be a round id like 2026-1' });
/** A calendar day in Asia/Shanghai, as the rounds files give opening and closing days. */
const day = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

/**
 * Where a points case stands in its district's admission round (§2; issue 13): what both round
 * notices carry. Rounds exist on the points route only, so the area is always a district.
 */
const roundStanding = {
  ...base,
  idNumber: maskedIdNumber,
  area: z.enum(DISTRICTS),
  roundId,
  /** 1 is first, within the district's ranking of this round. */
  rank: z.int().positive(),
  score: z.number(),
  /** Within the district's quota: provisionally (round_ranked, pending 公示) or finally (round_result). */
  admitted: z.boolean(),
  /** The district's lowest admitted score in this round; absent when nobody was admitted. */
  cutoff: z.number().optional(),
};

/** Every department approved the points case: it waits in its district's round until the round closes. */
const roundJoined = z.strictObject({
  ...base,
  idNumber: maskedIdNumber,
  area: z.enum(DISTRICTS),
  roundId,
  score: z.number(),
  /** The round's last day: it is ranked after that. */
  closesOn: day,
});

/** The round closed and was ranked; the masked ranking is on public notice (公示) until `noticeEndsAt`. */
const roundRanked = z.strictObject({
  ...roundStanding,
  /** End of the public-notice period: objections may be lodged until then. */
  noticeEndsAt: instant,
  /** The end was counted into a year without a holiday calendar (weekdays only): it may move. */
  noticeEndsProvisional: z.boolean().optional(),
});

/** The public notice is over and the ranking final: admitted (registration follows), or not. */
const roundResult = z
  .strictObject({
    ...roundStanding,
    /** The round the case joins next, once announced (not admitted only). */
    nextRound: z
      .strictObject({ roundId, opensOn: day, closesOn: day })
      .refine((r) => r.opensOn <= r.closesOn, { path: ['closesOn'], message: 'must not be before opensOn' })
      .optional(),
  })
  .refine((d) => !d.admitted || d.nextRound === undefined, {
    path: ['nextRound'],
    message: 'is only given when the case was not admitted',
  });

/** HR completed the settled applicant's social-insurance transfer (§25, issue 14). */
const socialInsuranceTransferred = z
  .strictObject({
    ...base,
    ...routeAndArea,
    transferredAt: instant,
  })
  .superRefine(checkArea);

const schemas = {
  case_received: caseReceived,
  supplement_requested: supplementRequested,
  supplement_reminder: supplementReminder,
  officer_reminder: officerReminder,
  school_place_waiting: schoolPlaceWaiting,
  school_place_confirmed: schoolPlaceConfirmed,
  escalation,
  settled,
  rejected,
  terminated,
  withdrawn,
  reservations_released: reservationsReleased,
  round_joined: roundJoined,
  round_ranked: roundRanked,
  round_result: roundResult,
  social_insurance_transferred: socialInsuranceTransferred,
};
type SchemaOf<E extends NoticeEvent> = (typeof schemas)[E];

/** What a caller passes to `render` for event E. */
export type NoticeData<E extends NoticeEvent> = z.input<SchemaOf<E>>;
/** What the template receives for event E (validated, defaults filled, text stripped). */
export type ParsedNoticeData<E extends NoticeEvent> = z.output<SchemaOf<E>>;

export const NOTICE_SCHEMAS: { readonly [E in NoticeEvent]: z.ZodType<ParsedNoticeData<E>, NoticeData<E>> } = schemas;
