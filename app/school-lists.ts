/**
 * The schools a waiting child may be placed at (§21), where the capacity file in force lists them
 * for its area and level (domain/capacity.ts `schools`): the waiting list offers them, and placing
 * a child refuses any other name. Read once for a page or a command (each file parsed again only
 * when it changed).
 */
import { schoolsOf, type Area } from '../domain/capacity';
import type { SchoolLevel } from '../domain/vocabulary';
import { shanghaiDayOf } from '../domain/working-days';
import { capacityTableOn } from '../policy/capacity-files';
import type { AppDeps } from './deps';

/** For an area and level, the listed schools; undefined when any named school may be given. */
export type SchoolLists = (area: string, level: string) => readonly string[] | undefined;

export function schoolListsToday(deps: Pick<AppDeps, 'config'>): SchoolLists {
  const table = capacityTableOn(shanghaiDayOf(new Date().toISOString()), deps.config.CAPACITY_DIR);
  return (area, level) => schoolsOf(table, area as Area, level as SchoolLevel);
}
