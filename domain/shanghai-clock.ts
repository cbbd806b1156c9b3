/**
 * Calendar and clock readings of an instant in Asia/Shanghai, the policy's time zone: the dates
 * a notice prints, and the day and year a decision falls on (which authorities version applies,
 * which year's document-number series). Pure; independent of the machine's TZ and locale.
 */

import { isCalendarDate } from './id-number';

// Explicit time zone, calendar and digits: output does not depend on the machine's TZ or locale.
const SHANGHAI_CLOCK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Shanghai',
  calendar: 'gregory',
  numberingSystem: 'latn',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export type ClockParts = Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;

/** Year, month, day, hour and minute (zero-padded) of an ISO 8601 instant in Asia/Shanghai. */
export function shanghaiParts(iso: string): ClockParts {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new Error('date: expected an ISO 8601 date-time');
  const parts = new Map(SHANGHAI_CLOCK.formatToParts(instant).map((p) => [p.type, p.value]));
  const get = (type: Intl.DateTimeFormatPartTypes): string => {
    const value = parts.get(type);
    if (value === undefined) throw new Error(`date: no ${type} in formatted date`);
    return value;
  };
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/** YYYY-MM-DD of an ISO 8601 instant in Asia/Shanghai. */
export function shanghaiDay(iso: string): string {
  const p = shanghaiParts(iso);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Today (YYYY-MM-DD) in Asia/Shanghai: the day policies, capacities and birth dates are judged on. */
export function shanghaiToday(now: Date = new Date()): string {
  return shanghaiDay(now.toISOString());
}

/** The instant a day (YYYY-MM-DD) begins in Asia/Shanghai (UTC+8, no DST), as ISO 8601. */
export function shanghaiDayStart(day: string): string {
  const instant = new Date(`${day}T00:00:00+08:00`);
  if (Number.isNaN(instant.getTime())) throw new Error('date: expected YYYY-MM-DD');
  return instant.toISOString();
}

/** Date, time and a zone: Z, ±hh:mm, ±hhmm or ±hh; T or a space between date and time. */
const ZONED = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2})?)$/;
/** The same without a zone: Beijing wall time. */
const WALL = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)$/;

/**
 * An instant as a provider in China writes it: ISO 8601 with its offset, or Beijing wall time with
 * none ("2015-10-17 08:03:04", Tencent's SMS receipts). `new Date` would read the latter in the
 * machine's zone — UTC in our image — and put the receipt eight hours late. Undefined for anything
 * else, a day the calendar lacks (2月30日) included.
 */
export function shanghaiInstant(text: string): Date | undefined {
  const zoned = ZONED.exec(text) ?? WALL.exec(text);
  if (!zoned) return undefined;
  const [, day, time, zone] = zoned as unknown as [string, string, string, string | undefined];
  // ±hhmm and ±hh as ±hh:mm, which every engine reads; no zone is Beijing's.
  const offset =
    zone === undefined ? '+08:00' : zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}`;
  const instant = new Date(`${day}T${time}${offset}`);
  if (Number.isNaN(instant.getTime())) return undefined;
  // V8 rolls 2月30日 over into March: a day that is not on the calendar is not an instant.
  return isCalendarDate(day) ? instant : undefined;
}
