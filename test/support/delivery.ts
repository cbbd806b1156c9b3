/**
 * Notice delivery in a test stack (issue 14): the mail sink in process on a port of its own (a
 * database of its own), the API listening on a real port so the simulator's SMS gateway can post
 * its receipts, and the dispatchers' senders with short retry pauses. Stopping and starting the
 * sink on the same port is the SMTP outage; the simulator's /__sms/faults is the SMS one.
 */
import type { Connection as MongoConnection } from 'mongoose';
import { createDeliveryDeps } from '../../activities/notifications/delivery-deps';
import type { DeliveryDeps } from '../../activities/notice-dispatch.activities';
import type { Config } from '../../config/config';
import { createLogger } from '../../config/logger';
import { connectMongo } from '../../models/connection';
import { receivedMailModel, type ReceivedMailDoc } from '../../tools/mail-sink/mail.model';
import { createSmtpSink, listenSmtpSink, type ListeningSink } from '../../tools/mail-sink/sink';
import { mongoUriFor } from './services';

export interface SmsFaults {
  down?: boolean;
  failNext?: number;
  errorCode?: string;
  undeliverable?: string[];
}

export interface SmsMessage {
  _id: string;
  serialNo: string;
  sessionContext: string;
  phone: string;
  templateId: string;
  params: string[];
  /** The approved text filled with the parameters, after the sign name: what the handset shows. */
  text: string;
  requests: number;
  receipt: { status: string; postedAt?: string };
}

export interface DeliveryHarness {
  deps: DeliveryDeps;
  /** The mail sink's database (the mailbox page reads it). */
  mongo: MongoConnection;
  smtpPort: number;
  /** Stops the mail sink (an SMTP outage) until startMailSink(). */
  stopMailSink(): Promise<void>;
  startMailSink(): Promise<void>;
  /** Every letter the sink kept. */
  letters(): Promise<ReceivedMailDoc[]>;
  close(): Promise<void>;
}

/** Fast enough for tests, yet a real backoff (doubling from 300 ms). */
export const TEST_DELIVERY_SETTINGS = {
  NOTICE_RETRY_BASE_MS: 300,
  NOTICE_RETRY_MAX_MS: 2000,
  NOTICE_POLL_MS: 150,
  NOTICE_SEND_TIMEOUT_MS: 2000,
  NOTICE_MAX_ATTEMPTS: 40,
} as const;

export async function startDeliveryHarness(opts: {
  database: string;
  simulatorUrl: string;
  config: Config;
}): Promise<DeliveryHarness> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'test-mail-sink' });
  const mongo: MongoConnection = await connectMongo({ uri: mongoUriFor(opts.database), serverSelectionTimeoutMS: 5000 });
  let sink: ListeningSink | undefined = await listenSmtpSink(createSmtpSink({ conn: mongo, logger }), '127.0.0.1', 0);
  const smtpPort = sink.port;
  const deps = createDeliveryDeps({
    ...opts.config,
    ...TEST_DELIVERY_SETTINGS,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    SMS_GATEWAY_URL: opts.simulatorUrl,
  });
  return {
    deps,
    mongo,
    smtpPort,
    async stopMailSink() {
      await sink?.close();
      sink = undefined;
    },
    async startMailSink() {
      if (sink) return;
      sink = await listenSmtpSink(createSmtpSink({ conn: mongo, logger }), '127.0.0.1', smtpPort);
    },
    letters: () => receivedMailModel(mongo).find().sort({ receivedAt: 1 }).lean(),
    async close() {
      deps.email.close();
      await sink?.close();
      await mongo.dropDatabase().catch(() => undefined);
      await mongo.close();
    },
  };
}

/** Sets (or with no argument clears) the simulator's SMS gateway faults. */
export async function smsFaults(simulatorUrl: string, f?: SmsFaults): Promise<void> {
  const res = await fetch(
    `${simulatorUrl}/__sms/faults`,
    f ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) } : { method: 'DELETE' },
  );
  if (!res.ok) throw new Error(`SMS faults: ${res.status} ${await res.text()}`);
}

/** Every message the simulator's SMS gateway took. */
export async function smsMessages(simulatorUrl: string): Promise<SmsMessage[]> {
  const res = await fetch(`${simulatorUrl}/__sms/messages`);
  if (!res.ok) throw new Error(`SMS messages: ${res.status}`);
  return ((await res.json()) as { items: SmsMessage[] }).items;
}
