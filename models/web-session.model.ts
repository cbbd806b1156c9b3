/**
 * The web pages' server-side sessions (express-session's store, web/session-store.ts): the
 * session as JSON and when it expires. FerretDB has no TTL indexes, so expiry is enforced by the
 * store (an expired session is never returned) and expired rows are swept on an interval.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface WebSessionDoc {
  /** The session id (the signed cookie's value, unsigned). */
  _id: string;
  /** The session, sealed whole (web/session-store.ts); a row written before that, plain JSON. */
  data: string;
  expiresAt: Date;
}

const webSessionSchema = new Schema<WebSessionDoc>(
  {
    _id: { type: String, required: true },
    data: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'web_sessions', versionKey: false },
);
webSessionSchema.index({ expiresAt: 1 });

export function webSessionModel(conn: Connection): Model<WebSessionDoc> {
  return (
    (conn.models.WebSession as Model<WebSessionDoc> | undefined) ?? conn.model<WebSessionDoc>('WebSession', webSessionSchema)
  );
}
