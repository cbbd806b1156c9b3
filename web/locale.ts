/**
 * The page language: zh-CN first. `?lang=` or the language link (which sets the `lang` cookie)
 * choose; without a choice, a browser that prefers English to any Chinese gets English.
 */
import type { RequestHandler } from 'express';
import { LOCALES, type Locale } from '../domain/vocabulary';

declare module 'express-serve-static-core' {
  interface Request {
    locale: Locale;
  }
}

export const LANG_COOKIE = 'lang';

export function isLocale(value: unknown): value is Locale {
  return LOCALES.includes(value as Locale);
}

function fromCookie(header: string | undefined): Locale | undefined {
  const m = header ? /(?:^|;\s*)lang=([^;]+)/.exec(header) : null;
  const value = m ? decodeURIComponent(m[1]!) : undefined;
  return isLocale(value) ? value : undefined;
}

function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find(Boolean);
      return { tag: tag.toLowerCase(), q: q ? Number(q[1]) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  const first = ranked.find((r) => r.tag.startsWith('zh') || r.tag.startsWith('en'));
  return first?.tag.startsWith('en') ? 'en' : undefined;
}

export const chooseLocale: RequestHandler = (req, _res, next) => {
  const asked = req.query.lang;
  req.locale = isLocale(asked)
    ? asked
    : (fromCookie(req.headers.cookie) ?? fromAcceptLanguage(req.get('accept-language')) ?? 'zh-CN');
  next();
};
