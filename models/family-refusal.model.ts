/**
 * How often one account's applications were refused on one Beijing day because a family member
 * named in them was not free (§8; app/commands/submit-application.ts bounds it). A day's count
 * matters only that day: the nightly retention run deletes every earlier day (equality, indexed).
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface FamilyRefusalDoc {
  /** `<account>:<day>` (familyRefusalId). */
  _id: string;
  /** The Asia/Shanghai day the refusals were on. */
  day: string;
  count: number;
  /** A digest of each family refused that day (submitting the same one again is not counted again). */
  seen?: string[];
}

const familyRefusalSchema = new Schema<FamilyRefusalDoc>(
  {
    _id: { type: String, required: true },
    day: { type: String, required: true },
    count: { type: Number, required: true },
    seen: { type: [String], default: undefined },
  },
  { collection: 'family_refusals', versionKey: false },
);
familyRefusalSchema.index({ day: 1 });

export const familyRefusalId = (sub: string, day: string): string => `${sub}:${day}`;

export function familyRefusalModel(conn: Connection): Model<FamilyRefusalDoc> {
  return (
    (conn.models.FamilyRefusal as Model<FamilyRefusalDoc> | undefined) ??
    conn.model<FamilyRefusalDoc>('FamilyRefusal', familyRefusalSchema)
  );
}
