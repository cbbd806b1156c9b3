/**
 * Idempotency keys of submissions: the same key with the same body gets the same answer, a
 * different body a 422. The unique _id (the key) is the one atomic step FerretDB v1 offers.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { PERSONAL_KEYS, sealedFieldsPlugin } from './sealed-fields.plugin';

export interface IdempotencyKeyDoc {
  _id: string;
  requestHash: string;
  state: 'pending' | 'done';
  /** The request holding the key (a random id): the one that created it, or a retry that took it over. */
  owner?: string;
  /** What the first request answered (the accepted case), replayed to the same key and body. */
  response?: Record<string, unknown>;
  createdAt: Date;
}

const idempotencySchema = new Schema<IdempotencyKeyDoc>(
  {
    _id: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, required: true, enum: ['pending', 'done'] },
    owner: { type: String },
    response: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false },
);

// ID numbers, names, phones and emails are sealed at rest (issue 15).
idempotencySchema.plugin(sealedFieldsPlugin, { keys: PERSONAL_KEYS });

export function idempotencyKeyModel(conn: Connection): Model<IdempotencyKeyDoc> {
  return (
    (conn.models.IdempotencyKey as Model<IdempotencyKeyDoc> | undefined) ??
    conn.model<IdempotencyKeyDoc>('IdempotencyKey', idempotencySchema)
  );
}
