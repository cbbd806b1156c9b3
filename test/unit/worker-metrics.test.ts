/**
 * The worker's failure counters (worker/metrics.ts), through its activity interceptor alone: a
 * compensation that fails cannot easily be provoked end to end, so its counting is checked here.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { createConnection } from 'mongoose';
import type { ReleaseInput } from '../../domain/capacity';
import { createWorkerMetrics } from '../../worker/metrics';

describe('worker metrics: failure counters', () => {
  // Never connected: the read-model gauges are only registered, not collected, in this test.
  const mongo = createConnection();
  after(() => mongo.close());

  const setUp = () => {
    const metrics = createWorkerMetrics(mongo);
    const run = (activityType: string, args: unknown[], outcome: Error | 'ok') =>
      metrics.activityInterceptor({ info: { activityType } } as unknown as Context).inbound!.execute!(
        { args, headers: {} },
        () => (outcome === 'ok' ? Promise.resolve('done') : Promise.reject(outcome)),
      );
    const values = async (name: string) =>
      (await metrics.registry.getSingleMetric(name)!.get()).values.map((v) => ({ labels: v.labels, value: v.value }));
    return { run, values };
  };

  it('when a release fails, then it counts as an activity failure and as a compensation failure of its kind', async () => {
    const { run, values } = setUp();
    const release: ReleaseInput = { caseId: 'c-1', kind: 'school_place', pool: 'p', item: 'child-0' };
    await assert.rejects(run('release', [release], new Error('database unavailable')), /database unavailable/);
    await assert.rejects(run('release', [release], new Error('database unavailable')));
    assert.deepEqual(await values('compensation_failures_total'), [{ labels: { kind: 'school_place' }, value: 2 }]);
    assert.deepEqual(await values('activity_failures_total'), [
      { labels: { activity_type: 'release', non_retryable: 'false' }, value: 2 },
    ]);
  });

  it('when an activity refuses with a non-retryable failure, then it is counted as such and is no compensation failure', async () => {
    const { run, values } = setUp();
    const refusal = ApplicationFailure.create({ type: 'NoCapacity', message: 'full', nonRetryable: true });
    await assert.rejects(run('reserve', [{}], refusal));
    assert.deepEqual(await values('activity_failures_total'), [
      { labels: { activity_type: 'reserve', non_retryable: 'true' }, value: 1 },
    ]);
    assert.deepEqual(await values('compensation_failures_total'), []);
  });

  it('when an activity succeeds or is cancelled, then nothing is counted and its result or error passes through', async () => {
    const { run, values } = setUp();
    assert.equal(await run('release', [{ kind: 'quota_slot' }], 'ok'), 'done');
    await assert.rejects(run('runDepartmentCheck', [{}], new CancelledFailure('cancelled')), CancelledFailure);
    assert.deepEqual(await values('activity_failures_total'), []);
    assert.deepEqual(await values('compensation_failures_total'), []);
  });
});
