/**
 * The one-shot message after a form (已认领案件 …), carried in the redirect's URL, sealed with
 * the pages' secret and bound to the signed-in person, rather than in the session. In the
 * session there was one slot per person: an officer posting in several tabs at once saw one
 * tab's message in another (the wrong case number) or none, the concurrent saves overwriting
 * each other. In the URL each tab carries its own, and a post saves no session. Sealed
 * (web/sealed-token.ts), so no link from elsewhere can put words in the banner and the words (a
 * child's name) cannot be read from the browser's history or a proxy's log; short-lived, so an
 * old URL shows none.
 */
import { z } from 'zod';
import { openToken, sealToken } from './sealed-token';
import { localPath } from './session';

interface Link {
  href: string;
  text: string;
}

export interface Flash {
  kind: 'success' | 'info';
  text: string;
  /** A link to go on with (an officer's next case), focused so that Enter follows it. */
  next?: Link;
  /** A link the text points to (the waiting list it names), not focused. */
  also?: Link;
}

/** How long a message's URL shows it: a redirect and a reload or two. */
export const FLASH_TTL_MS = 120_000;
/** The query parameter that carries it. */
export const FLASH_PARAM = 'flash';
const PURPOSE = 'flash';

const LinkShape = z.object({ href: z.string(), text: z.string().max(500) });
const Shape = z.object({
  kind: z.enum(['success', 'info']),
  text: z.string().max(1000),
  next: LinkShape.optional(),
  also: LinkShape.optional(),
});

export function sealFlash(secret: string, sub: string, flash: Flash, now = Date.now()): string {
  return sealToken(secret, PURPOSE, sub, flash, FLASH_TTL_MS, now);
}

const localLink = (link: Link | undefined): Link | undefined => {
  const href = link && localPath(link.href);
  return link && href ? { href, text: link.text } : undefined;
};

/** The message a URL carries for this person, or undefined (none, forged, another person's, expired). */
export function openFlash(secret: string, sub: string, token: unknown, now = Date.now()): Flash | undefined {
  const parsed = Shape.safeParse(openToken(secret, PURPOSE, sub, token, now));
  if (!parsed.success) return undefined;
  const { kind, text } = parsed.data;
  const next = localLink(parsed.data.next);
  const also = localLink(parsed.data.also);
  return { kind, text, ...(next ? { next } : {}), ...(also ? { also } : {}) };
}

/** `href` with the sealed message added to its query (before any #fragment). */
export function withFlash(href: string, sealed: string): string {
  const hash = href.indexOf('#');
  const [path, fragment] = hash < 0 ? [href, ''] : [href.slice(0, hash), href.slice(hash)];
  return `${path}${path.includes('?') ? '&' : '?'}${FLASH_PARAM}=${sealed}${fragment}`;
}
