/**
 * The development mail sink (issue 14): an SMTP server (npm `smtp-server`) that takes every
 * letter, parses it (`mailparser`) and keeps it in MongoDB, plus the mailbox page that shows
 * them. `npm start` runs it as its own process (tools/mail-sink/main.ts); the tests run it in
 * process. It answers like a recipient's server: 250 once the letter is stored (what the engine
 * counts as delivered), 550 for mailboxes that do not exist (any address at
 * undeliverable.example), so both outcomes can be seen without a real mail system.
 */
import type { AddressObject } from 'mailparser';
import { simpleParser } from 'mailparser';
import type { Connection } from 'mongoose';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../../config/logger';
import { isDuplicateKey } from '../../models/duplicate-key';
import { receivedMailModel } from './mail.model';

/** Mailboxes of this domain do not exist: their letters are refused with 550. */
export const UNDELIVERABLE_DOMAIN = 'undeliverable.example';

const addressesOf = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? '')).filter(Boolean);

export function createSmtpSink(opts: { conn: Connection; logger: Logger }): SMTPServer {
  const mail = receivedMailModel(opts.conn);
  return new SMTPServer({
    // A development sink on loopback: no TLS, no login.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    banner: 'hukou mail sink',
    size: 5 * 1024 * 1024,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase().endsWith(`@${UNDELIVERABLE_DOMAIN}`)) {
        const err = Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const messageId = parsed.messageId ?? `<sink-${session.id}@localhost>`;
          const noticeId = parsed.headers.get('x-notice-id');
          try {
            await mail.create({
              _id: messageId,
              from: addressesOf(parsed.from)[0] ?? '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              html: parsed.html || '',
              text: parsed.text ?? '',
              ...(typeof noticeId === 'string' ? { noticeId } : {}),
              receivedAt: new Date(),
              deliveries: 1,
            });
          } catch (err) {
            if (!isDuplicateKey(err)) throw err;
            // The same Message-ID again (a resend after a crash): the same letter, counted, not kept twice.
            await mail.updateOne({ _id: messageId }, { $inc: { deliveries: 1 } });
          }
          opts.logger.debug({ messageId }, 'mail sink: letter received');
          callback();
        })
        .catch((err: unknown) => {
          opts.logger.warn({ err: String(err) }, 'mail sink: letter not stored');
          // 451: a temporary failure, the sender tries again.
          callback(Object.assign(new Error('4.3.0 could not store the letter'), { responseCode: 451 }));
        });
    },
  });
}

export interface ListeningSink {
  server: SMTPServer;
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (0: any free port) and says where. */
export async function listenSmtpSink(server: SMTPServer, host: string, port: number): Promise<ListeningSink> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { server, port: bound, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
