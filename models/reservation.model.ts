/**
 * Capacity pools (points quota per policy version and district, collective-household slots per
 * area, school places per area and level) and the reservations held against them.
 *
 * A reservation is atomic without transactions: one conditional update of the pool document
 * (`used < limit` and the holder not already in `holders`) both checks and takes the slot, so
 * concurrent cases can never over-commit; the holder key makes a retry idempotent.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { ReservationKind } from '../domain/codes';

export interface ReservationPoolDoc {
  _id: string;
  /** null = unlimited (records such as provisional registrations). */
  limit: number | null;
  used: number;
  holders: string[];
}

export interface ReservationDoc {
  _id: string;
  caseId: string;
  kind: ReservationKind;
  pool: string;
  item: string;
  status: 'held' | 'released';
  heldAt: Date;
  releasedAt: Date | null;
}

const poolSchema = new Schema<ReservationPoolDoc>(
  {
    _id: { type: String, required: true },
    limit: { type: Number, default: null },
    used: { type: Number, required: true },
    holders: { type: [String], required: true },
  },
  { collection: 'reservation_pools', versionKey: false },
);

const reservationSchema = new Schema<ReservationDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    kind: { type: String, required: true },
    pool: { type: String, required: true },
    item: { type: String, required: true },
    status: { type: String, required: true, enum: ['held', 'released'] },
    heldAt: { type: Date, required: true },
    releasedAt: { type: Date, default: null },
  },
  { collection: 'reservations', versionKey: false },
);
reservationSchema.index({ caseId: 1 });
reservationSchema.index({ pool: 1, status: 1 });

export function reservationPoolModel(conn: Connection): Model<ReservationPoolDoc> {
  return (
    (conn.models.ReservationPool as Model<ReservationPoolDoc> | undefined) ??
    conn.model<ReservationPoolDoc>('ReservationPool', poolSchema)
  );
}

export function reservationModel(conn: Connection): Model<ReservationDoc> {
  return (
    (conn.models.Reservation as Model<ReservationDoc> | undefined) ?? conn.model<ReservationDoc>('Reservation', reservationSchema)
  );
}
