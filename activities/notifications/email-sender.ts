/**
 * Email through any SMTP server (issue 14): nodemailer to SMTP_URL. Each notice goes with a
 * deterministic Message-ID made from its id, our idempotency key: a resend after a crash carries
 * the same Message-ID, so a receiving system that dedupes by it (our mail sink does) keeps one.
 * "Delivered" for email means the recipient's SMTP server accepted the message (250): that is
 * the proof of service we can have without read receipts (README "Notice delivery").
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { DeliveryError } from './delivery-error';

export interface EmailMessage {
  noticeId: string;
  to: string;
  subject: string;
  html: string;
}

export interface EmailSender {
  send(m: EmailMessage): Promise<{ messageId: string }>;
  close(): void;
}

/** `<sha256(notice id)@domain>`: the same notice always has the same Message-ID, and no personal data shows in it. */
export function messageIdFor(noticeId: string, domain: string): string {
  return `<${createHash('sha256').update(noticeId).digest('hex').slice(0, 40)}@${domain}>`;
}

export function createEmailSender(opts: { smtpUrl: string; from: string; timeoutMs: number }): EmailSender {
  const domain = opts.from.replace(/^.*@/, '').replace(/>.*$/, '') || 'localhost';
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
  });
  return {
    async send(m) {
      const messageId = messageIdFor(m.noticeId, domain);
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: m.to,
          subject: m.subject,
          html: m.html,
          messageId,
          headers: { 'X-Notice-Id': m.noticeId },
        });
        if (info.rejected.length > 0) throw new DeliveryError(`recipient rejected: ${String(info.response)}`, true);
        return { messageId };
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        // SMTP 5xx (e.g. 550 no such mailbox) will not change by retrying; 4xx and network errors may.
        const code = (err as { responseCode?: number }).responseCode;
        const message = err instanceof Error ? err.message : String(err);
        throw new DeliveryError(code ? `SMTP ${code}: ${message}` : message, code !== undefined && code >= 500);
      }
    },
    close() {
      transport.close();
    },
  };
}
