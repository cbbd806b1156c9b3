/**
 * A provider's error text without the recipient's contact details. An SMTP server's refusal may
 * quote the address ("550 5.1.1 <user@example.cn>: Recipient address rejected"), an SMS gateway the
 * number; such text is kept unsealed (a notice's last error, its incident, the audit trail) and
 * shown to supervisors, while the contact itself is the notice's own, sealed there.
 */

/** An email address, bare or in angle brackets; a sentence's full stop after it stays. */
const EMAIL = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]*[^\s<>"'(),;:@.]/g;
/** A mainland mobile number, with or without +86 / 0086, whole or grouped 3-4-4 by spaces or hyphens. */
const MOBILE = /(?<!\d)(?:(?:\+|00)?86[- ]?)?1\d{2}[- ]?\d{4}[- ]?\d{4}(?!\d)/g;

export function withoutContacts(text: string): string {
  return text.replace(EMAIL, '[address]').replace(MOBILE, '[number]');
}
