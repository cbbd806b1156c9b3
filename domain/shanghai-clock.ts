/**
 * Calendar and clock readings of an instant in Asia/Shanghai, the policy's time zone: the dates
 * a notice prints, and the day and year a decision falls on (which authorities version applies,
 * which year's document-number series). Pure; independent of the machine's TZ and locale.
 */

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
