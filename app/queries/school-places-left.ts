/**
 * Which of a case's children an approval by education would put on the waiting list today (§21–23):
 * per level, the area's places left (capacity file in force, minus the slots held), the children
 * of that level in the application's order taking them. A forecast for the officer's confirmation,
 * not a reservation: another case may take or free a place before the workflow reserves.
 */
import type { Area } from '../../domain/capacity';
import type { SchoolLevel } from '../../domain/vocabulary';
import type { AppDeps } from '../deps';
import { capacityUse } from './capacity-use';

export interface ChildWithoutPlace {
  name: string;
  level: SchoolLevel;
  placesLeft: number;
}

export async function childrenWithoutPlace(
  deps: AppDeps,
  input: { area: Area; children: ReadonlyArray<{ name: string; schoolLevel: SchoolLevel }> },
  now = new Date(),
): Promise<ChildWithoutPlace[]> {
  if (input.children.length === 0) return [];
  const pools = await capacityUse(deps, { area: input.area }, now);
  const left = new Map(pools.map((p) => [p.kind as string, Math.max(0, p.limit - p.held)]));
  const taken = new Map<SchoolLevel, number>();
  return input.children.flatMap((child) => {
    const placesLeft = left.get(child.schoolLevel) ?? 0;
    const before = taken.get(child.schoolLevel) ?? 0;
    taken.set(child.schoolLevel, before + 1);
    return before < placesLeft ? [] : [{ name: child.name, level: child.schoolLevel, placesLeft }];
  });
}
