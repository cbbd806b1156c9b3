/**
 * Capacity in use, counted from the held slots (reservation-slot.model.ts): the one answer to
 * "how full is this pool", for the activities, the read side and the checks alike. There is no
 * stored `used` to rewrite, so taking or releasing a slot touches no document shared by the
 * pool's other holders (issue 12, "no hot documents").
 */
import type { Connection } from 'mongoose';
import { reservationSlotModel } from './reservation-slot.model';

/** Slots held in one pool. */
export async function poolUse(conn: Connection, pool: string): Promise<number> {
  return reservationSlotModel(conn).countDocuments({ pool });
}

/** Slots held per pool, for the given pools (absent = 0) or every pool that holds any. */
export async function poolsUse(conn: Connection, pools?: readonly string[]): Promise<Record<string, number>> {
  const slots = reservationSlotModel(conn);
  if (pools) {
    const counts = await Promise.all(pools.map(async (p) => [p, await slots.countDocuments({ pool: p })] as const));
    return Object.fromEntries(counts);
  }
  const groups = await slots.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$pool', n: { $sum: 1 } } }]);
  return Object.fromEntries(groups.map((g) => [g._id, g.n]));
}
