/**
 * The working-day (工作日) calendar that statutory deadlines are counted on (issue 13, "The
 * statutory clock"; every step's deadline, DOMAIN.md): Saturdays and Sundays are off, public
 * holidays are off, and the make-up working days (调休, usually a Saturday or a Sunday) are
 * working days. Which days are holidays or make-up days is not computable: the State Council
 * decides each year in a notice, which lives as data in policy/calendar/<year>.json.
 *
 * Pure and deterministic (no clock, no Intl, no time-zone database, no I/O): workflow code
 * builds the calendar from parsed year files it receives as data and counts on it. Validation of
 * a file lives in working-days.parse.ts so that zod stays out of the workflow bundle.
 *
 * Convention: a deadline of N working days from day D ends on the N-th working day after D. D
 * itself is never counted, whether or not it is a working day, so a case opened on a holiday or
 * at 23:00 is due on the same day as one opened that morning.
 *
 * A year without a file is counted on weekdays only, and every result that depended on such a
 * day says `provisional: true`. Late December of year Y also depends on year Y+1's notice: a
 * notice titled Y+1 may arrange the New Year holiday from late December of Y (the 2019 notice took
 * 2018-12-31, a Monday, off and made 2018-12-29, a Saturday, a working day; the 2023 one listed
 * 2022-12-31). So a day from NEXT_YEAR_REACHES_DECEMBER on is settled only when both its year's
 * file and the next year's are in. (Calendars built for histories from before this rule count
 * the whole of December so: `nextYearFrom: 1`.)
 */

/**
 * The first day of December a next year's notice may arrange: the New Year holiday and its
 * make-up days lie within days of 1 January (the earliest so far, 2018-12-29, in the 2019
 * notice); a week's margin before that. Before this, a deadline of 11 December counted on
 * 6 December was marked provisional though no New Year arrangement could reach it (an
 * applicant's trial: every date of the month read 暂定).
 */
// The case and round workflows count with it behind patch `late-december-provisional`: another
// value changes the deadlines of cases already running, so it needs a new patch, not an edit.
export const NEXT_YEAR_REACHES_DECEMBER = 22;

/** One day a notice arranges: a holiday (isOffDay) or a make-up working day (!isOffDay). */
export interface CalendarDay {
  /** The holiday it belongs to, as the notice names it: 春节, 国庆节、中秋节, … */
  name: string;
  /** YYYY-MM-DD; in the file's year, or in December of the year before. */
  date: string;
  isOffDay: boolean;
}

/** A State Council (国务院办公厅) notice a year file was taken from. */
export interface CalendarSource {
  title: string;
  /** The document number (发文字号), e.g. 国办发明电〔2023〕7号; absent when not verified. */
  number?: string;
  /** The date the notice bears (成文日期), YYYY-MM-DD. */
  dated: string;
  url: string;
}

/** One policy/calendar/<year>.json: a year's arrangements, as published for that year. */
export interface CalendarYear {
  year: number;
  /** The notices, oldest first; a later one (e.g. 2020's Spring Festival extension) amends an earlier one. */
  sources: CalendarSource[];
  days: CalendarDay[];
}

/** Built once from the year files; read only through the functions below. */
export interface WorkingCalendar {
  /** Years that have a file, ascending. */
  readonly years: readonly number[];
  /** Day number (see dayNumber) → isOffDay, for the days a notice arranges. */
  readonly arranged: ReadonlyMap<number, boolean>;
  /** The first day of December that waits on the next year's notice (NEXT_YEAR_REACHES_DECEMBER). */
  readonly nextYearFrom: number;
}

/** A counted day, and whether any day the count rested on lacked its notice. */
export interface WorkingDayResult {
  day: string;
  provisional: boolean;
}

/** Beyond this a count is a bug, not a deadline (about 40 years): refused rather than looped over. */
export const MAX_WORKING_DAYS = 10_000;

/**
 * The default end of the office day in Asia/Shanghai. Government service halls in China close
 * between 17:00 and 18:00 depending on city and season; 17:00 is the earliest common time, so a
 * due time never falls after the counter has already closed (an applicant told 17:30 might come
 * at 17:15 and find it shut). A department that closes later passes its own time.
 */
export const DEFAULT_OFFICE_CLOSE = '17:00';

/**
 * When the office day begins by default, for what is timed rather than caused (a reminder): 09:00,
 * when government service halls in China have opened, so that a reminder never reaches an
 * applicant's phone at night nor an officer's mailbox on a rest day (OFFICE_OPEN sets a city's own).
 */
