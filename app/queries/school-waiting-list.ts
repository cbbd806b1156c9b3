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
import { schoolListsToday, type SchoolLists } from '../school-lists';
import { personAt } from '../../domain/vocabulary';

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
    schools: z.array(z.string()).optional().meta({
      description:
        'The schools the child may be placed at, where the capacity file lists them for its area and level (placing it at another is refused); absent: any named school',
    }),
  })
  .meta({ id: 'WaitingChild' });
export type WaitingChild = z.infer<typeof WaitingChild>;

/**
 * The school lists, or none while the capacity files do not load: the list still shows who waits
 * (placing a child then fails with the files' error, and /readyz names the file).
 */
function schoolListsOrNone(deps: AppDeps): SchoolLists {
  try {
    return schoolListsToday(deps);
  } catch (err) {
    deps.logger.warn({ err }, 'the capacity files do not load: the school waiting list offers no school lists');
    return () => undefined;
  }
}

export async function schoolWaitingList(
  deps: AppDeps,
  input: { actor: OfficerActor; area?: Area; access?: AccessContext },
): Promise<WaitingChild[]> {
  if (input.actor.department !== 'education') throw new AppError('forbidden', 'wrong-department', 'Education officers only');
  const filter: Record<string, unknown> = { open: true, childrenWaiting: trusted({ $gt: 0 }) };
  const area = areaCondition(input.actor.scope, input.area);
  if (area !== undefined) filter.area = area;
  const docs = await caseModel(deps.mongo).find(filter).limit(500).lean();
  const schools = schoolListsOrNone(deps);
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
            name: personAt(c.application, p.personIndex)?.name ?? '',
            schools: schools(c.area, p.level),
          }),
        ),
    )
    .sort((a, b) => (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''));
  // The list names children: an access record naming their cases.
  const caseIds = [...new Set(items.map((i) => i.caseId))];
  await recordAccess(deps, { actor: input.actor, view: 'school_waitlist', caseIds, access: input.access });
  return items;
}

/**
 * The children of the same area and level who have waited longer than one waiting since
 * `waitingSince` (§21–23: places go longest waiting first), longest first, other cases only. A
 * child whose waiting began at no recorded time is compared with no one (neither ahead nor behind).
 */
export async function waitingAhead(
  deps: AppDeps,
  child: { caseId: string; area: string; level: string; waitingSince?: string },
): Promise<Array<{ caseId: string; caseNumber: string; personIndex: number; name: string; waitingSince: string }>> {
  const since = child.waitingSince;
  if (!since) return [];
  const docs = await caseModel(deps.mongo)
    .find({ open: true, childrenWaiting: trusted({ $gt: 0 }), area: child.area })
    .lean();
  return docs
    .filter((c) => c._id !== child.caseId)
    .flatMap((c) =>
      (c.schoolPlacements ?? [])
        .filter(
          (p) => p.status === 'waiting' && p.level === child.level && p.waitingSince !== undefined && p.waitingSince < since,
        )
        .map((p) => ({
          caseId: c._id,
          caseNumber: c.caseNumber,
          personIndex: p.personIndex,
          name: personAt(c.application, p.personIndex)?.name ?? '',
          waitingSince: p.waitingSince!,
        })),
    )
    .sort((a, b) => a.waitingSince.localeCompare(b.waitingSince));
}
