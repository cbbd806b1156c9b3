/**
 * The policy activity: a workflow loads the points policy version its case was submitted under
 * (§2) through it, so the files are read outside the deterministic sandbox. The loading itself
 * lives with the data (policy/policy-files.ts); here an unknown version becomes a non-retryable
 * failure, since no retry makes a missing file appear.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { PointsPolicy } from '../domain/points-policy';
import { loadPointsPolicyFile, PolicyVersionError } from '../policy/policy-files';

export function createPolicyActivities() {
  return {
    async loadPointsPolicy(input: { version: string }): Promise<PointsPolicy> {
      try {
        return loadPointsPolicyFile(input.version);
      } catch (err) {
        if (err instanceof PolicyVersionError) throw ApplicationFailure.nonRetryable(err.message, err.type);
        throw err;
      }
    },
  };
}
