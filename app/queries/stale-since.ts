/**
 * "No progress for N days" on the supervisors' stale list, counted as the deadlines are (README
 * "Deadlines count working days"): the same moment of the day N working days back, so a weekend
 * or a holiday does not make every case stale on the next working morning. Under
 * DEADLINE_CLOCK=elapsed (tests, demos) it is N × 24 hours, as those deadlines are.
 */
import type { Config } from '../../config/config';
import { dayNumber, shanghaiDayOf, workingDaysBefore, type WorkingCalendar } from '../../domain/working-days';
import { loadWorkingCalendar } from '../../policy/calendar-files';

const DAY_MS = 86_400_000;
/** The calendar files are read at most once a minute (a file an operator adds is seen without a restart). */
const CACHE_MS = 60_000;
let cached: { at: number; dir: string | undefined; cal: WorkingCalendar } | undefined;

/** `dir`: CALENDAR_DIR, else the shipped folder; kept per folder, so another folder is read at once. */
function calendarNow(dir: string | undefined): WorkingCalendar {
  if (!cached || cached.dir !== dir || Date.now() - cached.at >= CACHE_MS)
    cached = { at: Date.now(), dir, cal: loadWorkingCalendar(dir) };
  return cached.cal;
}

/** The instant before which a case's last progress makes it stale after `days` days without progress. */
export function staleSince(
  config: Pick<Config, 'DEADLINE_CLOCK' | 'CALENDAR_DIR'>,
  days: number,
  now = new Date(),
  cal?: WorkingCalendar,
): string {
  if (config.DEADLINE_CLOCK !== 'working-days') return new Date(now.getTime() - days * DAY_MS).toISOString();
  const today = shanghaiDayOf(now.toISOString());
  const back = dayNumber(today) - dayNumber(workingDaysBefore(cal ?? calendarNow(config.CALENDAR_DIR), today, days));
  return new Date(now.getTime() - back * DAY_MS).toISOString();
}
