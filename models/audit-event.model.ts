/**
 * Append-only audit trail: who (id, role, department), when, what, why — for every submission,
 * check, decision, reminder, escalation, commit, compensation and notice. Keyed by a
 * deterministic id from the workflow, so a retried write is the same record.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { AUDIT_TYPES, type AuditEntry } from '../domain/audit';
import { PERSONAL_KEYS, sealedFieldsPlugin } from './sealed-fields.plugin';

export type { AuditEntry };

export interface AuditEventDoc extends AuditEntry {
  _id: string;
  caseId: string;
  seq: number;
  /** Position within its transition: orders events that share a timestamp. */
  n: number;
}

const auditEventSchema = new Schema<AuditEventDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    seq: { type: Number, required: true },
    n: { type: Number, required: true },
    type: { type: String, required: true, enum: AUDIT_TYPES },
    at: { type: String, required: true },
    actor: { type: Schema.Types.Mixed, required: true },
    department: { type: String },
    what: { type: String, required: true },
    why: { type: String },
    internal: { type: Boolean },
    data: { type: Schema.Types.Mixed },
  },
  { collection: 'audit_events', versionKey: false },
);
auditEventSchema.index({ caseId: 1, seq: 1, n: 1 });

// ID numbers, names, phones and emails are sealed at rest (issue 15).
auditEventSchema.plugin(sealedFieldsPlugin, { keys: PERSONAL_KEYS });

export function auditEventModel(conn: Connection): Model<AuditEventDoc> {
  return (
    (conn.models.AuditEvent as Model<AuditEventDoc> | undefined) ?? conn.model<AuditEventDoc>('AuditEvent', auditEventSchema)
  );
}
