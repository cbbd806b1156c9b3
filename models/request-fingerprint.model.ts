/**
 * What a request with an `Idempotency-Key` carried, as a hash (api/http/idempotency-fingerprint.ts):
 * the same key on the same call with another body is refused (422), where Temporal's Update id
 * alone would answer it with the first request's result and apply nothing. Hashes only: no
 * personal data. Submissions keep their own store with the answer (`idempotency_keys`).
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface RequestFingerprintDoc {
  /** sha256 of the caller, the key, the method and the path. */
  _id: string;
  /** sha256 of the body, its keys sorted. */
  requestHash: string;
  createdAt: Date;
  /** The Asia/Shanghai day it was first used: the nightly retention run deletes whole days (equality, indexed). */
  day: string;
}

const fingerprintSchema = new Schema<RequestFingerprintDoc>(
  {
    _id: { type: String, required: true },
    requestHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    day: { type: String, required: true },
  },
  { collection: 'request_fingerprints', versionKey: false },
);
fingerprintSchema.index({ day: 1 });

/** A retry comes within minutes; a key is remembered this many days, then forgotten. */
export const REQUEST_FINGERPRINT_DAYS = 30;

export function requestFingerprintModel(conn: Connection): Model<RequestFingerprintDoc> {
  return (
    (conn.models.RequestFingerprint as Model<RequestFingerprintDoc> | undefined) ??
    conn.model<RequestFingerprintDoc>('RequestFingerprint', fingerprintSchema)
  );
}
