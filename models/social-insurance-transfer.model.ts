/**
 * Social-insurance relationship transfers HR starts after settlement (§25): one document per
 * case, written idempotently: a read model of HR's record (issue 14), its id and status as HR
 * answered them.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { PERSONAL_KEYS, sealedFieldsPlugin } from './sealed-fields.plugin';

export interface SocialInsuranceTransferDoc {
  _id: string;
  idNumber: string;
  area: string;
  startedAt: Date;
  /** HR's record of the transfer. */
  recordId?: string;
  status?: 'pending' | 'completed';
  completedAt?: Date;
}

const transferSchema = new Schema<SocialInsuranceTransferDoc>(
  {
    _id: { type: String, required: true },
    idNumber: { type: String, required: true },
    area: { type: String, required: true },
    startedAt: { type: Date, required: true },
    recordId: { type: String },
    status: { type: String, enum: ['pending', 'completed'] },
    completedAt: { type: Date },
  },
  { collection: 'social_insurance_transfers', versionKey: false },
);

// ID numbers, names, phones and emails are sealed at rest (issue 15).
transferSchema.plugin(sealedFieldsPlugin, { keys: PERSONAL_KEYS });

export function socialInsuranceTransferModel(conn: Connection): Model<SocialInsuranceTransferDoc> {
  return (
    (conn.models.SocialInsuranceTransfer as Model<SocialInsuranceTransferDoc> | undefined) ??
    conn.model<SocialInsuranceTransferDoc>('SocialInsuranceTransfer', transferSchema)
  );
}
