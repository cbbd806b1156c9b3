/**
 * Validation of an authorities file (policy/authorities/*.json) before any letter is numbered or
 * printed from it. Kept apart from authorities.ts so that zod never enters the workflow bundle.
 *
 * Objects are strict and every department, route and reason must be listed: a letter that cannot
 * name its signatory, its legal basis or its appeal bodies must fail at start-up, not on the day a
 * case is refused.
 */
import { z } from 'zod';
import { LEGAL_BASIS_REASONS, LETTER_KINDS, SEED_ITEM_COUNT, type Authorities } from './authorities';
import { DEPARTMENTS, ROUTES } from './vocabulary';
import { parseErrorMessage } from './points-policy.parse';

const label = z.strictObject({ 'zh-CN': z.string().trim().min(1), en: z.string().trim().min(1) });
// Han characters, letters and digits: the brackets and 第…号 are added by formatDocumentNumber.
const prefix = z.string().regex(/^[\p{Script=Han}A-Za-z0-9]{1,16}$/u, 'Han characters, letters or digits, at most 16');
const items = z.array(z.int().min(1).max(SEED_ITEM_COUNT, `the seed document has items 1–${SEED_ITEM_COUNT}`));

const department = z.strictObject({
  name: label,
  documentPrefix: z.record(z.enum(LETTER_KINDS), prefix),
  // The statutes give at least these periods; a letter must never promise less.
  reconsideration: z.strictObject({ body: label, periodDays: z.int().min(60, 'the law gives at least 60 days') }),
  litigation: z.strictObject({ court: label, periodMonths: z.int().min(6, 'the law gives at least 6 months') }),
});

const itemCitation = label.refine((l) => l['zh-CN'].includes('{item}') && l.en.includes('{item}'), {
  message: 'must contain {item} in every locale',
});

const authoritiesSchema = z
  .strictObject({
    version: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, "." and "-" only'),
    effectiveFrom: z.iso.date(),
    setBy: z.string().trim().min(1),
    notes: z.array(z.string()).optional(),
    departments: z.record(z.enum(DEPARTMENTS), department),
    legalBasis: z.strictObject({
      document: label,
      item: itemCitation,
      routes: z.record(z.enum(ROUTES), items.min(1, 'every route rests on at least one item')),
      reasons: z.record(
        z.enum(LEGAL_BASIS_REASONS),
        // One list per route (ROUTES); the compile-time check below fails if a route is added.
        z.strictObject({ town: items, points: items, statutes: z.array(label).optional() }),
      ),
    }),
  })
  .superRefine((a, ctx) => {
    // Two letters must never share a number: each department and kind needs its own prefix.
    const seen = new Map<string, string>();
    for (const d of DEPARTMENTS) {
      for (const k of LETTER_KINDS) {
        const p = a.departments[d].documentPrefix[k];
        const other = seen.get(p);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['departments', d, 'documentPrefix', k],
            message: `prefix "${p}" is already used by ${other}`,
          });
        }
        seen.set(p, `${d}.${k}`);
      }
    }
  });

// Compile-time proof that what the schema accepts is exactly Authorities.
type Parsed = z.infer<typeof authoritiesSchema>;
const sameShape: [Parsed extends Authorities ? true : never, Authorities extends Parsed ? true : never] = [true, true];
void sameShape;

/** Returns the authorities typed, or throws naming each bad field by its path. */
export function parseAuthorities(json: unknown): Authorities {
  const result = authoritiesSchema.safeParse(json);
  if (result.success) return result.data;
  throw new Error(parseErrorMessage('authorities', json, result.error));
}
