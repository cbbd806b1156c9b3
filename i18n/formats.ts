/**
 * How dates and lists read in each locale: shared by the notices and the web pages, so a letter
 * and the page showing it print the same day the same way. Days are Asia/Shanghai's.
 */
import { shanghaiParts, type ClockParts } from '../domain/shanghai-clock';
import type { Locale } from '../domain/vocabulary';

export const LIST_SEPARATOR: Readonly<Record<Locale, string>> = { 'zh-CN': '、', en: ', ' };

/**
 * A day as each locale writes it: 2026年3月5日, as official documents do (GB/T 9704 writes the
 * month and day without a leading zero); 2026-03-05, ISO 8601, in English.
 */
export function formatDay(p: Pick<ClockParts, 'year' | 'month' | 'day'>, locale: Locale): string {
  return locale === 'zh-CN' ? `${p.year}年${Number(p.month)}月${Number(p.day)}日` : `${p.year}-${p.month}-${p.day}`;
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
