/**
 * Final household registrations (police, §3): the settlement's lasting result, one document per
 * case, written idempotently; always the unified resident household type (居民户口).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { HOUSEHOLD_TYPE } from '../domain/vocabulary';
import { PERSONAL_KEYS, sealedFieldsPlugin } from './sealed-fields.plugin';

export interface RegistrationDoc {
  _id: string;
  /** Always 居民户口 (§3): there is no agricultural / non-agricultural distinction. */
  householdType: typeof HOUSEHOLD_TYPE;
  route: string;
  area: string;
  collectiveHousehold: boolean;
  /** Each person as the police registered them: their record id and when the police confirmed it (issue 14). */
  members: Array<{ idNumber: string; name: string; relation: string; policeRecordId?: string; confirmedAt?: Date }>;
  registeredAt: Date;
}

const registrationSchema = new Schema<RegistrationDoc>(
  {
    _id: { type: String, required: true },
    householdType: { type: String, required: true, enum: [HOUSEHOLD_TYPE] },
    route: { type: String, required: true },
    area: { type: String, required: true },
    collectiveHousehold: { type: Boolean, required: true },
    members: { type: Schema.Types.Mixed, required: true },
    registeredAt: { type: Date, required: true },
  },
  { collection: 'registrations', versionKey: false },
);

// ID numbers, names, phones and emails are sealed at rest (issue 15).
registrationSchema.plugin(sealedFieldsPlugin, { keys: PERSONAL_KEYS });

export function registrationModel(conn: Connection): Model<RegistrationDoc> {
  return (
    (conn.models.Registration as Model<RegistrationDoc> | undefined) ??
    conn.model<RegistrationDoc>('Registration', registrationSchema)
  );
}
