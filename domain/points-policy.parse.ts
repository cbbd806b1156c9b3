/**
 * Validation of a points policy file (policy/points/*.json) before anything scores with it.
 * Kept apart from points-policy.ts so that zod never enters the workflow bundle: policies are
 * parsed where they are loaded (activities, API, start-up) and passed to workflows as data.
 *
 * Objects are strict: a misspelt key in a policy file is an error, not a silently ignored rule.
 */
import { z } from 'zod';
import { EDUCATION_LEVELS, PROFESSIONAL_TITLES, RESIDENCE_KINDS, VOCATIONAL_SKILLS } from './department-checks';
import type { PointsPolicy } from './points-policy';

// Whole points only: the breakdown must add up to the total exactly, with no float drift.
const points = z.int().nonnegative();
const label = z.strictObject({ 'zh-CN': z.string().min(1), en: z.string().min(1) });
const notes = z.string().optional();
// z.record over an enum requires every key, so a policy cannot forget a level.
const pointsTable = <K extends readonly [string, ...string[]]>(keys: K) => z.record(z.enum(keys), points);

const perYear = z.strictObject({
  label,
  pointsPerYear: points,
  maxPoints: points,
  notes,
});

const pointsPolicySchema = z.strictObject({
  version: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, "." and "-" only'),
  effectiveFrom: z.iso.date(),
  threshold: points,
  notes: z.array(z.string()).optional(),
  indicators: z.strictObject({
    employment: z.strictObject({ label, points, notes }),
    residence: z.strictObject({ label, points: pointsTable(RESIDENCE_KINDS), notes }),
    socialInsurance: perYear,
    continuousResidence: perYear,
    education: z.strictObject({ label, points: pointsTable(EDUCATION_LEVELS), notes }),
    titleOrSkill: z.strictObject({
      label,
      professionalTitle: pointsTable(PROFESSIONAL_TITLES),
      vocationalSkill: pointsTable(VOCATIONAL_SKILLS),
      notes,
    }),
    credit: z.strictObject({
      label,
      goodPoints: points,
      onBad: z.discriminatedUnion('action', [
        z.strictObject({ action: z.literal('disqualify') }),
        z.strictObject({ action: z.literal('deduct'), points: z.int().negative() }),
      ]),
      notes,
    }),
  }),
});

// Compile-time proof that what the schema accepts is exactly a PointsPolicy.
type Parsed = z.infer<typeof pointsPolicySchema>;
const sameShape: [Parsed extends PointsPolicy ? true : never, PointsPolicy extends Parsed ? true : never] = [true, true];
void sameShape;

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/**
 * `invalid <what> "<version>": <path>: <problem>; …` for a policy file that failed its schema,
 * naming a misspelt key itself rather than just its parent object.
 */
export function parseErrorMessage(what: string, json: unknown, error: z.ZodError): string {
  const version =
    typeof json === 'object' && json !== null && typeof (json as { version?: unknown }).version === 'string'
      ? ` "${(json as { version: string }).version}"`
      : '';
  const problems = error.issues
    .flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => `${pathOf([...i.path, k])}: unknown field`)
        : [`${pathOf(i.path)}: ${i.message}`],
    )
    .join('; ');
  return `invalid ${what}${version}: ${problems}`;
}

/**
 * Returns the policy typed, or throws an Error whose message names each bad field by its path,
 * e.g. `invalid points policy "xian-2016-v1": indicators.socialInsurance.maxPoints: …`.
 */
export function parsePointsPolicy(json: unknown): PointsPolicy {
  const result = pointsPolicySchema.safeParse(json);
  if (result.success) return result.data;
  throw new Error(parseErrorMessage('points policy', json, result.error));
}
