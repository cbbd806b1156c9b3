/**
 * Which of a case's children an approval by education would put on the waiting list today
 * (§21–23; domain/school-place-forecast.ts counts): the capacity file in force, the places held
 * and the children already waiting, per level of the case's area. A forecast for the officer's
 * confirmation, not a reservation: another case may take or free a place before the workflow
 * reserves. Advice only, so a capacity file that does not load leaves it empty.
 */
import { poolKey } from '../../domain/capacity';
import { childrenWhoWouldWait } from '../../domain/school-place-forecast';
import { isAreaCode, type SchoolLevel } from '../../domain/vocabulary';
import { schoolWaitlistModel } from '../../models/school-waitlist.model';
import { trusted } from 'mongoose';
import type { AppDeps } from '../deps';
import { capacityUse } from './capacity-use';

export async function childrenWithoutPlace<C extends { name: string; schoolLevel: SchoolLevel }>(
  deps: AppDeps,
  input: { area: string; children: readonly C[] },
  now = new Date(),
): Promise<C[]> {
  const area = input.area;
  if (input.children.length === 0 || !isAreaCode(area)) return [];
  try {
    const pools = await capacityUse(deps, { area }, now);
    const levels = [...new Set(input.children.map((c) => c.schoolLevel))];
    const keys = levels.map((level) => poolKey({ kind: 'school_place', area, level }));
    const waiting = new Map<string, number>();
    for (const w of await schoolWaitlistModel(deps.mongo)
      .find({ pool: trusted({ $in: keys }) }, { pool: 1 })
      .lean())
      waiting.set(w.pool, (waiting.get(w.pool) ?? 0) + 1);
    return childrenWhoWouldWait(input.children, (level) => {
      const pool = pools.find((p) => p.kind === level);
      return {
        limit: pool?.limit ?? 0,
        held: pool?.held ?? 0,
        waiting: waiting.get(poolKey({ kind: 'school_place', area, level })) ?? 0,
      };
    });
  } catch {
    return [];
  }
}
