/**
 * Capacity pools (points quota per district, collective-household slots per area, school places
 * per area and level); their capacity comes from the policy data (policy/capacities/).
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

export interface ReservationPoolDoc {
  _id: string;
  /** null = unlimited (records such as provisional registrations). */
  limit: number | null;
  /** View of the pool's slots (see above): how many are taken, and by whom (`<caseId>:<item>`). */
  used: number;
  /** Listed for capacity-limited pools; empty for an unlimited one, whose holders grow without bound. */
  holders: string[];
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

export function reservationPoolModel(conn: Connection): Model<ReservationPoolDoc> {
  return (
    (conn.models.ReservationPool as Model<ReservationPoolDoc> | undefined) ??
    conn.model<ReservationPoolDoc>('ReservationPool', poolSchema)
  );
}
