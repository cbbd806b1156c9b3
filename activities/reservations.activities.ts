/**
 * Compensable side effects of the commit phase: reserve / release a slot in a capacity pool.
 * Both are idempotent (keyed by case + item) and never over-commit a pool (see
 * models/reservation.model.ts for why one conditional update suffices without transactions).
 */
import { ApplicationFailure } from '@temporalio/common';
import { trusted, type Connection } from 'mongoose';
import type { ReservationKind } from '../domain/codes';
import { reservationModel, reservationPoolModel } from '../models/reservation.model';

export interface ReserveInput {
  caseId: string;
  kind: ReservationKind;
  pool: string;
  item: string;
  /** Capacity of the pool when it is first created; null = unlimited. */
  limit: number | null;
}

export type ReleaseInput = Omit<ReserveInput, 'limit'>;

export const CAPACITY_EXHAUSTED = 'CapacityExhausted';

const isDuplicateKey = (err: unknown): boolean => (err as { code?: number }).code === 11000;

export function createReservationActivities({ mongo }: { mongo: Connection }) {
  const pools = reservationPoolModel(mongo);
  const reservations = reservationModel(mongo);

  return {
    async reserve(input: ReserveInput): Promise<{ pool: string; used: number; limit: number | null }> {
      const holder = `${input.caseId}:${input.item}`;
      try {
        await pools.updateOne(
          { _id: input.pool },
          { $setOnInsert: { limit: input.limit, used: 0, holders: [] } },
          { upsert: true },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a concurrent first reservation created it
      }
      const pool = await pools.findById(input.pool).lean();
      if (!pool) throw new Error(`pool ${input.pool} vanished`);
      const filter: Record<string, unknown> = { _id: input.pool, holders: trusted({ $ne: holder }) };
      // FerretDB v1 drops null and [] from an upsert's $setOnInsert: an unlimited pool reads back
      // without `limit`, and `holders` appears with the first $push.
      const limit = typeof pool.limit === 'number' ? pool.limit : null;
      if (limit !== null) filter.used = trusted({ $lt: limit });
      const res = await pools.updateOne(filter, { $inc: { used: 1 }, $push: { holders: holder } });
      if (res.modifiedCount === 0) {
        const now = await pools.findById(input.pool).lean();
        if (!now?.holders?.includes(holder)) {
          throw ApplicationFailure.nonRetryable(
            `no capacity left in ${input.pool} (${now?.used}/${now?.limit})`,
            CAPACITY_EXHAUSTED,
          );
        }
      }
      await reservations.updateOne(
        { _id: `${input.caseId}:${input.kind}:${input.item}` },
        {
          $set: { status: 'held', releasedAt: null },
          $setOnInsert: { caseId: input.caseId, kind: input.kind, pool: input.pool, item: input.item, heldAt: new Date() },
        },
        { upsert: true },
      );
      const after = await pools.findById(input.pool).lean();
      return { pool: input.pool, used: after?.used ?? 0, limit: typeof after?.limit === 'number' ? after.limit : null };
    },

    async release(input: ReleaseInput): Promise<{ released: boolean }> {
      const holder = `${input.caseId}:${input.item}`;
      const res = await pools.updateOne({ _id: input.pool, holders: holder }, { $pull: { holders: holder }, $inc: { used: -1 } });
      await reservations.updateOne(
        { _id: `${input.caseId}:${input.kind}:${input.item}`, status: 'held' },
        { $set: { status: 'released', releasedAt: new Date() } },
      );
      return { released: res.modifiedCount > 0 };
    },
  };
}
