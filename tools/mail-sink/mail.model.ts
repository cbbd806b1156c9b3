/**
 * What the mail sink received (issue 14): one document per Message-ID, in the sink's own
 * database (`mail_sink`, apart from the engine's, as a real mailbox would be). A message sent
 * again with the same Message-ID is the same letter: its `deliveries` count grows, nothing else.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface ReceivedMailDoc {
  /** The Message-ID header, angle brackets included. */
  _id: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** The X-Notice-Id header the engine adds (the notice's id), when present. */
  noticeId?: string;
  receivedAt: Date;
  /** SMTP transactions that carried this Message-ID (1 = never sent twice). */
  deliveries: number;
}

const receivedMailSchema = new Schema<ReceivedMailDoc>(
  {
    _id: String,
    from: String,
    to: [String],
    subject: String,
    html: String,
    text: String,
    noticeId: String,
    receivedAt: Date,
    deliveries: Number,
  },
  { collection: 'received_mail', versionKey: false },
);
receivedMailSchema.index({ receivedAt: -1 });

export function receivedMailModel(conn: Connection): Model<ReceivedMailDoc> {
  return (
    (conn.models.ReceivedMail as Model<ReceivedMailDoc> | undefined) ??
    conn.model<ReceivedMailDoc>('ReceivedMail', receivedMailSchema)
  );
}
