/**
 * Compensable side effects of the commit phase: reserve / release a slot in a capacity pool.
 * Both are idempotent (keyed by case + item) and never over-commit a pool, even on FerretDB v1
 * whose updates are not atomic: a slot is taken by inserting its document (see
 * models/reservation.model.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Connection } from 'mongoose';
import type { ReservationKind } from '../domain/codes';
import { reservationModel, reservationPoolModel, reservationSlotModel } from '../models/reservation.model';

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

/** Rewrites of the pool view before giving up (each lost race means another writer made progress). */
const VIEW_ROUNDS = 20;

export function createReservationActivities({ mongo }: { mongo: Connection }) {
  const pools = reservationPoolModel(mongo);
  const slots = reservationSlotModel(mongo);
  const reservations = reservationModel(mongo);
  // The (pool, holder) unique index must exist before the first slot is taken.
  let indexes: Promise<unknown> | undefined;
  const ready = () => (indexes ??= Promise.all([slots.init(), reservations.init()]));

  /** The pool's limit, creating the pool document on first use (null = unlimited). */
  async function limitOf(pool: string, limit: number | null): Promise<number | null> {
    try {
      await pools.updateOne({ _id: pool }, { $setOnInsert: { limit, used: 0, holders: [] } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a concurrent first reservation created it
    }
    const doc = await pools.findById(pool).lean();
    if (!doc) throw new Error(`pool ${pool} vanished`);
    // FerretDB v1 drops null from an upsert's $setOnInsert: an unlimited pool reads back without `limit`.
    return typeof doc.limit === 'number' ? doc.limit : null;
  }

  /** Takes a slot for `holder`; false when every slot below the limit is taken by others. */
  async function takeSlot(pool: string, holder: string, limit: number | null): Promise<boolean> {
    const taken = (await slots.findOne({ pool, holder }).lean()) !== null;
    if (taken) return true;
    if (limit === null) {
      try {
        await slots.create({ _id: `${pool}#${holder}`, pool, n: null, holder, takenAt: new Date() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // this holder's slot, taken by an earlier attempt
      }
      return true;
    }
    for (;;) {
      const held = await slots.find({ pool }).lean();
      if (held.some((s) => s.holder === holder)) return true;
      const used = new Set(held.map((s) => s.n));
      const free = Array.from({ length: limit }, (_, n) => n).filter((n) => !used.has(n));
      if (free.length === 0) return false;
      for (const n of free) {
        try {
          await slots.create({ _id: `${pool}#${n}`, pool, n, holder, takenAt: new Date() });
          return true;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Slot n went to another case, or this holder already has a slot (retried attempt):
          // the next read tells which.
          if ((await slots.findOne({ pool, holder }).lean()) !== null) return true;
        }
      }
    }
  }

  /**
   * Rewrites the pool's `used` / `holders` view from its slots until a read after the write
   * agrees with it: whichever writer wrote last saw the slots as they are, so the view is exact
   * once no reservation of the pool is in flight.
   */
  async function refreshView(pool: string, limited: boolean): Promise<number> {
    const read = async () =>
      limited
        ? (await slots.find({ pool }).lean()).sort((a, b) => (a.n ?? 0) - (b.n ?? 0)).map((s) => s.holder)
        : await slots.countDocuments({ pool });
    let seen = await read();
    for (let round = 0; round < VIEW_ROUNDS; round++) {
      const view = Array.isArray(seen) ? { used: seen.length, holders: seen } : { used: seen, holders: [] };
      await pools.updateOne({ _id: pool }, { $set: view });
      const now = await read();
      if (JSON.stringify(now) === JSON.stringify(seen)) return view.used;
      seen = now;
    }
    throw new Error(`pool ${pool} keeps changing; its view will be rewritten on retry`);
  }

  return {
    async reserve(input: ReserveInput): Promise<{ pool: string; used: number; limit: number | null }> {
      await ready();
      const holder = `${input.caseId}:${input.item}`;
      const limit = await limitOf(input.pool, input.limit);
      if (!(await takeSlot(input.pool, holder, limit))) {
        const used = await refreshView(input.pool, limit !== null);
        throw ApplicationFailure.nonRetryable(`no capacity left in ${input.pool} (${used}/${limit})`, CAPACITY_EXHAUSTED);
      }
      await reservations.updateOne(
        { _id: `${input.caseId}:${input.kind}:${input.item}` },
        {
          $set: { status: 'held', releasedAt: null },
          $setOnInsert: { caseId: input.caseId, kind: input.kind, pool: input.pool, item: input.item, heldAt: new Date() },
        },
        { upsert: true },
      );
      const used = await refreshView(input.pool, limit !== null);
      return { pool: input.pool, used, limit };
    },

    async release(input: ReleaseInput): Promise<{ released: boolean }> {
      await ready();
      const holder = `${input.caseId}:${input.item}`;
      const res = await slots.deleteOne({ pool: input.pool, holder });
      await reservations.updateOne(
        { _id: `${input.caseId}:${input.kind}:${input.item}`, status: 'held' },
        { $set: { status: 'released', releasedAt: new Date() } },
      );
      const pool = await pools.findById(input.pool).lean();
      if (pool) await refreshView(input.pool, typeof pool.limit === 'number');
      return { released: res.deletedCount > 0 };
    },
  };
}
