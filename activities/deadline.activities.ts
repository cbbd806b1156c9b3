/**
 * The statutory clock (issue 13): the working-day calendar files (policy/calendar/<year>.json)
 * a case counts its deadlines on. The workflow counts with the pure domain code
 * (domain/working-days.ts); this activity only brings it the data, so the history records which
 * calendar a deadline was counted on and a replay counts the same. Read on every call (a few
 * kilobytes), like the capacity files: a year's file added later reaches the next case that asks.
 */
import type { CalendarYear } from '../domain/working-days';
import { CALENDAR_DIR, loadCalendarYears } from '../policy/calendar-files';

export interface DeadlineDeps {
  /** Folder of the calendar files; default policy/calendar. */
  calendarDir?: string;
}

export function createDeadlineActivities({ calendarDir = CALENDAR_DIR }: DeadlineDeps = {}) {
  return {
    /** The calendar files of `fromYear` and later: deadlines are only ever counted forward. */
    async loadWorkingCalendar(input: { fromYear: number }): Promise<CalendarYear[]> {
      return loadCalendarYears(calendarDir).filter((f) => f.year >= input.fromYear);
    },
  };
}
