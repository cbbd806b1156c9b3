/**
 * Education: children waiting for a kindergarten / school place (§21–23) in the officer's areas
 * (app/officer-scope.ts), longest waiting first.
 */
import { trusted } from 'mongoose';
import { z } from 'zod';
import { Instant } from '../views/instant';
import type { Area } from '../../domain/capacity';
import { caseModel } from '../../models/case.model';
import { recordAccess, type AccessContext } from '../access-records/record-access';
import type { OfficerActor } from '../actor';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { areaCondition } from '../officer-scope';

export const WaitingChild = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    caseStatus: z.string(),
    personIndex: z.number(),
    /** The child's name, as the officer's case view names it. */
    name: z.string(),
    level: z.string(),
    area: z.string(),
    waitingSince: z.string().optional(),
    position: z.number().optional(),
    dueAt: Instant.optional(),
    dueProvisional: z
      .boolean()
      .optional()
      .describe('true when the deadline was counted over a year without its holiday calendar (weekdays only): it may move'),
    overdue: z.boolean(),
  })
  .meta({ id: 'WaitingChild' });
export type WaitingChild = z.infer<typeof WaitingChild>;

export async function schoolWaitingList(
  deps: AppDeps,
  input: { actor: OfficerActor; area?: Area; access?: AccessContext },
): Promise<WaitingChild[]> {
  if (input.actor.department !== 'education') throw new AppError('forbidden', 'wrong-department', 'Education officers only');
  const filter: Record<string, unknown> = { open: true, childrenWaiting: trusted({ $gt: 0 }) };
  const area = areaCondition(input.actor.scope, input.area);
  if (area !== undefined) filter.area = area;
  const docs = await caseModel(deps.mongo).find(filter).limit(500).lean();
  const items = docs
    .flatMap((c) =>
      (c.schoolPlacements ?? [])
        .filter((p) => p.status === 'waiting')
        .map((p) =>
          WaitingChild.parse({
            caseId: c._id,
            caseNumber: c.caseNumber,
            caseStatus: c.status,
            ...p,
            name: [c.application.applicant, ...c.application.family][p.personIndex]?.name ?? '',
          }),
        ),
    )
    .sort((a, b) => (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''));
  // The list names children: an access record naming their cases.
  const caseIds = [...new Set(items.map((i) => i.caseId))];
  await recordAccess(deps, { actor: input.actor, view: 'school_waitlist', caseIds, access: input.access });
  return items;
}
