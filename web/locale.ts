/**
 * The page language: zh-CN first. `?lang=` or the language link choose, and both keep the choice
 * in the `lang` cookie (a link shared as `/?lang=en` stays English past the next page); without a
 * choice, a browser that prefers English to any Chinese gets English.
 */
import type { RequestHandler, Response } from 'express';
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

/** Keeps the person's language for a year (`secure` in production, where pages are served over HTTPS). */
export function rememberLocale(res: Response, locale: Locale, secure: boolean): void {
  res.cookie(LANG_COOKIE, locale, { sameSite: 'lax', secure, maxAge: 365 * 24 * 3600_000, path: '/' });
}

export function chooseLocale(opts: { secure: boolean }): RequestHandler {
  return (req, res, next) => {
    const asked = req.query.lang;
    const kept = fromCookie(req.headers.cookie);
    if (isLocale(asked) && asked !== kept) rememberLocale(res, asked, opts.secure);
    req.locale = isLocale(asked) ? asked : (kept ?? fromAcceptLanguage(req.get('accept-language')) ?? 'zh-CN');
    next();
  };
}
