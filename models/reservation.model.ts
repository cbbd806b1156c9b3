/**
 * Reservations a case holds (a quota slot, school places, a collective-household slot, a
 * provisional registration, a residence confirmation): held, or released by compensation.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { ReservationKind } from '../domain/codes';

export interface ReservationDoc {
  _id: string;
  caseId: string;
  kind: ReservationKind;
  pool: string;
  item: string;
  status: 'held' | 'released';
  /** Absent when released before it was ever held (a waiting child's place, a late attempt's). */
  heldAt?: Date;
  releasedAt: Date | null;
  /**
   * When its release began (the case's, or an admission round's for a removed entry): from then
   * on no reserve attempt may hold it (a reservation released is never held again), so a late
   * attempt gives back what it took.
   */
  releaseAskedAt?: Date;
  /** The record the owning department wrote for this reservation (issue 14); absent for our own quota. */
  departmentRecordId?: string;
}

const reservationSchema = new Schema<ReservationDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    kind: { type: String, required: true },
    pool: { type: String, required: true },
    item: { type: String, required: true },
    status: { type: String, required: true, enum: ['held', 'released'] },
    heldAt: { type: Date },
    releasedAt: { type: Date, default: null },
    releaseAskedAt: { type: Date },
    departmentRecordId: { type: String },
  },
  { collection: 'reservations', versionKey: false },
);
reservationSchema.index({ caseId: 1 });
reservationSchema.index({ pool: 1, status: 1 });

export function reservationModel(conn: Connection): Model<ReservationDoc> {
  return (
    (conn.models.Reservation as Model<ReservationDoc> | undefined) ?? conn.model<ReservationDoc>('Reservation', reservationSchema)
  );
}
