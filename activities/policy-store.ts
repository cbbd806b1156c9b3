/** Reads the versioned points policy files (policy/points/*.json): data, not code (§2). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { parsePointsPolicy } from '../domain/points-policy.parse';
import { policyInForceOn, type PointsPolicy } from '../domain/points-policy';

export const POLICY_DIR = join(__dirname, '..', 'policy', 'points');
const VERSION = /^[a-z0-9][a-z0-9.-]{0,63}$/;

export function loadPointsPolicyFile(version: string, dir = POLICY_DIR): PointsPolicy {
  if (!VERSION.test(version))
    throw ApplicationFailure.nonRetryable(`invalid policy version "${version}"`, 'UnknownPolicyVersion');
  let raw: string;
  try {
    raw = readFileSync(join(dir, `${version}.json`), 'utf8');
  } catch {
    throw ApplicationFailure.nonRetryable(`no points policy version "${version}"`, 'UnknownPolicyVersion');
  }
  const policy = parsePointsPolicy(JSON.parse(raw));
  if (policy.version !== version)
    throw ApplicationFailure.nonRetryable(`policy file ${version}.json declares "${policy.version}"`, 'UnknownPolicyVersion');
  return policy;
}

export function allPointsPolicies(dir = POLICY_DIR): PointsPolicy[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => loadPointsPolicyFile(f.slice(0, -'.json'.length), dir));
}

/** The policy in force on a date (YYYY-MM-DD): a submission is judged under it for good. */
export function pointsPolicyInForce(date: string, dir = POLICY_DIR): PointsPolicy {
  const policy = policyInForceOn(allPointsPolicies(dir), date);
  if (!policy) throw new Error(`no points policy is in force on ${date}`);
  return policy;
}

export function createPolicyActivities() {
  return {
    async loadPointsPolicy(input: { version: string }): Promise<PointsPolicy> {
      return loadPointsPolicyFile(input.version);
    },
  };
}