export const DEFAULT_OFFICE_OPEN = '09:00';

/**
 * Asia/Shanghai as a fixed UTC+8. China has kept UTC+8 all year since it abolished daylight
 * saving time after 1991, and no change is announced; the IANA zone differs from UTC+8 only
 * before 1992. A fixed offset keeps this module free of Intl and the time-zone database (whose
 * version could differ between the worker that ran a workflow and the one that replays it), and
 * instants before 1992 are refused so that the one difference cannot bite.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST_FIXED_OFFSET_YEAR = 1992;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
// An explicit offset or Z: a date-time without one would be read in the machine's time zone.
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Year, month and day of a well-formed YYYY-MM-DD that exists in the calendar; otherwise throws. */
function partsOf(day: string): [number, number, number] {
  const m = DAY.exec(day);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (!m || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo))
    throw new RangeError(`working days: "${day}" is not a calendar day (YYYY-MM-DD)`);
  return [y, mo, d];
}

/**
 * Days since 1970-01-01 of a YYYY-MM-DD (proleptic Gregorian), by integer arithmetic
 * (H. Hinnant's days_from_civil) rather than Date, so nothing depends on the machine's zone.
 */
export function dayNumber(day: string): number {
  const [y0, m, d] = partsOf(day);
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The YYYY-MM-DD of a day number (inverse of dayNumber). */
export function dayString(n: number): string {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekday(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

/**
 * The calendar of the given year files. Throws when two files claim one year or one day: which
 * notice governs a day must never depend on the order files were read in.
 */
export function workingCalendar(files: readonly CalendarYear[], options: { nextYearFrom?: number } = {}): WorkingCalendar {
  const years = new Set<number>();
  const arranged = new Map<number, boolean>();
  const listedIn = new Map<number, number>();
  for (const file of files) {
    if (years.has(file.year)) throw new Error(`working days: two calendar files for ${file.year}`);
    years.add(file.year);
    for (const d of file.days) {
      const n = dayNumber(d.date);
      const other = listedIn.get(n);
      if (other !== undefined)
        throw new Error(`working days: ${d.date} is listed twice (in the ${other} file and the ${file.year} file)`);
      listedIn.set(n, file.year);
      arranged.set(n, d.isOffDay);
    }
  }
  return {
    years: [...years].sort((a, b) => a - b),
    arranged,
    nextYearFrom: options.nextYearFrom ?? NEXT_YEAR_REACHES_DECEMBER,
  };
}

/** The years with a file, ascending: a caller warns when the current or next year is missing. */
export function coverage(cal: WorkingCalendar): readonly number[] {
  return cal.years;
}

function isWorking(cal: WorkingCalendar, n: number): boolean {
  const off = cal.arranged.get(n);
  if (off !== undefined) return !off;
  const w = weekday(n);
  return w !== 0 && w !== 6;
}

/** Whether a day's status could still change when a missing notice is published (see the header). */
function unsettled(cal: WorkingCalendar, n: number): boolean {
  const s = dayString(n);
  const year = Number(s.slice(0, 4));
  return !cal.years.includes(year) || (reachedByNextYear(cal, s) && !cal.years.includes(year + 1));
}

/** Whether the next year's notice may arrange this YYYY-MM-DD: late December (see the header). */
export function reachedByNextYear(cal: WorkingCalendar, day: string): boolean {
  return day.slice(5, 7) === '12' && Number(day.slice(8, 10)) >= cal.nextYearFrom;
}

/** Whether a YYYY-MM-DD is a working day (on weekdays only, for a year without a file). */
export function isWorkingDay(cal: WorkingCalendar, day: string): boolean {
  return isWorking(cal, dayNumber(day));
}

/** Whether a day's status rests on a notice not yet in the calendar (its year's, or for late December the next year's). */
export function isProvisionalDay(cal: WorkingCalendar, day: string): boolean {
  return unsettled(cal, dayNumber(day));
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKING_DAYS)
    throw new RangeError(`working days: a count must be a whole number from 1 to ${MAX_WORKING_DAYS}, got ${n}`);
}

/**
 * The n-th working day after `from` (from itself not counted), n ≥ 1. Provisional when any day
 * in (from, result] is unsettled, i.e. its notice is not in the calendar yet.
 */
export function addWorkingDays(cal: WorkingCalendar, from: string, n: number): WorkingDayResult {
  checkCount(n);
  let day = dayNumber(from);
  let provisional = false;
  for (let counted = 0; counted < n;) {
    day += 1;
    if (!provisional && unsettled(cal, day)) provisional = true;
    if (isWorking(cal, day)) counted += 1;
  }
  return { day: dayString(day), provisional };
}

/** The n-th working day before `day` (day itself not counted), n ≥ 1: where "N working days ago" falls. */
export function workingDaysBefore(cal: WorkingCalendar, day: string, n: number): string {
  checkCount(n);
  let at = dayNumber(day);
  for (let counted = 0; counted < n;) {
    at -= 1;
    if (isWorking(cal, at)) counted += 1;
  }
  return dayString(at);
}

/**
 * How many working days lie in (from, to]: 0 when to is from. The clock stops while a case waits
 * on the applicant: the caller counts the working days the case waited with this and moves the
 * deadline on by as many (addWorkingDays from the old due day).
 */
export function workingDaysBetween(cal: WorkingCalendar, from: string, to: string): { count: number; provisional: boolean } {
  const start = dayNumber(from);
  const end = dayNumber(to);
  if (end < start) throw new RangeError(`working days: ${to} is before ${from}`);
  let count = 0;
  let provisional = false;
  for (let day = start + 1; day <= end; day += 1) {
    if (!provisional && unsettled(cal, day)) provisional = true;
    if (isWorking(cal, day)) count += 1;
  }
  return { count, provisional };
}

/** The day (YYYY-MM-DD) an instant falls on in Asia/Shanghai. */
export function shanghaiDayOf(iso: string): string {
  const m = INSTANT.exec(iso);
  if (!m) throw new RangeError(`working days: "${iso}" is not an ISO 8601 instant with a zone (Z or ±hh:mm)`);
  // Date.parse rolls 2026-02-30 over into March: the date part must exist on its own.
  partsOf(m[1] ?? '');
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`working days: "${iso}" is not a valid instant`);
  const day = dayString(Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS));
  if (Number(day.slice(0, 4)) < FIRST_FIXED_OFFSET_YEAR)
    throw new RangeError(`working days: ${iso} is before ${FIRST_FIXED_OFFSET_YEAR}, when Shanghai was not always UTC+8`);
  return day;
}

