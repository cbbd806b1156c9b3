/**
 * How a send failed, as the dispatcher needs to know it: permanent failures (a rejected
 * address, an unapproved template) fail the notice at once; anything else (the server down, a
 * 4xx, a timeout, throttling) is tried again later with backoff.
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** An email address, as an SMTP server quotes a recipient (`<user@example.cn>`) or names it bare. */
const EMAIL = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+/g;
/** A mainland mobile number, as an SMS gateway may quote the number it could not reach. */
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)/g;

/**
 * One line, bounded: what the outbox and the supervisors' incident show. A server's refusal may
 * quote the recipient ("550 5.1.1 <user@example.cn>: Recipient address rejected"); the address
 * is the notice's own (sealed there), so the error keeps the code and words without it, as it is
 * stored unsealed and shown to supervisors.
 */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(EMAIL, '[address]').replace(MOBILE, '[number]').replace(/\s+/g, ' ').slice(0, 500);
}
