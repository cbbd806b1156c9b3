/**
 * Notification outbox: rendered notices waiting for delivery. One document per case + event
 * (+ discriminator, e.g. the department) + channel + recipient, so a retried write never
 * sends twice.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { Channel, Department, Locale, NoticeEvent } from '../domain/vocabulary';

export type NoticeRecipient =
  | { kind: 'applicant'; address: string }
  | { kind: 'department'; department: Department; address: string }
  | { kind: 'supervisors'; address: string };

export interface NoticeDoc {
  _id: string;
  caseId: string;
  event: NoticeEvent;
  channel: Channel;
  locale: Locale;
  recipient: NoticeRecipient;
  subject: string;
  body: string;
  status: 'queued' | 'sent' | 'failed';
  createdAt: Date;
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
    status: { type: String, required: true, enum: ['queued', 'sent', 'failed'] },
    createdAt: { type: Date, required: true },
  },
  { collection: 'notices', versionKey: false },
);
noticeSchema.index({ caseId: 1, createdAt: 1 });
noticeSchema.index({ status: 1, createdAt: 1 });

export function noticeModel(conn: Connection): Model<NoticeDoc> {
  return (conn.models.Notice as Model<NoticeDoc> | undefined) ?? conn.model<NoticeDoc>('Notice', noticeSchema);
}
