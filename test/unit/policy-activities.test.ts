/**
 * A points policy version the worker does not have (the API accepted it, so a worker that lacks
 * it is behind a deployment): retried, so the case goes on once the worker is updated, instead
 * of failing for good at receipt.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createPolicyActivities } from '../../activities/policy.activities';

describe('loadPointsPolicy', () => {
  it('when the version is one the worker has, then it answers the policy', async () => {
    const policy = await createPolicyActivities().loadPointsPolicy({ version: 'xian-2016-v1' });
    assert.equal(policy.version, 'xian-2016-v1');
  });

  it('when the version is malformed, then the failure is not retryable', async () => {
    const err = await createPolicyActivities()
      .loadPointsPolicy({ version: '../package' })
      .catch((e: unknown) => e);
    assert.ok(err instanceof ApplicationFailure);
    assert.equal(err.nonRetryable, true);
  });

  it('when the version is not on this worker, then the failure is retryable and names the version', async () => {
    const err = await createPolicyActivities()
      .loadPointsPolicy({ version: 'xian-2099-v9' })
      .catch((e: unknown) => e);
    assert.ok(err instanceof ApplicationFailure);
    assert.equal(err.nonRetryable, false);
    assert.equal(err.type, 'UnknownPolicyVersion');
    assert.match(err.message, /xian-2099-v9/);
  });
});
