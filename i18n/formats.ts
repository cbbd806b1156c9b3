/**
 * How dates and lists read in each locale: shared by the notices and the web pages, so a letter
 * and the page showing it print the same day the same way. Days are Asia/Shanghai's.
 */
import { shanghaiParts, type ClockParts } from '../domain/shanghai-clock';
import type { Locale } from '../domain/vocabulary';

export const LIST_SEPARATOR: Readonly<Record<Locale, string>> = { 'zh-CN': '、', en: ', ' };
/** Between items that are phrases themselves (a department and its date, an incident). */
export const ITEM_SEPARATOR: Readonly<Record<Locale, string>> = { 'zh-CN': '；', en: '; ' };

/**
 * A day as each locale writes it: 2026年3月5日, as official documents do (GB/T 9704 writes the
 * month and day without a leading zero); 2026-03-05, ISO 8601, in English.
 */
export function formatDay(p: Pick<ClockParts, 'year' | 'month' | 'day'>, locale: Locale): string {
  return locale === 'zh-CN' ? `${p.year}年${Number(p.month)}月${Number(p.day)}日` : `${p.year}-${p.month}-${p.day}`;
}

/** A calendar day written YYYY-MM-DD (a deadline, a policy's first day) as the locale writes days. */
export function formatIsoDay(ymd: string, locale: Locale): string {
  const [year = '', month = '', day = ''] = ymd.split('-');
  return formatDay({ year, month, day }, locale);
}

/** 2026年3月5日 / 2026-03-05: the calendar day of an ISO instant in Asia/Shanghai. */
export function shanghaiDate(iso: string, locale: Locale): string {
  return formatDay(shanghaiParts(iso), locale);
}

/** The day as above plus HH:mm, Beijing time. */
export function shanghaiDateTime(iso: string, locale: Locale): string {
  const p = shanghaiParts(iso);
  return `${formatDay(p, locale)} ${p.hour}:${p.minute}`;
}

/**
 * An admission round as every reader is told it, SMS, letter and page alike: 2026年第2批次 for
 * `2026-2` (any other id as it is, with 批次); in English "round 2026-2".
 */
export function roundName(roundId: string, locale: Locale): string {
  const m = /^(\d{4})-(\d+)$/.exec(roundId);
  if (locale !== 'zh-CN') return `round ${roundId}`;
  return m ? `${m[1]}年第${Number(m[2])}批次` : `${roundId}批次`;
}
