/**
 * Which of a case's children would wait for a school place if reserved now (§21–23): per level,
 * the places free (the capacity minus the places held) go first to the children already on the
 * area's waiting list, as `reserve` gives them (a place that frees belongs to the longest-waiting
 * child), then to this case's children of that level in the application's order.
 */
import type { SchoolLevel } from './vocabulary';

export interface LevelUse {
  limit: number;
  held: number;
  /** Children on the area's waiting list for the level. */
  waiting: number;
}

export function childrenWhoWouldWait<C extends { schoolLevel: SchoolLevel }>(
  children: readonly C[],
  use: (level: SchoolLevel) => LevelUse,
): C[] {
  const taken = new Map<SchoolLevel, number>();
  return children.filter((child) => {
    const { limit, held, waiting } = use(child.schoolLevel);
    const before = taken.get(child.schoolLevel) ?? 0;
    taken.set(child.schoolLevel, before + 1);
    return before >= Math.max(0, limit - held - waiting);
  });
}
