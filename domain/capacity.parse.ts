/**
 * Validation of a capacity file (policy/capacities/*.json). Apart from capacity.ts so that zod
 * never enters the workflow bundle. Objects are strict and every area and level must be listed:
 * a forgotten area would otherwise read as "no places" by accident.
 */
import { z } from 'zod';
import type { CapacityTable } from './capacity';
import { SCHOOL_NAME_MAX } from './case-rules';
import { DISTRICTS, SCHOOL_LEVELS, TOWNS } from './vocabulary';

const places = z.int().nonnegative();
const AREAS = [...DISTRICTS, ...TOWNS] as const;

const capacityTableSchema = z.strictObject({
  version: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, "." and "-" only'),
  effectiveFrom: z.iso.date(),
  setBy: z.string().min(1),
  document: z.string().min(1).optional(),
  notes: z.array(z.string()).optional(),
  schoolPlaces: z.record(z.enum(AREAS), z.record(z.enum(SCHOOL_LEVELS), places)),
  collectiveHouseholds: z.record(z.enum(AREAS), places),
  pointsQuota: z.record(z.enum(DISTRICTS), places),
  schools: z
    .partialRecord(
      z.enum(AREAS),
      z.partialRecord(
        z.enum(SCHOOL_LEVELS),
        z
          .array(z.string().trim().min(1).max(SCHOOL_NAME_MAX))
          .min(1)
          .refine((names) => new Set(names).size === names.length, 'a school is listed twice'),
      ),
    )
    .optional(),
});

type Parsed = z.infer<typeof capacityTableSchema>;
const sameShape: [Parsed extends CapacityTable ? true : never, CapacityTable extends Parsed ? true : never] = [true, true];
void sameShape;

/** The table, typed; or an Error naming each bad field by its path. */
export function parseCapacityTable(json: unknown, source: string): CapacityTable {
  const result = capacityTableSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  throw new Error(`invalid capacity file ${source}: ${problems.join('; ')}`);
}
