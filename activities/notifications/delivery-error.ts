/**
 * How a send failed, as the dispatcher needs to know it: permanent failures (a rejected
 * address, an unapproved template) fail the notice at once; anything else (the server down, a
 * 4xx, a timeout, throttling) is tried again later with backoff.
 */
import { withoutContacts } from '../../domain/contact-redaction';

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/**
 * One line, bounded: what the outbox and the supervisors' incident show, without the recipient's
 * address or number a server's refusal may quote (domain/contact-redaction.ts).
 */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return withoutContacts(text).replace(/\s+/g, ' ').slice(0, 500);
}
