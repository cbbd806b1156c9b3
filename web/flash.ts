/**
 * The one-shot message after a form (已认领案件 …), carried in the redirect's URL, sealed with
 * the pages' secret and bound to the signed-in person, rather than in the session. In the
 * session there was one slot per person: an officer posting in several tabs at once saw one
 * tab's message in another (the wrong case number) or none, the concurrent saves overwriting
 * each other. In the URL each tab carries its own, and a post saves no session. Sealed, so no
 * link from elsewhere can put words in the banner; short-lived, so an old URL shows none.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { localPath } from './session';

export interface Flash {
  kind: 'success' | 'info';
  text: string;
  /** A link to go on with (an officer's next case), focused so that Enter follows it. */
  next?: { href: string; text: string };
}

/** How long a message's URL shows it: a redirect and a reload or two. */
export const FLASH_TTL_MS = 120_000;
/** The query parameter that carries it. */
export const FLASH_PARAM = 'flash';

const Sealed = z.object({
  f: z.object({
    kind: z.enum(['success', 'info']),
    text: z.string().max(1000),
    next: z.object({ href: z.string(), text: z.string().max(500) }).optional(),
  }),
  s: z.string(),
  e: z.number(),
});

const mac = (secret: string, body: string): Buffer => createHmac('sha256', secret).update(`flash:${body}`).digest();

export function sealFlash(secret: string, sub: string, flash: Flash, now = Date.now()): string {
  const body = Buffer.from(JSON.stringify({ f: flash, s: sub, e: now + FLASH_TTL_MS })).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The message a URL carries for this person, or undefined (none, forged, another person's, expired). */
export function openFlash(secret: string, sub: string, token: unknown, now = Date.now()): Flash | undefined {
  if (typeof token !== 'string' || token.length > 4000) return undefined;
  const [body = '', tag = ''] = token.split('.');
  const given = Buffer.from(tag, 'base64url');
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let parsed;
  try {
    parsed = Sealed.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success || parsed.data.s !== sub || parsed.data.e < now) return undefined;
  const { kind, text, next } = parsed.data.f;
  const nextHref = next && localPath(next.href);
  return { kind, text, ...(next && nextHref ? { next: { href: nextHref, text: next.text } } : {}) };
}

/** `href` with the sealed message added to its query (before any #fragment). */
export function withFlash(href: string, sealed: string): string {
  const hash = href.indexOf('#');
  const [path, fragment] = hash < 0 ? [href, ''] : [href.slice(0, hash), href.slice(hash)];
  return `${path}${path.includes('?') ? '&' : '?'}${FLASH_PARAM}=${sealed}${fragment}`;
}
