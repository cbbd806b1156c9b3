/**
 * Whether the deadlines counted today rest on published holiday calendars (issue 13, "the
 * statutory clock"). A year without its State Council notice in policy/calendar/ is counted on
 * weekdays only and every deadline reaching into it is provisional: said loudly by /readyz (a
 * warning, not a failure: cases go on), a metric, and a banner on the supervisors' pages.
 */
import type { Config } from '../../config/config';
import { DEPARTMENTS } from '../../domain/vocabulary';
import { DEPARTMENT_TABLE } from '../../domain/departments';
import { addWorkingDays, coverage, reachedByNextYear } from '../../domain/working-days';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { loadWorkingCalendar } from '../../policy/calendar-files';

export interface CalendarCoverage {
  /** Years with a calendar file. */
  years: readonly number[];
  /** A deadline counted today, up to the longest one configured, may move. */
  provisional: boolean;
  /** The years such a deadline reaches without a file. */
  missing: number[];
  message?: string;
}

/** The longest working-day deadline configured: how far ahead the calendar must reach today. */
export function deadlineHorizon(c: Config): number {
  return Math.max(
    c.SUPPLEMENT_RESPONSE_WORKING_DAYS,
    c.SCHOOL_PLACEMENT_WORKING_DAYS,
    ...DEPARTMENTS.map((d) => c[DEPARTMENT_TABLE[d].slaWorkingDaysVariable]),
    ...DEPARTMENTS.map((d) => c[DEPARTMENT_TABLE[d].supplementWorkingDaysVariable] ?? 0),
  );
}

/** Where the calendar files are read and what today is: CALENDAR_DIR (else the shipped folder) and the real day unless a test says otherwise. */
export interface CoverageSource {
  dir?: string;
  today?: () => string;
}

/** The coverage of the deadlines configured now: what /readyz, the metric and the supervisors' banner report. */
export function configuredCoverage(c: Config, source: CoverageSource = {}): CalendarCoverage {
  return calendarCoverage(deadlineHorizon(c), source.today?.() ?? shanghaiToday(), source.dir ?? c.CALENDAR_DIR);
}

/**
 * Asked on every supervisor page, every /readyz and every scrape: the answer is kept for a
 * minute per (horizon, day, folder), so the calendar files are read at most once a minute, and a
 * file an operator adds is seen within a minute, without a restart.
 */
const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; value: CalendarCoverage }>();

export function calendarCoverage(horizonDays: number, today: string = shanghaiToday(), dir?: string): CalendarCoverage {
  const key = `${horizonDays}|${today}|${dir ?? ''}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = coverageOn(horizonDays, today, dir);
  if (cache.size > 100) cache.clear();
  cache.set(key, { at: Date.now(), value });
  return value;
}

function coverageOn(horizonDays: number, today: string, dir?: string): CalendarCoverage {
  const cal = loadWorkingCalendar(dir);
  const years = coverage(cal);
  const { day, provisional } = addWorkingDays(cal, today, horizonDays);
  if (!provisional) return { years, provisional, missing: [] };
  // Late December of a year also waits on the next year's notice (it may move New Year's Eve).
  const last = Number(day.slice(0, 4)) + (reachedByNextYear(cal, day) ? 1 : 0);
  const missing: number[] = [];
  for (let y = Number(today.slice(0, 4)); y <= last; y++) if (!years.includes(y)) missing.push(y);
  // The folder the files are read from (CALENDAR_DIR), where the operator adds them.
  const files = missing.map((y) => `${dir ?? 'policy/calendar'}/${y}.json`).join(', ');
  return {
    years,
    provisional,
    missing,
    message: `Working-day deadlines counted now are provisional: no holiday calendar for ${missing.join(', ')} (${files}); weekdays only are counted until the State Council's notice is added.`,
  };
}
