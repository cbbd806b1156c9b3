/**
 * Capacities are policy data (§2 总量控制, §16 集体户, §21–23 随迁子女): the reserve and release
 * activities against the run's real FerretDB, with capacity files of the test's own. A pool is
 * never over-committed, a changed file applies to the next reservation (raising or lowering it,
 * audited), and a full school level puts the child on the area's waiting list in order.
 *
 * Pools are keyed by area / district, so each test uses an area of its own in this file's
 * database.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { Connection } from 'mongoose';
import { createRegistersClient, RegisterUnavailableError } from '../../activities/adapters/registers.client';
import { createReservationActivities } from '../../activities/reservations.activities';
import { CAPACITY_EXHAUSTED, poolKey, type PoolRef, type ReserveInput } from '../../domain/capacity';
import type { District, SchoolLevel, Town } from '../../domain/vocabulary';
import { capacityChangeModel } from '../../models/capacity-change.model';
import { connectMongo } from '../../models/connection';
import { reservationModel } from '../../models/reservation.model';
import { poolUse, poolsUse } from '../../models/pool-use';
import { reservationPoolModel } from '../../models/reservation-pool.model';
import { reservationSlotModel } from '../../models/reservation-slot.model';
import { schoolWaitlistModel } from '../../models/school-waitlist.model';
import { testCapacities, type TestCapacities } from '../support/capacities';
import { mongoUriFor } from '../support/services';

const refused = (err: unknown): boolean => {
  assert.ok(err instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
  assert.equal(err.type, CAPACITY_EXHAUSTED);
  assert.equal(err.nonRetryable, true);
  return true;
};

const quota = (district: District, caseId = randomUUID()): ReserveInput => {
  const ref: PoolRef = { kind: 'quota_slot', district };
  return { caseId, kind: ref.kind, pool: poolKey(ref), item: 'household', ref };
};
const school = (area: District | Town, level: SchoolLevel, caseId = randomUUID()): ReserveInput => {
  const ref: PoolRef = { kind: 'school_place', area, level };
  return { caseId, kind: ref.kind, pool: poolKey(ref), item: 'child-1', ref };
};
const releaseOf = ({ caseId, kind, pool, item }: ReserveInput) => ({ caseId, kind, pool, item });

describe('capacities from policy data: reserve / release', () => {
  let mongo: Connection;
  let caps: TestCapacities;
  let acts: ReturnType<typeof createReservationActivities>;

  before(async () => {
    mongo = await connectMongo({
      uri: mongoUriFor(`test_capacities_${randomUUID().slice(0, 8)}`),
      serverSelectionTimeoutMS: 5000,
    });
    caps = testCapacities();
    acts = createReservationActivities({ mongo, capacityDir: caps.dir });
    await Promise.all([reservationPoolModel(mongo).init(), reservationSlotModel(mongo).init(), reservationModel(mongo).init()]);
  });

  after(async () => {
    await mongo?.dropDatabase().catch(() => undefined);
    await mongo?.close();
  });

  it('§2 when the same reservation is taken twice, then the pool counts it once', async () => {
    caps.set((t) => (t.pointsQuota.xincheng = 1));
    const input = quota('xincheng');

    const first = await acts.reserve(input);
    const again = await acts.reserve(input); // a retry after the last slot went must not be refused

    assert.deepEqual(first, { status: 'held', pool: 'quota:xincheng', used: 1, limit: 1 });
    assert.deepEqual(again, first);
    assert.equal(await reservationModel(mongo).countDocuments({ caseId: input.caseId }), 1);
  });

  it('§2 when 20 cases reserve concurrently from a quota of 5, then exactly 5 hold a slot and 15 are refused non-retryably', async () => {
    caps.set((t) => (t.pointsQuota.beilin = 5));
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => acts.reserve(quota('beilin'))));

    const rejections = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    for (const r of rejections) assert.ok(refused(r.reason));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 5);
    assert.equal(await poolUse(mongo, 'quota:beilin'), 5);
    const holders = (await reservationSlotModel(mongo).find({ pool: 'quota:beilin' }).lean()).map((s) => s.holder);
    assert.equal(new Set(holders).size, 5);
    assert.equal(await reservationModel(mongo).countDocuments({ pool: 'quota:beilin', status: 'held' }), 5);
  });

  it('§2 when a reservation is released twice, then the second changes nothing and the slot is free for another case', async () => {
    caps.set((t) => (t.pointsQuota.weiyang = 1));
    const input = quota('weiyang');
    await acts.reserve(input);
    await assert.rejects(acts.reserve(quota('weiyang')), refused);

    assert.deepEqual(await acts.release(releaseOf(input)), { released: true });
    assert.deepEqual(await acts.release(releaseOf(input)), { released: false });

    assert.equal(await poolUse(mongo, 'quota:weiyang'), 0);
    assert.equal((await reservationModel(mongo).findById(`${input.caseId}:quota_slot:household`).lean())?.status, 'released');
    assert.equal((await acts.reserve(quota('weiyang'))).status, 'held');
  });

  it('§2 when a reserve attempt lands after its case released the reservation (it ran on past its timeout), then it gives back what it took and the place stays free', async () => {
    // Arrange: the case held the last slot, and its compensation released it.
    caps.set((t) => (t.pointsQuota.lintong = 1));
    const input = quota('lintong');
    assert.equal((await acts.reserve(input)).status, 'held');
    await acts.release(releaseOf(input));

    // Act: the first attempt of that reservation, long past its timeout, gets through only now.
    const late = await acts.reserve(input);

    // Assert: nobody holds the slot, the record stays released, and another case gets the place.
    assert.deepEqual(late, { status: 'released', pool: 'quota:lintong' });
    assert.equal(await poolUse(mongo, 'quota:lintong'), 0);
    assert.equal((await reservationModel(mongo).findById(`${input.caseId}:quota_slot:household`).lean())?.status, 'released');
    assert.equal((await acts.reserve(quota('lintong'))).status, 'held');
  });

  it('§16 when a late attempt after the release fails at the department’s system, then it still gives the slot back', async () => {
    // Arrange: a collective-household slot held and released; the department's system is down
    // (nothing listens on port 1) when the attempt that ran on past its timeout gets through.
    caps.set((t) => (t.collectiveHouseholds.zhouzhi = 1));
    const ref: PoolRef = { kind: 'collective_household_slot', area: 'zhouzhi' };
    const input: ReserveInput = { caseId: randomUUID(), kind: ref.kind, pool: poolKey(ref), item: 'household', ref };
    assert.equal((await acts.reserve(input)).status, 'held');
    await acts.release(releaseOf(input));
    const down = createReservationActivities({
      mongo,
      capacityDir: caps.dir,
      registers: createRegistersClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1000 }),
    });

    // Act
    // The register's own failure (retryable), not a slip before any register call.
    await assert.rejects(down.reserve(input), RegisterUnavailableError);

    // Assert: the failure is reported (its retry, if any, would be fenced), and the place is free.
    assert.equal(await poolUse(mongo, input.pool), 0);
    assert.equal((await acts.reserve({ ...input, caseId: randomUUID() })).status, 'held');
  });

  it('§21–23 when a waiting child’s recheck lands after the child left the waiting list, then the child is not listed again', async () => {
    // Arrange: a full level, a child waiting, then placed elsewhere by an officer (its entry released).
    caps.set((t) => (t.schoolPlaces.gaoling.primary = 1));
    assert.equal((await acts.reserve(school('gaoling', 'primary'))).status, 'held');
    const child = school('gaoling', 'primary');
    assert.equal((await acts.reserve(child)).status, 'waiting');
    await acts.release(releaseOf(child));

    // Act: the recheck that was asking the pool meanwhile arrives.
    const late = await acts.reserve(child);

    // Assert: off the list, so the next child is first in line.
    assert.deepEqual(late, { status: 'released', pool: 'school:gaoling:primary' });
    assert.equal(await schoolWaitlistModel(mongo).countDocuments({ pool: 'school:gaoling:primary' }), 0);
    assert.deepEqual(await acts.reserve(school('gaoling', 'primary')), {
      status: 'waiting',
      pool: 'school:gaoling:primary',
      position: 1,
      limit: 1,
    });
  });

  it('§2 when 100 cases reserve at once from a quota of 60, then exactly 60 hold a slot, 40 are refused, and 10 released places go to 10 others', async () => {
    caps.set((t) => (t.pointsQuota.yanta = 60));
    const inputs = Array.from({ length: 100 }, () => quota('yanta'));
    const started = performance.now();
    const outcomes = await Promise.allSettled(inputs.map((i) => acts.reserve(i)));
    const tookMs = performance.now() - started;

    const held = inputs.filter((_, n) => outcomes[n]!.status === 'fulfilled');
    for (const o of outcomes) if (o.status === 'rejected') assert.ok(refused(o.reason));
    assert.equal(held.length, 60);
    assert.equal(await poolUse(mongo, 'quota:yanta'), 60);
    assert.equal(await reservationModel(mongo).countDocuments({ pool: 'quota:yanta', status: 'held' }), 60);
    const numbers = (await reservationSlotModel(mongo).find({ pool: 'quota:yanta' }).lean()).map((s) => s.n);
    assert.deepEqual(
      [...numbers].sort((a, b) => a! - b!),
      Array.from({ length: 60 }, (_, n) => n),
      'every place taken once',
    );
    // Generous for a shared 2-core machine; the hot-view version took minutes for this.
    assert.ok(tookMs < 30_000, `100 reservations took ${Math.round(tookMs)} ms`);

    await Promise.all(held.slice(0, 10).map((i) => acts.release(releaseOf(i))));
    assert.equal(await poolUse(mongo, 'quota:yanta'), 50);
    const others = await Promise.allSettled(Array.from({ length: 20 }, () => acts.reserve(quota('yanta'))));
    assert.equal(others.filter((o) => o.status === 'fulfilled').length, 10);
    for (const o of others) if (o.status === 'rejected') assert.ok(refused(o.reason));
    assert.deepEqual(await poolsUse(mongo, ['quota:yanta']), { 'quota:yanta': 60 });
  });

  it('when a pool is unlimited (provisional registrations), then every case gets a slot, the pool reports no limit and no reservation counts it', async () => {
    const ref: PoolRef = { kind: 'provisional_registration' };
    const results = [];
    for (let n = 0; n < 5; n++)
      results.push(await acts.reserve({ caseId: randomUUID(), kind: ref.kind, pool: poolKey(ref), item: 'household', ref }));
    // Counting a city's confirmations on every reservation would cost what the pool holds.
    assert.deepEqual(
      results.map((r) => (r.status === 'held' ? [r.used, r.limit] : r.status)),
      [1, 2, 3, 4, 5].map(() => [undefined, null]),
    );
    assert.equal(await poolUse(mongo, poolKey(ref)), 5);
  });

  it('§2 when the capacity file lowers and then raises a quota, then the next reservation obeys the new figure and each change is audited', async () => {
    caps.set((t) => (t.pointsQuota.lianhu = 3));
    for (let n = 0; n < 2; n++) await acts.reserve(quota('lianhu'));

    caps.set((t) => (t.pointsQuota.lianhu = 2)); // lowered: the two held stay, nobody else gets in
    await assert.rejects(acts.reserve(quota('lianhu')), refused);

    caps.set((t) => (t.pointsQuota.lianhu = 4)); // raised: two more
    assert.equal((await acts.reserve(quota('lianhu'))).status, 'held');
    assert.equal((await acts.reserve(quota('lianhu'))).status, 'held');
    await assert.rejects(acts.reserve(quota('lianhu')), refused);

    assert.equal((await reservationPoolModel(mongo).findById('quota:lianhu').lean())?.limit, 4);
    const changes = (await capacityChangeModel(mongo).find({ pool: 'quota:lianhu' }).lean()).sort(
      (a, b) => a.at.getTime() - b.at.getTime(),
    );
    assert.deepEqual(
      changes.map((c) => [c.from ?? null, c.to ?? null]),
      [
        [null, 3],
        [3, 2],
        [2, 4],
      ],
    );
    assert.ok(changes.every((c) => c.version === 'xian-capacity-2026' && c.setBy.length > 0));
  });

  it('§2 when a quota is lowered under a slot numbered above it, then cases racing for what is left never take more than the new figure', async () => {
    caps.set((t) => (t.pointsQuota.baqiao = 4));
    const inputs = Array.from({ length: 4 }, () => quota('baqiao'));
    for (const i of inputs) await acts.reserve(i);
    // Keep only the case on the highest number: below the lowered figure two numbers look free.
    const slots = await reservationSlotModel(mongo).find({ pool: 'quota:baqiao' }).lean();
    const top = slots.find((s) => s.n === 3)!.holder;
    await Promise.all(inputs.filter((i) => `${i.caseId}:${i.item}` !== top).map((i) => acts.release(releaseOf(i))));
    caps.set((t) => (t.pointsQuota.baqiao = 2));

    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => acts.reserve(quota('baqiao'))));
    for (const o of outcomes) if (o.status === 'rejected') assert.ok(refused(o.reason));
    const held = outcomes.filter((o) => o.status === 'fulfilled').length;
    assert.ok(held <= 1, `${held} admitted with one place left`);
    assert.ok((await poolUse(mongo, 'quota:baqiao')) <= 2);
    assert.equal(await poolUse(mongo, 'quota:baqiao'), 1 + held);
  });

  it('§21 when the first family of an area reserves school places, then the places come from the capacity data, not from anyone’s record', async () => {
    caps.set(() => undefined);
    const result = await acts.reserve(school('zhouzhi', 'kindergarten'));
    assert.deepEqual(result, { status: 'held', pool: 'school:zhouzhi:kindergarten', used: 1, limit: 2 });
  });

  it('§21–23 when a school level is full, then children wait in the order they came and a freed place goes to the first of them, not a newcomer', async () => {
    caps.set((t) => (t.schoolPlaces.huyi.primary = 1));
    const placed = school('huyi', 'primary');
    const first = school('huyi', 'primary');
    const second = school('huyi', 'primary');
    assert.equal((await acts.reserve(placed)).status, 'held');

    assert.deepEqual(await acts.reserve(first), { status: 'waiting', pool: 'school:huyi:primary', position: 1, limit: 1 });
    assert.deepEqual(await acts.reserve(second), { status: 'waiting', pool: 'school:huyi:primary', position: 2, limit: 1 });
    assert.equal(await schoolWaitlistModel(mongo).countDocuments({ pool: 'school:huyi:primary' }), 2);

    await acts.release(releaseOf(placed));
    const newcomer = school('huyi', 'primary');
    assert.equal((await acts.reserve(newcomer)).status, 'waiting', 'a newcomer queues behind the waiting children');
    assert.equal((await acts.reserve(second)).status, 'waiting', 'the second waits for the first');
    assert.equal((await acts.reserve(first)).status, 'held');
    assert.deepEqual(await acts.reserve(second), { status: 'waiting', pool: 'school:huyi:primary', position: 1, limit: 1 });

    // A raised capacity places the next in line; a child who leaves the list frees its position.
    caps.set((t) => (t.schoolPlaces.huyi.primary = 2));
    await acts.release(releaseOf(newcomer));
    assert.equal((await acts.reserve(second)).status, 'held');
    assert.equal(await schoolWaitlistModel(mongo).countDocuments({ pool: 'school:huyi:primary' }), 0);
  });
});
