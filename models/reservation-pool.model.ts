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
 * `reservation_pools` keeps each pool's `limit` only (refreshed from the policy data on every
 * reservation, so an operator can change it). What is in use is counted from the slots
 * (`poolUse` / `poolsUse`, models/pool-use.ts), never stored: a stored count or holder list would
 * be one document every reservation of the area rewrites — the hot document of issue 12. Older
 * databases may still carry `used` / `holders` fields here; nothing reads them.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface ReservationPoolDoc {
  _id: string;
  /** null = unlimited (records such as provisional registrations). */
  limit: number | null;
}

const poolSchema = new Schema<ReservationPoolDoc>(
  {
    _id: { type: String, required: true },
    limit: { type: Number, default: null },
  },
  { collection: 'reservation_pools', versionKey: false },
);

export function reservationPoolModel(conn: Connection): Model<ReservationPoolDoc> {
  return (
    (conn.models.ReservationPool as Model<ReservationPoolDoc> | undefined) ??
    conn.model<ReservationPoolDoc>('ReservationPool', poolSchema)
  );
}
