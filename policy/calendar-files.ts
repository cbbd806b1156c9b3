/**
 * Reads the working-day calendar files (policy/calendar/<year>.json, one per State Council
 * notice year; see calendar/README.md) for the statutory clock of issue 13. Beside the data, like
 * the other policy loaders (policy-files.ts). Processes that count deadlines load the files here
 * and hand them to workflows as data; workflows build the calendar with workingCalendar().
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { workingCalendar, type CalendarYear, type WorkingCalendar } from '../domain/working-days';
import { parseCalendarYear } from '../domain/working-days.parse';
import { parsedFile, parseJson } from './parsed-file';

export const CALENDAR_DIR = join(__dirname, 'calendar');
const YEAR_FILE = /^(\d{4})\.json$/;

/** Every year file, validated, ascending by year; a file must be named after the year it declares. */
export function loadCalendarYears(dir = CALENDAR_DIR): CalendarYear[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const named = YEAR_FILE.exec(f);
      if (!named) throw new Error(`calendar file ${f} in ${dir}: the name must be the year, e.g. 2026.json`);
      const path = join(dir, f);
      return parsedFile(path, (text) => {
        const json = parseJson(text, path);
        // The year first: a file copied from another year otherwise fails on every one of its days.
        const year = (json as { year?: unknown } | null)?.year;
        if (String(year) !== named[1])
          throw new Error(`calendar file ${path} declares the year ${String(year)}: it must be ${named[1]}`);
        return parseCalendarYear(json);
      });
    });
}

/**
 * The shipped calendar for readers outside the workflows (the appeal deadlines a page shows):
 * read at most once a minute, so a file an operator adds is seen within a minute, without a restart.
 */
const CACHE_MS = 60_000;
let cached: { at: number; dir: string; calendar: WorkingCalendar } | undefined;
export function currentWorkingCalendar(dir = CALENDAR_DIR): WorkingCalendar {
  if (!cached || cached.dir !== dir || Date.now() - cached.at > CACHE_MS) {
    let calendar: WorkingCalendar;
    try {
      calendar = loadWorkingCalendar(dir);
    } catch {
      // A file being edited badly must not take the applicant's notices down: the last good
      // calendar, else weekends only (dates never later than the true ones). The supervisors'
      // calendar check and the workers' deadlines, which read the same files, report it.
      calendar = cached?.dir === dir ? cached.calendar : workingCalendar([]);
    }
    cached = { at: Date.now(), dir, calendar };
  }
  return cached.calendar;
}

/** The working-day calendar of every shipped year (workingCalendar also refuses a day two files claim). */
export function loadWorkingCalendar(dir = CALENDAR_DIR): WorkingCalendar {
  return workingCalendar(loadCalendarYears(dir));
}