/** Minutes after midnight of an HH:MM time of day; throws naming `what` for anything else. */
function clockMinutes(clock: string, what: string): number {
  const m = CLOCK.exec(clock);
  if (!m) throw new RangeError(`working days: ${what} "${clock}" is not a time of day (HH:MM, 00:00–23:59)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * A deadline of n working days from an instant: counted from the Shanghai day of the instant,
 * due at `officeClose` (HH:MM, Asia/Shanghai) of the n-th working day after it. `dueAt` is a UTC
 * ISO instant (…Z); `day` is the due date as the applicant sees it.
 */
export function dueAtEndOfOfficeDay(
  cal: WorkingCalendar,
  fromIso: string,
  n: number,
  officeClose: string = DEFAULT_OFFICE_CLOSE,
): WorkingDayResult & { dueAt: string } {
  const minutes = clockMinutes(officeClose, 'office close');
  const { day, provisional } = addWorkingDays(cal, shanghaiDayOf(fromIso), n);
  const dueMs = dayNumber(day) * DAY_MS + minutes * 60_000 - SHANGHAI_OFFSET_MS;
  return { dueAt: new Date(dueMs).toISOString(), day, provisional };
}

/**
 * The first instant at or after `atMs` (epoch ms) that falls in office hours — from `officeOpen`
 * to `officeClose`, Asia/Shanghai — of a working day: a reminder computed as a fraction of a wait
 * in elapsed time (which counts nights and rest days) moved to when someone is at work.
 */
export function inOfficeHours(
  cal: WorkingCalendar,
  atMs: number,
  officeClose: string = DEFAULT_OFFICE_CLOSE,
  officeOpen: string = DEFAULT_OFFICE_OPEN,
): number {
  const open = clockMinutes(officeOpen, 'office open') * 60_000;
  const close = clockMinutes(officeClose, 'office close') * 60_000;
  const startOf = (day: number) => day * DAY_MS - SHANGHAI_OFFSET_MS;
  let day = Math.floor((atMs + SHANGHAI_OFFSET_MS) / DAY_MS);
  if (isWorking(cal, day) && atMs < startOf(day) + close) return Math.max(atMs, startOf(day) + open);
  do day += 1;
  while (!isWorking(cal, day));
  return startOf(day) + open;
}
