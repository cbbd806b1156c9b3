/**
 * A probe that crosses every layer (API → Temporal → worker → activity → MongoDB → API):
 * the smoke test and operators use it to prove a deployment works end to end.
 */
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const diagnosticProbeSchema = new Schema(
  {
    _id: { type: String, required: true },
    message: { type: String, required: true, maxlength: 200 },
    workflowId: { type: String, required: true },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'diagnostic_probes', versionKey: false, strict: 'throw' },
);

export type DiagnosticProbe = InferSchemaType<typeof diagnosticProbeSchema>;

export function diagnosticProbeModel(conn: Connection): Model<DiagnosticProbe> {
  return (
    (conn.models.DiagnosticProbe as Model<DiagnosticProbe> | undefined) ??
    conn.model<DiagnosticProbe>('DiagnosticProbe', diagnosticProbeSchema)
  );
}
