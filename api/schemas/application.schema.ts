/**
 * What an applicant may submit: an allow-list. Anything else (`status`, `score`, `applicantId`,
 * step fields, `__proto__` …) is refused, never stored. No field asks about rural land rights:
 * giving them up is never a condition of settlement (§20).
 */
import { z } from 'zod';
import { DEPARTMENTS, DISTRICTS, LOCALES, ROUTES, SCHOOL_LEVELS, TOWNS } from '../../domain/vocabulary';
import { IdNumber, PersonName } from './common';

export const MAX_FAMILY_MEMBERS = 10;

const Applicant = z.strictObject({ idNumber: IdNumber, name: PersonName }).meta({ id: 'Applicant' });

const FamilyMember = z
  .strictObject({
    idNumber: IdNumber,
    name: PersonName,
    relation: z.enum(['spouse', 'child', 'parent', 'other']),
    /** Children who need a kindergarten or school place (§21–23). */
    schoolLevel: z.enum(SCHOOL_LEVELS).optional(),
  })
  .refine((m) => m.schoolLevel === undefined || m.relation === 'child', {
    path: ['schoolLevel'],
    message: 'only a child needs a school place',
  })
  .meta({ id: 'FamilyMember' });

export const ApplicationBody = z
  .strictObject({
    route: z.enum(ROUTES).meta({ description: 'town = 建制镇落户 (§1); points = 市辖区积分落户 (§2)' }),
    district: z.enum(DISTRICTS).optional(),
    town: z.enum(TOWNS).optional(),
    applicant: Applicant,
    family: z.array(FamilyMember).max(MAX_FAMILY_MEMBERS).default([]),
    contact: z.strictObject({
      phone: z.string().regex(/^1\d{10}$/, 'must be an 11-digit mainland mobile number'),
      email: z.email().max(254).optional(),
      locale: z.enum(LOCALES).default('zh-CN'),
    }),
  })
  .superRefine((a, ctx) => {
    if (a.route === 'points' && (!a.district || a.town))
      ctx.addIssue({ code: 'custom', path: ['district'], message: 'the points route needs a district (and no town)' });
    if (a.route === 'town' && (!a.town || a.district))
      ctx.addIssue({ code: 'custom', path: ['town'], message: 'the town route needs a town (and no district)' });
    // The ID number is the person key (§8): one person twice would be locked, checked and
    // registered twice. The second mention is named, with a pointer to the first.
    const firstAt = new Map<string, string>([[a.applicant.idNumber, '/applicant/idNumber']]);
    a.family.forEach((m, i) => {
      const first = firstAt.get(m.idNumber);
      if (first)
        ctx.addIssue({
          code: 'custom',
          path: ['family', i, 'idNumber'],
          message: `each person appears once: the same ID number as ${first}`,
        });
      else firstAt.set(m.idNumber, `/family/${i}/idNumber`);
    });
  })
  .meta({ id: 'Application' });

export type ApplicationBody = z.infer<typeof ApplicationBody>;

export const SupplementBody = z
  .strictObject({
    department: z.enum(DEPARTMENTS),
    items: z
      .array(z.strictObject({ name: z.string().trim().min(1).max(100), reference: z.string().trim().min(1).max(200) }))
      .min(1)
      .max(20),
  })
  .meta({ id: 'SupplementProvided' });

export const WithdrawBody = z.strictObject({ note: z.string().trim().max(500).optional() }).meta({ id: 'Withdrawal' });
