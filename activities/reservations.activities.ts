/**
 * Compensable side effects of the commit phase: reserve / release a slot in a capacity pool.
 * Both are idempotent (keyed by case + item) and never over-commit a pool, even on FerretDB v1
 * whose updates are not atomic: a slot is taken by inserting its document (see
 * models/reservation.model.ts).
 *
 * A pool's capacity is read from the policy data in force at the moment of each reservation
 * (policy/capacity-files.ts), never from the case and never frozen by first use; a change is
 * written to the pool and audited (capacity_changes). A full school level never refuses the
 * family (§21–23): the child joins the area's waiting list and is placed in turn.
 */
import { indexesOnce } from '../models/indexes-once';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { trusted, type Connection } from 'mongoose';
import {
  CAPACITY_EXHAUSTED,
  capacityOf,
  poolKey,
  type CapacityTable,
  type PoolRef,
  type ReleaseInput,
  type ReserveInput,
  type ReserveResult,
} from '../domain/capacity';
import { capacityChangeModel } from '../models/capacity-change.model';
import { isDuplicateKey } from '../models/duplicate-key';
import { reservationModel } from '../models/reservation.model';
import { reservationPoolModel } from '../models/reservation-pool.model';
import { reservationSlotModel } from '../models/reservation-slot.model';
import { poolUse } from '../models/pool-use';
import { schoolWaitlistModel } from '../models/school-waitlist.model';
import { shanghaiToday } from '../domain/shanghai-clock';
import { CAPACITY_DIR, capacityTableOn } from '../policy/capacity-files';
import { registerKey, registerOfReservation } from '../domain/registers';
import type { RegistersClient } from './adapters/registers.client';

/**
 * The slot numbers 0…limit-1 in an order of the holder's own: a Fisher–Yates shuffle driven by
 * a small PRNG (mulberry32) seeded with a hash (FNV-1a) of the holder. Deterministic, so a retried
 * attempt tries the same numbers; different holders spread over the pool.
 */
