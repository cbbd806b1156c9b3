/**
 * How another system proves a callback is its own (issue 14): `sha256=<hex>`, the HMAC-SHA256 of
 * the raw body under a secret it shares with us — the form both callers use (the SMS gateway's
 * receipts, HR's transfer completions). One signer (used by the simulator, which plays those
 * systems) and one verifier (used by the commands that take the callbacks), so the two sides
 * cannot drift apart.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

export function signCallback(secret: string, body: string | Buffer): string {
  return `${PREFIX}${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when `signature` is the caller's signature of `rawBody` under `secret`; constant time. */
export function validCallbackSignature(secret: string, rawBody: Buffer | undefined, signature: string | undefined): boolean {
  if (!rawBody || !signature?.startsWith(PREFIX)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(signature.slice(PREFIX.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
