/**
 * The officers the service knows: each officer whose token or sign-in it verified, with the
 * department and areas their provider's claims gave then (app/officer-directory.ts), and each the
 * provider's roster lists (app/commands/officer-roster.ts). The identity
 * provider stays the source of truth; this is what supervisors choose from when they hand a step
 * to someone, and how pages name a step's holder. One small document per officer, by `sub`.
 */
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const officerSchema = new Schema(
  {
    /** The provider's subject: what a step's `assignedOfficer` holds. */
    _id: { type: String, required: true },
    /** The display name the provider gave (`name`), when it gave one. */
    name: { type: String, maxlength: 100 },
    department: { type: String, required: true },
    /** `city`, or the areas (district / town codes) the officer acts for. */
    jurisdiction: { type: String, enum: ['city', 'areas'], required: true },
    areas: { type: [String], default: [] },
    /** When the service last verified their token or sign-in (absent: listed, never seen). */
    seenAt: { type: Date },
    /** When the identity provider's roster last listed them (app/commands/officer-roster.ts). */
    listedAt: { type: Date },
  },
  { collection: 'officers', versionKey: false, strict: 'throw' },
);

export type OfficerRecord = InferSchemaType<typeof officerSchema>;

export function officerModel(conn: Connection): Model<OfficerRecord> {
  return (conn.models.Officer as Model<OfficerRecord> | undefined) ?? conn.model<OfficerRecord>('Officer', officerSchema);
}
