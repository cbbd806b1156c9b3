/**
 * What the simulated departments wrote in their registers (issue 14): one document per write,
 * keyed by register and the caller's idempotency key, so the same write twice finds the first
 * record (an insert with a unique `_id` is the only exclusivity FerretDB v1 offers).
 *
 * An undo marks the record `undone` (registers keep their history); an undo of a key never
 * written leaves a tombstone, so a write that arrives after its own compensation finds it
 * undone instead of creating a record nobody will ever undo.
 *
 * Lives in the simulator's database (`department_systems`), never in the case engine's.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export const REGISTER_STATUSES = ['active', 'pending', 'completed', 'undone'] as const;
export type RegisterStatus = (typeof REGISTER_STATUSES)[number];

export interface RegisterRecordDoc {
  /** `<department>/<register>:<idempotency key>`. */
  _id: string;
  department: string;
  register: string;
  idempotencyKey: string;
  /** The department's own record number; absent on a tombstone. */
  recordId?: string;
  status: RegisterStatus;
  /** Our case, as the caller named it (the departments file by reference, not by person). */
  caseId?: string;
  /** What the caller asked to register (area, person, level …), as sent. */
  request?: Record<string, unknown>;
  createdAt: Date;
  undoneAt?: Date;
  /** HR transfers: when the transfer completes (pending until then). */
  completesAt?: Date;
  completedAt?: Date;
  /** HR transfers: whether the completion callback was answered 2xx. */
  callbackDelivered?: boolean;
}

const registerRecordSchema = new Schema<RegisterRecordDoc>(
  {
    _id: { type: String, required: true },
    department: { type: String, required: true },
    register: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    recordId: { type: String },
    status: { type: String, required: true, enum: REGISTER_STATUSES },
    caseId: { type: String },
    request: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
    undoneAt: { type: Date },
    completesAt: { type: Date },
    completedAt: { type: Date },
    callbackDelivered: { type: Boolean },
  },
  { collection: 'register_records', versionKey: false },
);

export function registerRecordModel(conn: Connection): Model<RegisterRecordDoc> {
  return (
    (conn.models.RegisterRecord as Model<RegisterRecordDoc> | undefined) ??
    conn.model<RegisterRecordDoc>('RegisterRecord', registerRecordSchema)
  );
}
