/**
 * One open case per person (§8): the citizen ID number is the unique person key, and a person is
 * in at most one open case, as applicant or as family member. A submission holds a lock for
 * every person in its application; the lock of a case that has ended lets the next one in,
 * unless that case settled: a person it registered here holds this city's household
 * registration and is never settled a second time.
 *
 * FerretDB v1 has no transactions and no atomic conditional updates, so a lock is one document
 * per person and generation (`<person key>#<n>`, models/open-case-lock.model.ts; the person key
 * is the blind index of the ID number, issue 15): taking a person over
 * from an ended case inserts generation n+1, and of two concurrent submissions exactly one insert
 * wins. Nothing here waits for a lock, so nothing can deadlock; people are still taken in ID
 * order so that two submissions sharing people can never each hold one that the other needs —
 * of any two that collide, one goes through.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { trusted } from 'mongoose';
import { TERMINAL_STATUSES, type CaseStatus } from '../../domain/vocabulary';
import { openCaseLockModel, personKey, type OpenCaseLockDoc } from '../../models/open-case-lock.model';
import { isDuplicateKey } from '../../models/duplicate-key';
import { loadCase } from '../case-store';
import type { AppDeps } from '../deps';
import { AppError, type InvalidParam } from '../errors';
import { withTemporalDeadline } from '../workflow-calls';
import { settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';

/** One person of an application and the JSON pointer of their ID number in the request body. */
export interface PersonInApplication {
  pointer: string;
  idNumber: string;
}

/** A pending lock younger than this belongs to a submission still in flight. */
export const PENDING_LOCK_GRACE_MS = 60_000;

const IN_PROGRESS = 'another submission that includes this person is in progress';
const IN_OPEN_CASE =
  'this person is already in an open case (as applicant or family member) and can apply again once it has ended';
const SETTLED_HERE = 'this person already holds a household registration here, from a settled case, and cannot settle again';

/**
 * Names only the fields of this request: never the other case, its number, or whose it is. The
 * clashing fields are in `invalidParams`, the member the API's 400s name fields with.
 */
const openCaseExists = (clashes: InvalidParam[]) =>
  new AppError(
    'conflict',
    'open-case-exists',
    'A person may be in only one open case at a time (§8); the people named in invalidParams are not free',
    clashes,
  );

/** Every clash is a person a settled case registered here: no later case can change that. */
const alreadySettled = (clashes: InvalidParam[]) =>
  new AppError(
    'conflict',
    'person-already-settled',
    'A person already registered here by a settled case cannot settle again (§8); the people named in invalidParams are registered',
    clashes,
  );

interface People {
  applicant: { idNumber: string };
  family: ReadonlyArray<{ idNumber: string }>;
}

const APPLICANT_POINTER = '/applicant/idNumber';

export function personsOf(body: People): PersonInApplication[] {
  return [
    { pointer: APPLICANT_POINTER, idNumber: body.applicant.idNumber },
    ...body.family.map((m, i) => ({ pointer: `/family/${i}/idNumber`, idNumber: m.idNumber })),
  ];
}

/**
 * Whether a person could be in a new application now: `settled` (registered here by a settled
 * case), `busy` (in an open case, or a submission in flight), or undefined. The apply page says so
 * before the form rather than after it is filled in; the locks still decide at submission.
 */
export async function personStanding(deps: AppDeps, idNumber: string): Promise<'settled' | 'busy' | undefined> {
  const p = { pointer: '/applicant/idNumber', idNumber, key: personKey(idNumber) };
  const reason = await refusal((await newestLocks(deps, [p])).get(p.key), caseStatusCheck(deps));
  return reason === SETTLED_HERE ? 'settled' : reason ? 'busy' : undefined;
}

/**
 * Locks every person of the application for `caseId`, or takes none: on a clash the locks
 * already taken are released before the 409. Returns the locks' ids (`all`), and those this call
 * inserted (`taken`; the others an earlier attempt of the same keyed submission left).
 */
