/**
 * The audit of capacity changes: one line each time a pool's capacity, as the policy data gives
 * it, differs from what the pool held before (raised, lowered, or first set), with the file
 * version and who set it. Keyed by pool + version + old → new, so a retried reservation that
 * sees the same change writes the same line.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface CapacityChangeDoc {
  _id: string;
  pool: string;
  /** null or absent = the pool had no capacity before (first use, or it was unlimited). */
  from: number | null;
  to: number | null;
  version: string;
  effectiveFrom: string;
  setBy: string;
  at: Date;
}

const capacityChangeSchema = new Schema<CapacityChangeDoc>(
  {
    _id: { type: String, required: true },
    pool: { type: String, required: true },
    from: { type: Number, default: null },
    to: { type: Number, default: null },
    version: { type: String, required: true },
    effectiveFrom: { type: String, required: true },
    setBy: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'capacity_changes', versionKey: false },
);
capacityChangeSchema.index({ pool: 1, at: 1 });

export function capacityChangeModel(conn: Connection): Model<CapacityChangeDoc> {
  return (
    (conn.models.CapacityChange as Model<CapacityChangeDoc> | undefined) ??
    conn.model<CapacityChangeDoc>('CapacityChange', capacityChangeSchema)
  );
}
