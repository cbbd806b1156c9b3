/**
 * Capacity pools (points quota per policy version and district, collective-household slots per
 * area, school places per area and level) and the reservations held against them.
 *
 * Admission is decided by `reservation_slots` alone: one document per taken slot, `_id`
 * `<pool>#<n>` with n < the pool's limit (or `<pool>#<holder>` for an unlimited pool), and a
 * unique index on (pool, holder). Inserting a document is the one write that FerretDB v1 makes
 * atomic (a unique-key violation): its updates are read-modify-write without a guard, so a
 * conditional `$inc` on a counter over-commits and loses counts under concurrency. Two cases
 * racing for slot n: exactly one insert succeeds; the same case retried: the (pool, holder)
 * index refuses a second slot.
 *
 * `reservation_pools` keeps each pool's `limit` (read on every reservation, so an operator can
 * change it) and a view of `used` / `holders` that the activities rewrite from the slots after
 * each change — exact whenever no reservation of that pool is in flight. Writing `used` or
 * `holders` by hand changes nothing: take a slot through the reserve activity instead.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { ReservationKind } from '../domain/codes';

export interface ReservationPoolDoc {
  _id: string;
  /** null = unlimited (records such as provisional registrations). */
  limit: number | null;
  /** View of the pool's slots (see above): how many are taken, and by whom (`<caseId>:<item>`). */
  used: number;
  /** Listed for capacity-limited pools; empty for an unlimited one, whose holders grow without bound. */
  holders: string[];
}

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

export function reservationSlotModel(conn: Connection): Model<ReservationSlotDoc> {
  return (
    (conn.models.ReservationSlot as Model<ReservationSlotDoc> | undefined) ??
    conn.model<ReservationSlotDoc>('ReservationSlot', slotSchema)
  );
}

export function reservationModel(conn: Connection): Model<ReservationDoc> {
  return (
    (conn.models.Reservation as Model<ReservationDoc> | undefined) ?? conn.model<ReservationDoc>('Reservation', reservationSchema)
  );
}