export async function takeOpenCaseLocks(
  deps: AppDeps,
  persons: PersonInApplication[],
  caseId: string,
): Promise<{ all: string[]; taken: string[] }> {
  // The request schema refuses a person named twice; should one get here anyway, they are locked once.
  const seen = new Set<string>();
  const unique = persons.map((p) => ({ ...p, key: personKey(p.idNumber) })).filter((p) => !seen.has(p.key) && seen.add(p.key));
  const newest = await newestLocks(deps, unique);

  // Check everyone first, so a clash names every person who is not free and usually takes nothing.
  // The settled are named first: waiting for an open case to end would not free them.
  const statusOf = caseStatusCheck(deps);
  const clashes: InvalidParam[] = [];
  const settled: InvalidParam[] = [];
  // A retried keyed submission names the same case (submit-application.ts, keyedCaseId): the
  // locks its earlier attempt took are its own.
  const ours = (p: { key: string }) => newest.get(p.key)?.caseId === caseId;
  for (const p of unique) {
    if (ours(p)) continue;
    const reason = await refusal(newest.get(p.key), statusOf);
    if (reason === SETTLED_HERE) settled.push({ path: p.pointer, message: reason });
    else if (reason) clashes.push({ path: p.pointer, message: reason });
  }
  // An applicant who is not free themself learns nothing of their family members: else anyone with
  // one open case could test others' ID numbers, refusal after refusal, without ever applying.
  const own = (list: InvalidParam[]) => list.filter((c) => c.path === APPLICANT_POINTER);
  if (own(settled).length > 0) throw alreadySettled(own(settled));
  if (own(clashes).length > 0) throw openCaseExists(own(clashes));
  if (settled.length > 0) throw alreadySettled(settled);
  if (clashes.length > 0) throw openCaseExists(clashes);

  const locks = openCaseLockModel(deps.mongo);
  const reused: string[] = [];
  const taken: string[] = [];
  try {
    for (const p of [...unique].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
      if (ours(p)) {
        reused.push(newest.get(p.key)!._id);
        continue;
      }
      const generation = (newest.get(p.key)?.generation ?? -1) + 1;
      const _id = `${p.key}#${generation}`;
      try {
        await locks.create({ _id, person: p.key, generation, caseId, state: 'pending', lockedAt: new Date() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Another submission inserted this generation since we looked: it holds the person now.
        throw openCaseExists([{ path: p.pointer, message: IN_PROGRESS }]);
      }
      taken.push(_id);
    }
  } catch (err) {
    await releaseOpenCaseLocks(deps, taken, caseId);
    throw err;
  }
  return { all: [...reused, ...taken], taken };
}

/** The case's workflow runs: its locks now stand until the case ends. */
export async function markOpenCaseLocksStarted(deps: AppDeps, lockIds: string[]): Promise<void> {
  await openCaseLockModel(deps.mongo).updateMany({ _id: trusted({ $in: lockIds }) }, { $set: { state: 'started' } });
}

/**
 * Frees the locks of a submission that failed. Best effort: a lock left behind (the database
 * failed too) stays pending, and once past the grace it is taken over like an ended case's,
 * because no case with its id exists.
 */
export async function releaseOpenCaseLocks(deps: AppDeps, lockIds: string[], caseId: string): Promise<void> {
  if (lockIds.length === 0) return;
  await openCaseLockModel(deps.mongo)
    .deleteMany({ _id: trusted({ $in: lockIds }), caseId })
    .catch(() => undefined);
}

/**
 * Each person's newest lock by person key, in one query. Locks taken before issue 15 are stored
 * under the clear ID number: they are looked up too, so a person in a case opened before the
 * upgrade stays locked; the next generation is then stored under the key.
 */
async function newestLocks(
  deps: AppDeps,
  persons: Array<PersonInApplication & { key: string }>,
): Promise<Map<string, OpenCaseLockDoc>> {
  const keyOf = new Map<string, string>(
    persons.flatMap((p) => [[p.key, p.key] as const, [p.idNumber.toUpperCase(), p.key] as const]),
  );
  const docs = await openCaseLockModel(deps.mongo)
    .find({ person: trusted({ $in: [...keyOf.keys()] }) })
    .lean();
  const newest = new Map<string, OpenCaseLockDoc>();
  for (const d of docs) {
    const key = keyOf.get(d.person) ?? d.person;
    const seen = newest.get(key);
    if (!seen || d.generation > seen.generation) newest.set(key, d);
  }
  return newest;
}

/**
 * A case's status (undefined: no such case), asked once per case (a family's locks usually share
 * one). A case not recorded yet may still run: its start's answer was lost and its worker has not
 * written it (submit-application.ts keeps such locks pending), so Temporal is asked too; one that
 * runs counts as open (one that has ended without a record ended long ago: retention).
 */
function caseStatusCheck(deps: AppDeps): (caseId: string) => Promise<CaseStatus | undefined> {
  const asked = new Map<string, Promise<CaseStatus | undefined>>();
  return (caseId) => {
    let answer = asked.get(caseId);
    if (!answer) {
      answer = loadCase(deps, caseId).then(
        async (c) => c?.status ?? ((await workflowRuns(deps, caseId)) ? 'submitted' : undefined),
      );
      asked.set(caseId, answer);
    }
    return answer;
  };
}

/** Whether the case's workflow runs; Temporal unreachable: the caller's request fails (503). */
async function workflowRuns(deps: AppDeps, caseId: string): Promise<boolean> {
  try {
    const described = await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.getHandle(settlementCaseWorkflowId(caseId)).describe(),
    );
    return described.status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * The person's newest lock decides: a submission in flight (pending, recent) or an open case
 * refuses, and so does a settled case (the person is registered here); a case that ended
 * otherwise, or a pending lock whose submission died before its workflow started (no such case),
 * lets the next generation be inserted.
 */
async function refusal(
  current: OpenCaseLockDoc | undefined,
  statusOf: (caseId: string) => Promise<CaseStatus | undefined>,
): Promise<string | undefined> {
  if (!current) return undefined;
  if (current.state === 'pending' && Date.now() - current.lockedAt.getTime() < PENDING_LOCK_GRACE_MS) return IN_PROGRESS;
  const status = await statusOf(current.caseId);
  if (status === undefined) return undefined;
  if (status === 'settled') return SETTLED_HERE;
  return TERMINAL_STATUSES.includes(status) ? undefined : IN_OPEN_CASE;
}
