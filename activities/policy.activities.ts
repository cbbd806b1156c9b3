/**
 * The policy activity: a workflow loads the points policy version its case was submitted under
 * (§2) through it, so the files are read outside the deterministic sandbox. The loading itself
 * lives with the data (policy/policy-files.ts). A malformed version fails non-retryably; a
 * well-formed one with no file here is retried: the API checked the version at submission, so
 * only a worker behind the API's deployment lacks it, and the worker that replaces it has it.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { PointsPolicy } from '../domain/points-policy';
import { loadPointsPolicyFile, PolicyVersionError } from '../policy/policy-files';

export interface PolicyDeps {
  /** Folder of the points policy versions (POINTS_DIR); default policy/points. */
  pointsDir?: string;
}

export function createPolicyActivities({ pointsDir }: PolicyDeps = {}) {
  return {
    async loadPointsPolicy(input: { version: string }): Promise<PointsPolicy> {
      try {
        return loadPointsPolicyFile(input.version, pointsDir);
      } catch (err) {
        // The API accepted the application under this version, so its file exists where the API
        // runs: missing here, this worker is behind (a deployment half done) and a later attempt,
        // on an updated worker, finds it. Failing the case instead ended it for good at receipt
        // and left the family's open-case lock in place. Retried (the attempts show in Temporal,
        // and a case with no progress reaches the supervisors' stale list).
        if (err instanceof PolicyVersionError)
          throw err.missing
            ? ApplicationFailure.retryable(err.message, err.type)
            : ApplicationFailure.nonRetryable(err.message, err.type);
        throw err;
      }
    },
  };
}
