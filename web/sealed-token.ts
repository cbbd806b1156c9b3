/**
 * A small JSON value carried in a URL for one signed-in person: encrypted and authenticated
 * (AES-256-GCM under a key of its own per purpose, made from the pages' secret), bound to the
 * person and short-lived. What it carries (a child's name in a banner, an officer's reason in a
 * decision awaiting confirmation) cannot be read from the browser's history or a proxy's log, and
 * no link from elsewhere can make one.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Longer tokens are not opened (a URL holds a few kilobytes at most). */
export const TOKEN_MAX = 8000;

/** The format's first byte: a later format (or a rotated derivation) is told apart, not misread. */
const VERSION = 1;
/** A key of its own per purpose (HKDF-SHA256 over the pages' secret), unrelated to the session cookie's use of it. */
const keyOf = (secret: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, '', `sealed-token:v${VERSION}:${purpose}`, 32));

const Sealed = z.object({ p: z.unknown(), s: z.string(), e: z.number() });

/** `payload` sealed for `sub`, for `purpose`, readable until `ttlMs` from `now`. */
export function sealToken(
  secret: string,
  purpose: string,
  sub: string,
  payload: unknown,
  ttlMs: number,
  now = Date.now(),
): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret, purpose), iv);
  const plain = JSON.stringify({ p: payload, s: sub, e: now + ttlMs });
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The payload, or undefined: none, too long, forged or altered, another purpose's or person's, expired. */
export function openToken(secret: string, purpose: string, sub: string, token: unknown, now = Date.now()): unknown {
  if (typeof token !== 'string' || token.length > TOKEN_MAX) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes[0] !== VERSION) return undefined;
  const raw = bytes.subarray(1);
  if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
  let sealed;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret, purpose), raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    sealed = Sealed.safeParse(JSON.parse(plain.toString('utf8')));
  } catch {
    return undefined;
  }
  if (!sealed.success || sealed.data.s !== sub || sealed.data.e < now) return undefined;
  return sealed.data.p;
}
