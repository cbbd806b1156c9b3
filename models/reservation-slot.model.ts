/**
 * Taken slots of capacity pools: admission is decided by inserting one of these (see
 * reservation-pool.model.ts): `<pool>#<n>` with n < the pool's limit, or `<pool>#<holder>` for an
 * unlimited pool; a unique index on (pool, holder) gives each holder one slot. A pool's use is the
 * count of its slots (models/pool-use.ts).
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface ReservationSlotDoc {
  /** `<pool>#<n>` (limited pool, 0 ≤ n) or `<pool>#<holder>` (unlimited pool). */
  _id: string;
  pool: string;
  /** Slot number in a limited pool; null in an unlimited one. */
  n: number | null;
  /** `<caseId>:<item>`: one slot per holder and pool (unique index). */
  holder: string;
  takenAt: Date;
}

const slotSchema = new Schema<ReservationSlotDoc>(
  {
    _id: { type: String, required: true },
    pool: { type: String, required: true },
    n: { type: Number, default: null },
    holder: { type: String, required: true },
    takenAt: { type: Date, required: true },
  },
  { collection: 'reservation_slots', versionKey: false },
);
slotSchema.index({ pool: 1, holder: 1 }, { unique: true });

export function reservationSlotModel(conn: Connection): Model<ReservationSlotDoc> {
  return (
    (conn.models.ReservationSlot as Model<ReservationSlotDoc> | undefined) ??
    conn.model<ReservationSlotDoc>('ReservationSlot', slotSchema)
  );
}
