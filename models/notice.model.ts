/**
 * Notification outbox: rendered notices and their delivery (issue 14). One document per case +
 * event (+ discriminator, e.g. the department) + channel + recipient, so a retried write never
 * queues twice; the notice id is also the idempotency key the provider gets, so a retried send
 * never delivers twice.
 *
 *   queued ──claim──▶ sending ──accepted──▶ sent ──receipt──▶ delivered
 *      ▲                 │  (email: accepted = delivered)          ╲
 *      └──transient error┘ (backoff; `sending` past its lease is claimable again)   failed
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { Channel, Department, Locale, NoticeEvent } from '../domain/vocabulary';
import { NOTICE_STATUSES, type NoticeStatus, type ServiceMethod } from '../domain/notice-delivery';
import { PERSONAL_KEYS, sealedFieldsPlugin } from './sealed-fields.plugin';

export type NoticeRecipient =
  | { kind: 'applicant'; address: string }
  | { kind: 'department'; department: Department; address: string }
  | { kind: 'supervisors'; address: string };

/** How a delivered notice was served: by its channel's provider, or recorded by a supervisor. */
export interface NoticeService {
  method: ServiceMethod;
  /** Supervisor's id, for service recorded by hand. */
  recordedBy?: string;
  note?: string;
}

export interface NoticeDoc {
  _id: string;
  caseId: string;
  event: NoticeEvent;
  channel: Channel;
  locale: Locale;
  recipient: NoticeRecipient;
  subject: string;
  body: string;
  /** SMS: the provider's approved template, as of rendering (policy/sms-templates.json). */
  templateId?: string;
  /** SMS: the template's parameters (Tencent-style TemplateParamSet); `body` is the text they fill. */
  templateParams?: string[];
  /** SMS: the full notice its text points to (the HTML letter an email carries), for the service platform. */
  letter?: string;
  status: NoticeStatus;
  createdAt: Date;
  /** When the dispatcher may (next) take it; for `sending`, when its lease runs out. Absent on notices queued before issue 14. */
  nextAttemptAt?: Date;
  attempts?: number;
  lastAttemptAt?: Date;
  lastError?: string;
  sentAt?: Date;
  deliveredAt?: Date;
  /** The provider's id (SMTP Message-ID, SMS SerialNo). */
  providerMessageId?: string;
  service?: NoticeService;
  /**
   * Set in the write that makes the notice delivered or failed, cleared once its audit line
   * (proof of service, or the incident) is written: a store failure between the two leaves it
   * set, and the dispatcher writes the line (activities/notice-dispatch.activities.ts).
   */
  proofPending?: boolean;
}

const noticeSchema = new Schema<NoticeDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    event: { type: String, required: true },
    channel: { type: String, required: true },
    locale: { type: String, required: true },
    recipient: { type: Schema.Types.Mixed, required: true },
    subject: { type: String, required: true },
    body: { type: String, required: true },
    templateId: { type: String },
    templateParams: { type: [String], default: undefined },
    letter: { type: String },
    status: { type: String, required: true, enum: NOTICE_STATUSES },
    createdAt: { type: Date, required: true },
    nextAttemptAt: { type: Date },
    attempts: { type: Number },
    lastAttemptAt: { type: Date },
    lastError: { type: String },
    sentAt: { type: Date },
    deliveredAt: { type: Date },
    providerMessageId: { type: String },
    service: { type: Schema.Types.Mixed },
    proofPending: { type: Boolean },
  },
  { collection: 'notices', versionKey: false },
);
noticeSchema.index({ caseId: 1, createdAt: 1 });
noticeSchema.index({ status: 1, createdAt: 1 });
// The dispatcher's claim: one channel's due notices (channel leads: FerretDB pushes its equality down).
noticeSchema.index({ channel: 1, status: 1, nextAttemptAt: 1 });
// Receipts name the provider's message id.
noticeSchema.index({ providerMessageId: 1 });
// The dispatcher's look for audit lines a store failure left unwritten (a handful at most).
noticeSchema.index({ proofPending: 1, channel: 1 });

// Recipients' addresses and the rendered texts (they name the person) are sealed at rest (issue 15).
noticeSchema.plugin(sealedFieldsPlugin, { keys: [...PERSONAL_KEYS, 'address', 'subject', 'body', 'templateParams', 'letter'] });

export function noticeModel(conn: Connection): Model<NoticeDoc> {
  return (conn.models.Notice as Model<NoticeDoc> | undefined) ?? conn.model<NoticeDoc>('Notice', noticeSchema);
}
