/**
 * The display names of staff who are not officers (supervisors, auditors, operators), as their
 * identity provider gave them at sign-in: so a case's audit trail names the supervisor who acted
 * (吴主任（supervisor-1）) as it names officers (models/officer.model.ts), where the trail itself
 * keeps only the subject. One small document per person, by `sub`.
 */
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const staffNameSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true, maxlength: 100 },
    role: { type: String, required: true },
    seenAt: { type: Date, required: true },
  },
  { collection: 'staff_names', versionKey: false, strict: 'throw' },
);

export type StaffNameRecord = InferSchemaType<typeof staffNameSchema>;

export function staffNameModel(conn: Connection): Model<StaffNameRecord> {
  return (
    (conn.models.StaffName as Model<StaffNameRecord> | undefined) ?? conn.model<StaffNameRecord>('StaffName', staffNameSchema)
  );
}