export function holderOrder(holder: string, limit: number): number[] {
  let seed = 0x811c9dc5;
  for (let i = 0; i < holder.length; i++) seed = Math.imul(seed ^ holder.charCodeAt(i), 0x01000193);
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: limit }, (_, n) => n);
  for (let i = limit - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** One reservation of a case: its kind and item (a case holds one of each). */
const reservationId = (r: Pick<ReserveInput, 'caseId' | 'kind' | 'item'>) => `${r.caseId}:${r.kind}:${r.item}`;

export interface ReservationDeps {
  mongo: Connection;
  /**
   * The departments' registers: a department-owned reservation is written there too (issue 14).
   * The worker always gives it; only studies of the capacity pools alone (bench, capacity tests)
   * leave it out.
   */
  registers?: RegistersClient;
  /** Where the capacity files are (tests point at a folder of their own). */
  capacityDir?: string;
  /**
   * Tells waiting cases that a school place of `pool` was given back (the worker signals their
   * workflows). Best effort: a case not told asks again at its own next recheck.
   */
  tellPlaceFreed?: (pool: string, caseIds: readonly string[]) => Promise<void>;
}

/** The most waiting cases one freed school place wakes (as many as the pool has free places). */
const MAX_WOKEN = 10;

export function createReservationActivities({ mongo, registers, capacityDir = CAPACITY_DIR, tellPlaceFreed }: ReservationDeps) {
  const pools = reservationPoolModel(mongo);
  const slots = reservationSlotModel(mongo);
  const reservations = reservationModel(mongo);
  const changes = capacityChangeModel(mongo);
  const waitlist = schoolWaitlistModel(mongo);
  // The (pool, holder) unique index must exist before the first slot is taken.
  const ready = indexesOnce(slots, reservations);

  /**
   * The pool's capacity as the policy data gives it today, written to the pool document (created
   * on first use) and audited whenever it differs from what the pool held: so an operator who
   * edits a capacity file sees the change take effect, and when, in capacity_changes.
   */
  async function limitOf(pool: string, ref: PoolRef): Promise<number | null> {
    const table: CapacityTable = capacityTableOn(shanghaiToday(), capacityDir);
    const limit = capacityOf(table, ref);
    // A round's admission brings its limit from the rounds file (issue 13): audited as that.
    const source =
      ref.kind === 'quota_slot' && ref.round
        ? {
            version: `${ref.round.version}#${ref.round.id}`,
            effectiveFrom: `${ref.round.year}-01-01`,
            setBy: `admission round ${ref.round.id}`,
          }
        : table;
    const doc = await pools.findById(pool).lean();
    // FerretDB v1 drops null from an upsert's $setOnInsert: an unlimited pool reads back without `limit`.
    const before = doc && typeof doc.limit === 'number' ? doc.limit : null;
    if (doc && before === limit) return limit;
    if (!doc) {
      try {
        await pools.updateOne({ _id: pool }, { $set: { limit } }, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a concurrent first reservation created it
      }
    }
    // Concurrent writers write the same figure: the file is the one source.
    await pools.updateOne({ _id: pool }, { $set: { limit } });
    if (limit !== null || before !== null) {
      const _id = `${pool}@${source.version}:${before ?? 'none'}->${limit ?? 'none'}`;
      try {
        await changes.updateOne(
          { _id },
          {
            // FerretDB v1 drops nulls from $setOnInsert, so "none" is an absent field.
            $setOnInsert: {
              pool,
              ...(before !== null ? { from: before } : {}),
              ...(limit !== null ? { to: limit } : {}),
              version: source.version,
              effectiveFrom: source.effectiveFrom,
              setBy: source.setBy,
              at: new Date(),
            },
          },
          { upsert: true },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a concurrent reservation audited the same change
      }
    }
    return limit;
  }

  /** The pool's waiting list, longest waiting first. */
  async function waitlistInOrder(pool: string) {
    return (await waitlist.find({ pool }).lean()).sort(
      (a, b) => a.since.getTime() - b.since.getTime() || (a._id < b._id ? -1 : 1),
    );
  }

  /** Where `holder` stands on the pool's waiting list (0 = first), or the list's length if absent. */
  async function waitlistPosition(pool: string, holder: string): Promise<{ position: number; listed: boolean }> {
    const entries = await waitlistInOrder(pool);
    const i = entries.findIndex((e) => e.holder === holder);
    return i >= 0 ? { position: i, listed: true } : { position: entries.length, listed: false };
  }

  /**
   * A school place was given back: the head of the pool's waiting list (as many children as there
   * are free places) is told to ask again now. At most once per release: a retried release finds
   * the slot gone and wakes nobody, which is why a failure here is logged and not thrown (and a
   * release failing after the slot went wakes nobody either). The cases' own rechecks make up
   * for a lost wake, within WAITLIST_BACKOFF_FACTOR × WAITLIST_RECHECK_MS.
   */
  async function wakeWaiting(pool: string): Promise<void> {
    if (!tellPlaceFreed) return;
    try {
      const doc = await pools.findById(pool).lean();
      if (!doc || typeof doc.limit !== 'number') return;
      const free = doc.limit - (await slots.countDocuments({ pool }));
      const head = (await waitlistInOrder(pool)).slice(0, Math.min(Math.max(free, 1), MAX_WOKEN));
      const caseIds = [...new Set(head.map((e) => e.caseId))];
      if (caseIds.length > 0) await tellPlaceFreed(pool, caseIds);
    } catch (err) {
      log.warn('waiting children not told of a freed school place; they ask again at their next recheck', {
        pool,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /**
   * Takes a slot for `holder`; false when every slot below the limit is taken by others.
   *
   * The free numbers are tried in an order of the holder's own (a shuffle seeded by its name),
   * so takers arriving together mostly insert distinct `<pool>#<n>` at the first try instead of
   * all colliding on the lowest free number: a reservation costs about the same whether it is
   * alone or one of hundreds in the area. Inserting stays the only admission (unique `_id`, so
   * never more than `limit` slots), and the (pool, holder) index keeps one slot per holder.
   *
   * Answers false when refused; when taken, the pool's use as the last read saw it with this
   * slot in (a snapshot, like any count: other takers move it at once), or undefined for an
   * unlimited pool, whose slots are never read.
   */
  async function takeSlot(pool: string, holder: string, limit: number | null): Promise<number | undefined | false> {
    if (limit === null) {
      try {
        await slots.create({ _id: `${pool}#${holder}`, pool, n: null, holder, takenAt: new Date() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // this holder's slot, taken by an earlier attempt
      }
      return undefined;
    }
    const order = holderOrder(holder, limit);
    for (;;) {
      const held = await slots.find({ pool }, { n: 1, holder: 1 }).lean();
      if (held.some((s) => s.holder === holder)) return held.length;
      // Counted, not only numbered: slots above a lowered limit still hold their places.
      if (held.length >= limit) return false;
      const stale = held.some((s) => s.n !== null && s.n >= limit);
      const used = new Set(held.map((s) => s.n));
      const free = order.filter((n) => !used.has(n));
      if (free.length === 0) return false;
      for (const n of free) {
        try {
          await slots.create({ _id: `${pool}#${n}`, pool, n, holder, takenAt: new Date() });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Slot n went to another case since the read, or this holder already has a slot (a
          // concurrent attempt of the same reservation): the next read tells which. Until then
          // keep trying the other free numbers, which are likely still free.
          continue;
        }
        // Below a lowered limit, numbers alone no longer bound the count: two takers may each
        // have found a free number while only one place was left. Give it back (a refusal,
        // never an over-commit); only pools whose limit was lowered under held slots pay this.
        if (stale) {
          const used = await poolUse(mongo, pool);
          if (used <= limit) return used;
          await slots.deleteOne({ _id: `${pool}#${n}`, holder });
          return false;
        }
        return held.length + 1;
      }
    }
  }

  /**
   * Writes a held reservation of a department-owned kind to that department's register (issue
   * 14): after our slot is taken, so the department never holds what our capacity refused; with
   * the business key, so a retry finds the record the first attempt wrote.
   */
  async function writeToDepartment(input: ReserveInput): Promise<string | undefined> {
    const register = registerOfReservation(input.kind);
    if (!register || !registers) return undefined;
    const ref = input.ref as { area?: string; level?: string };
    const record = await registers.write(register, registerKey(input.caseId, register, input.item), {
      caseId: input.caseId,
      item: input.item,
      ...(ref.area ? { area: ref.area } : {}),
      ...(ref.level ? { level: ref.level } : {}),
    });
    return record.recordId || undefined;
  }

  /**
   * Records the reservation held; false when its case has released it meanwhile (the release
   * fences it first, see `release`): then nothing is recorded.
   */
  async function recordHeld(input: ReserveInput, departmentRecordId: string | undefined): Promise<boolean> {
    const _id = reservationId(input);
    for (;;) {
      try {
        await reservations.updateOne(
          { _id, releaseAskedAt: trusted({ $exists: false }) },
          {
            $set: { status: 'held', releasedAt: null, ...(departmentRecordId ? { departmentRecordId } : {}) },
            $setOnInsert: { caseId: input.caseId, kind: input.kind, pool: input.pool, item: input.item, heldAt: new Date() },
          },
          { upsert: true },
        );
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // The record exists but did not match: fenced by a release, or inserted a moment ago by a
        // concurrent attempt of this reservation (then the next round matches it).
        if ((await reservations.findById(_id, { releaseAskedAt: 1 }).lean())?.releaseAskedAt) return false;
      }
    }
  }

  /** Whether the case has begun releasing this reservation (`release`'s fence). */
  async function fenced(input: ReserveInput): Promise<boolean> {
    return Boolean((await reservations.findById(reservationId(input), { releaseAskedAt: 1 }).lean())?.releaseAskedAt);
  }

  /**
   * Gives back what a reserve attempt took after its case released the reservation: the
   * department's record, the slot and a waiting-list entry. Only this holder's, and a case never
   * reserves again what it released, so nothing of a later reservation is touched.
   */
  async function giveBack(input: ReserveInput, holder: string): Promise<ReserveResult> {
    // Our own store first: nothing retries an attempt nobody waits for, so a failing department
    // system must not keep the place. (Its record needs no other undo: the release undid it by
    // key, and the register answers a write after that undo as undone.)
    const freed = await slots.deleteOne({ pool: input.pool, holder });
    await waitlist.deleteOne({ _id: `${input.pool}#${holder}` });
    if (freed.deletedCount > 0 && input.kind === 'school_place') await wakeWaiting(input.pool);
    const register = registerOfReservation(input.kind);
    if (register && registers) await registers.undo(register, registerKey(input.caseId, register, input.item));
    return { status: 'released', pool: input.pool };
  }

  return {
    async reserve(input: ReserveInput): Promise<ReserveResult> {
      await ready();
      if (poolKey(input.ref) !== input.pool || input.ref.kind !== input.kind)
        throw ApplicationFailure.nonRetryable(`pool ${input.pool} does not match its capacity reference`, 'InvalidReservation');
      const holder = `${input.caseId}:${input.item}`;
      const limit = await limitOf(input.pool, input.ref);
      const queued = input.kind === 'school_place' && limit !== null;
      /** The pool's use seen when the slot was taken; undefined: count it. */
      let taken: number | undefined | false;
      if (queued) {
        // Waiting children go first: a place that frees belongs to the longest-waiting child.
        const held = (await slots.findOne({ pool: input.pool, holder }).lean()) !== null;
        const { position, listed } = held ? { position: 0, listed: false } : await waitlistPosition(input.pool, holder);
        const free = limit - (await slots.countDocuments({ pool: input.pool }));
        if (!held && (position >= free || (await takeSlot(input.pool, holder, limit)) === false)) {
          if (!listed) {
            await waitlist.updateOne(
              { _id: `${input.pool}#${holder}` },
              { $setOnInsert: { pool: input.pool, holder, caseId: input.caseId, since: new Date() } },
              { upsert: true },
            );
            // Listed after the case's release took the child off the list: off again.
            if (await fenced(input)) return giveBack(input, holder);
          }
          return { status: 'waiting', pool: input.pool, position: position + 1, limit };
        }
        await waitlist.deleteOne({ _id: `${input.pool}#${holder}` });
      } else {
        taken = await takeSlot(input.pool, holder, limit);
        if (taken === false) {
          const used = await poolUse(mongo, input.pool);
          throw ApplicationFailure.nonRetryable(`no capacity left in ${input.pool} (${used}/${limit})`, CAPACITY_EXHAUSTED);
        }
      }
      let recorded: boolean;
      let used: number | undefined;
      let departmentRecordId: string | undefined;
      try {
        departmentRecordId = await writeToDepartment(input);
        [recorded, used] = await Promise.all([
          recordHeld(input, departmentRecordId),
          typeof taken === 'number' ? taken : limit === null ? undefined : poolUse(mongo, input.pool),
        ]);
      } catch (err) {
        // A failure after the slot was taken: when the reservation has been released meanwhile, this
        // attempt may be one nobody waits for, so no retry would give the slot back: do it now (the
        // failure is the one to report, not a failing give-back's).
        if (await fenced(input).catch(() => false)) await giveBack(input, holder).catch(() => undefined);
        throw err;
      }
      // An attempt that ran on past its timeout, a recheck beside an officer's placement, or an
      // admission whose round has removed the entry, after the reservation was released: what it
      // took would be held by nobody.
      if (!recorded) return giveBack(input, holder);
      return {
        status: 'held',
        pool: input.pool,
        ...(used !== undefined ? { used } : {}),
        limit,
        ...(departmentRecordId ? { departmentRecordId } : {}),
      };
    },

    /**
     * Gives back a held slot, or a place on the waiting list (the child no longer waits). The
     * department's record is undone first (by its key: also when the write's answer was lost),
     * so a failing undo keeps our slot held and the compensation is retried and surfaced.
     */
    async release(input: ReleaseInput): Promise<{ released: boolean }> {
      await ready();
      // The fence first: a reserve attempt of this reservation still running (its timeout passed,
      // its retry long done) finds it when it records the slot, and gives back what it took. A
      // reservation released is never held again: the saga releases only as the case ends, a
      // waiting child's entry only as the child is placed elsewhere or the case ends, and an
      // admission round a removed entry's slot (news the case may take after its admission's).
      try {
        await reservations.updateOne(
          { _id: reservationId(input) },
          {
            $set: { releaseAskedAt: new Date() },
            $setOnInsert: {
              caseId: input.caseId,
              kind: input.kind,
              pool: input.pool,
              item: input.item,
              status: 'released',
              releasedAt: new Date(),
            },
          },
          { upsert: true },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a concurrent attempt of this release inserted it
        await reservations.updateOne({ _id: reservationId(input) }, { $set: { releaseAskedAt: new Date() } });
      }
      const register = registerOfReservation(input.kind);
      if (register && registers) await registers.undo(register, registerKey(input.caseId, register, input.item));
      const holder = `${input.caseId}:${input.item}`;
      const res = await slots.deleteOne({ pool: input.pool, holder });
      await waitlist.deleteOne({ _id: `${input.pool}#${holder}` });
      await reservations.updateOne(
        { _id: reservationId(input), status: 'held' },
        { $set: { status: 'released', releasedAt: new Date() } },
      );
      if (res.deletedCount > 0 && input.kind === 'school_place') await wakeWaiting(input.pool);
      return { released: res.deletedCount > 0 };
    },
  };
}
