/**
 * Reads the versioned policy files in this folder: data, not code. `points/*.json` is the points
 * policy (§2); `authorities/*.json` says who signs a decision letter and where it can be
 * challenged (domain/authorities.ts). Each file is named after the version it declares, and the
 * version in force on a date is the one with the latest effectiveFrom not after it.
 *
 * Loaded here, next to the data, by every process that needs it: the API (which policy version a
 * points case is submitted under), the worker (activities/policy.activities.ts, the renderer,
 * decision letters) and the tests. Nothing here knows about Temporal: a missing or mismatched
 * version is a PolicyVersionError, which the activity turns into a non-retryable failure.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Authorities } from '../domain/authorities';
import { parseAuthorities } from '../domain/authorities.parse';
import { parsePointsPolicy } from '../domain/points-policy.parse';
import { parsedFile, parseJson } from './parsed-file';
import { policyInForceOn, type DatedVersion, type PointsPolicy } from '../domain/points-policy';

export const POLICY_DIR = join(__dirname, 'points');
export const AUTHORITIES_DIR = join(__dirname, 'authorities');
const VERSION = /^[a-z0-9][a-z0-9.-]{0,63}$/;

/** Which kind of policy version could not be found (the activity's failure type). */
export type PolicyVersionErrorType = 'UnknownPolicyVersion' | 'UnknownAuthoritiesVersion';

/** A version that is malformed, has no file, or whose file declares another version. */
export class PolicyVersionError extends Error {
  override name = 'PolicyVersionError';
  constructor(
    message: string,
    readonly type: PolicyVersionErrorType,
    /** A well-formed version with no file here (another deployment may have it), not a bad name or file. */
    readonly missing = false,
  ) {
    super(message);
  }
}

interface VersionedFiles<P extends DatedVersion> {
  /** What the files hold, for messages: "points policy". */
  what: string;
  /** Error type of an unknown or mismatched version. */
  failure: PolicyVersionErrorType;
  parse: (json: unknown) => P;
}

const POINTS: VersionedFiles<PointsPolicy> = {
  what: 'points policy',
  failure: 'UnknownPolicyVersion',
  parse: parsePointsPolicy,
};
const AUTHORITIES: VersionedFiles<Authorities> = {
  what: 'authorities',
  failure: 'UnknownAuthoritiesVersion',
  parse: parseAuthorities,
};

function loadVersionFile<P extends DatedVersion>(kind: VersionedFiles<P>, version: string, dir: string): P {
  if (!VERSION.test(version)) throw new PolicyVersionError(`invalid ${kind.what} version "${version}"`, kind.failure);
  const file = join(dir, `${version}.json`);
  let policy: P;
  try {
    // Parsed again only when the file changed: the letters read these for each decision letter.
    policy = parsedFile(file, (text) => kind.parse(parseJson(text, file)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new PolicyVersionError(`no ${kind.what} version "${version}"`, kind.failure, true);
    throw err;
  }
  if (policy.version !== version)
    throw new PolicyVersionError(`${kind.what} file ${version}.json declares "${policy.version}"`, kind.failure);
  return policy;
}

function loadAllVersions<P extends DatedVersion>(kind: VersionedFiles<P>, dir: string): P[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => loadVersionFile(kind, f.slice(0, -'.json'.length), dir));
}

function versionInForce<P extends DatedVersion>(kind: VersionedFiles<P>, date: string, dir: string): P {
  const policy = policyInForceOn(loadAllVersions(kind, dir), date);
  if (!policy) throw new Error(`no ${kind.what} is in force on ${date}`);
  return policy;
}

export function loadPointsPolicyFile(version: string, dir = POLICY_DIR): PointsPolicy {
  return loadVersionFile(POINTS, version, dir);
}

export function allPointsPolicies(dir = POLICY_DIR): PointsPolicy[] {
  return loadAllVersions(POINTS, dir);
}

/** The policy in force on a date (YYYY-MM-DD): a submission is judged under it for good. */
export function pointsPolicyInForce(date: string, dir = POLICY_DIR): PointsPolicy {
  return versionInForce(POINTS, date, dir);
}

/**
 * Every authorities version, validated, and checked for clashing versions or start dates; the
 * renderer and the decision-number activity load them once at start-up.
 */
export function allAuthorities(dir = AUTHORITIES_DIR): Authorities[] {
  const all = loadAllVersions(AUTHORITIES, dir);
  if (all.length === 0) throw new Error(`no authorities files in ${dir}: decision letters cannot be issued`);
  policyInForceOn(all, '0000-01-01');
  return all;
}
