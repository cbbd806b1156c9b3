/**
 * Submitting an application (§1, §2): either accepted with a case id or clearly refused, never
 * half stored. Idempotency keys make retries safe; a lock per person of the application —
 * applicant and each family member — keeps one open case per person (§8, open-case-locks.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { trusted } from 'mongoose';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { DEPARTMENT_TABLE } from '../../domain/departments';
import {
  DEPARTMENTS,
  type Application,
  type Contact,
  type Department,
  type District,
  type Relation,
  type Route,
  type SchoolLevel,
  type Town,
} from '../../domain/vocabulary';
import { claimNextInSequence } from '../../models/counter.model';
import { familyRefusalId, familyRefusalModel } from '../../models/family-refusal.model';
import { idempotencyKeyModel } from '../../models/idempotency-key.model';
import { isDuplicateKey } from '../../models/duplicate-key';
import { personKey } from '../../models/open-case-lock.model';
import { pointsPolicyInForce } from '../../policy/policy-files';
import { settlementCaseWorkflowId, type SettlementCaseInput } from '../../workflows/settlement-case/messages';
import { settlementCase } from '../../workflows/settlement-case/settlement-case.workflow';
import type { ApplicantActor } from '../actor';
import type { AppDeps } from '../deps';
import { loadCase } from '../case-store';
import { AppError } from '../errors';
import { withTemporalDeadline } from '../workflow-calls';
import { markOpenCaseLocksStarted, personsOf, releaseOpenCaseLocks, takeOpenCaseLocks } from './open-case-locks';

/** What the applicant filled in, validated by the front end (ID numbers, names, route and area). */
export interface NewApplication {
  route: Route;
  district?: District;
  town?: Town;
  applicant: { idNumber: string; name: string };
  family: Array<{ idNumber: string; name: string; relation: Exclude<Relation, 'applicant'>; schoolLevel?: SchoolLevel }>;
  contact: Contact;
}

export interface SubmitApplicationInput {
  actor: ApplicantActor;
  application: NewApplication;
  /** The client's key: the same key and application again answer with the same case. */
  idempotencyKey?: string;
}

/** The case the application opened; its workflow runs. */
export interface CaseAccepted {
  caseId: string;
  caseNumber: string;
  status: 'submitted';
}

const stableHash = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export async function submitApplication(deps: AppDeps, input: SubmitApplicationInput): Promise<CaseAccepted> {
  const { actor, application } = input;
  assertAccountHolder(actor, application);
  // An application of the applicant alone names nobody else: it tests no one's number.
  if (application.family.length > 0) await assertFamilyRefusalsLeft(deps, actor.sub);
  try {
    return await submitOnce(deps, input);
  } catch (err) {
    await countFamilyRefusal(deps, actor.sub, application, err);
    throw err;
  }
}

/**
 * Refusals naming a family member (§8: in another open case, or settled here) that one account
 * may get in a Beijing day. A family member's ID number is typed, not verified: without a bound,
 * an account could test strangers' numbers, ten a submission, by the refusals alone.
 */
export const FAMILY_REFUSALS_PER_DAY = 10;

/** How many more applications naming family members this account may have refused today. */
export async function familyRefusalsLeft(deps: AppDeps, sub: string): Promise<number> {
  const counted = (await familyRefusalModel(deps.mongo).findById(familyRefusalId(sub, shanghaiToday())).lean())?.count ?? 0;
  return Math.max(0, FAMILY_REFUSALS_PER_DAY - counted);
}

async function assertFamilyRefusalsLeft(deps: AppDeps, sub: string): Promise<void> {
  if ((await familyRefusalsLeft(deps, sub)) > 0) return;
  const counted = FAMILY_REFUSALS_PER_DAY;
  throw new AppError(
    'too_many',
    'too-many-refused-applications',
    `This account's applications were refused ${counted} times today because family members named in them were not free (§8); apply again tomorrow, or at a counter`,
  );
}

/**
 * Counts (and logs, without ID numbers) a refusal that named a family member. The same family sent
 * again — the applicant pressing submit once more on the refused form — tests no new number and
 * is not counted again: the day's record keeps a digest of each family refused (of their keyed
 * blind indexes, with the account and day; the record goes when the day does).
 */
async function countFamilyRefusal(deps: AppDeps, sub: string, application: NewApplication, err: unknown): Promise<void> {
  if (!(err instanceof AppError) || !PERSON_CLASHES.includes(err.code)) return;
  const fields = (err.invalidParams ?? []).map((p) => p.path).filter((path) => path.startsWith('/family/'));
  if (fields.length === 0) return;
  const day = shanghaiToday();
  // Keyed blind indexes, not the numbers: a digest of bare ID numbers could be reversed by trying them.
  const family = application.family
    .map((m) => personKey(m.idNumber))
    .sort()
    .join(',');
  const seen = createHash('sha256').update(`${sub}\n${day}\n${family}`).digest('base64url').slice(0, 22);
  // Counted as a limit, not a ledger: FerretDB v1 may lose one of two concurrent $inc (models/counter.model.ts).
  // A family already seen today matches no record, and the upsert's insert then meets the day's own _id.
  const doc = await familyRefusalModel(deps.mongo)
    .findOneAndUpdate(
      { _id: familyRefusalId(sub, day), seen: trusted({ $ne: seen }) },
      { $inc: { count: 1 }, $addToSet: { seen }, $setOnInsert: { day } },
      { upsert: true, returnDocument: 'after' },
    )
    .lean()
    .catch((e: unknown) => (isDuplicateKey(e) ? null : Promise.reject(e)));
  deps.logger.warn(
    { userId: sub, refusedToday: doc?.count, repeated: doc === null, fields, code: err.code },
    'application refused: family members not free',
  );
}

const PERSON_CLASHES = ['open-case-exists', 'person-already-settled'];

async function submitOnce(deps: AppDeps, input: SubmitApplicationInput): Promise<CaseAccepted> {
  const { actor, application, idempotencyKey } = input;
  if (!idempotencyKey) return submit(deps, actor.sub, application, randomUUID());
  const keys = idempotencyKeyModel(deps.mongo);
  const _id = `${actor.sub}:${idempotencyKey}`;
  const requestHash = stableHash(application);
  // Which request holds the key: the one that created it, or a retry that took it over. Every
  // write of the key names its holder, so a request that lost it changes nothing.
  const owner = randomUUID();
  try {
    await keys.create({ _id, requestHash, state: 'pending', owner, createdAt: new Date() });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const replayed = await replay(deps, _id, requestHash, owner);
    if (replayed !== 'taken-over') return replayed;
  }
  try {
    const accepted = await submit(deps, actor.sub, application, keyedCaseId(_id, requestHash));
    await keys.updateOne({ _id, owner }, { $set: { state: 'done', response: accepted } });
    return accepted;
  } catch (err) {
    // Refused or failed: the key is free again, so a corrected or later retry can go through.
    await keys.deleteOne({ _id, state: 'pending', owner }).catch(() => undefined);
    throw err;
  }
}

/**
 * An applicant applies for themself and their family (DOMAIN "Who uses it"): the application's
 * applicant is the person the identity provider verified for the account. Otherwise anyone could
 * apply as someone else, read that person's score and letters, and block their own application
 * (§8: one open case per person).
 */
function assertAccountHolder(actor: ApplicantActor, application: NewApplication): void {
  if (!actor.idNumber) {
    throw new AppError(
      'forbidden',
      'id-number-unverified',
      'Applying needs an account whose citizen ID number the identity provider has verified (token claim `id_number`); this account has none',
    );
  }
  if (application.applicant.idNumber !== actor.idNumber) {
    throw new AppError(
      'forbidden',
      'not-account-holder',
      'The applicant must be the account holder: apply for yourself, with your family members under `family`',
      [{ path: '/applicant/idNumber', message: 'is not the ID number verified for this account' }],
    );
  }
}

/**
 * How long a key may stay pending before a retry takes it over: far longer than a submission takes
 * (each of its Temporal calls has a deadline of seconds, and a submission makes a few; instances'
 * clocks may differ by some), so a key still pending was left by a process that stopped between
 * taking the key and recording the answer. A retry meanwhile hears "in progress" (409).
 */
export const PENDING_KEY_STALE_MS = 600_000;

/**
 * The same key again: the stored answer, once the first request has finished; or 'taken-over' when
 * the first request was abandoned (its key pending past PENDING_KEY_STALE_MS), and this one now
 * holds the key and submits. That is safe however far the first got: the case id follows from the
 * key and body (keyedCaseId), so a case it started answers as already running. Without it the key
 * answered "in progress" for ever.
 */
async function replay(deps: AppDeps, _id: string, requestHash: string, owner: string): Promise<CaseAccepted | 'taken-over'> {
  const keys = idempotencyKeyModel(deps.mongo);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const doc = await keys.findById(_id).lean();
    if (!doc) throw new AppError('conflict', 'idempotency-retry', 'The first request with this Idempotency-Key failed; retry');
    if (doc.requestHash !== requestHash) {
      throw new AppError(
        'unprocessable',
        'idempotency-key-reused',
        'This Idempotency-Key was used with a different request body',
      );
    }
    if (doc.state === 'done' && doc.response) return storedAnswer(doc.response);
    if (doc.state === 'pending' && Date.now() - new Date(doc.createdAt).getTime() > PENDING_KEY_STALE_MS) {
      // One retry takes it: the pending key as read, stamped anew with its holder. FerretDB v1 does
      // not make a conditional update exclusive, so two racing retries may both write: whichever
      // wrote last holds it, and reading it back tells each which (the other sees it fresh, and waits).
      await keys.updateOne({ _id, state: 'pending', createdAt: doc.createdAt }, { $set: { createdAt: new Date(), owner } });
      if ((await keys.findById(_id).lean())?.owner === owner) return 'taken-over';
      continue;
    }
    if (Date.now() > deadline)
      throw new AppError('conflict', 'idempotency-in-progress', 'A request with this Idempotency-Key is still in progress');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Keys stored before the application layer hold the HTTP answer, `{status: 202, body}`. */
const storedAnswer = (response: object): CaseAccepted => ('body' in response ? response.body : response) as CaseAccepted;

/**
 * A keyed submission's case id follows from the caller, the key and the request (a name-based
 * UUID, RFC 9562 version 5), so that a retry of one whose outcome was lost — its start reached
 * Temporal but the answer did not, or its key could not be marked done — names the same case:
 * its locks are already its own, and starting it again answers with the case that runs instead of
 * opening a second one for the same people.
 */
export function keyedCaseId(keyId: string, requestHash: string): string {
  const b = createHash('sha1').update(CASE_ID_NAMESPACE).update(`${keyId}\n${requestHash}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
/** Our namespace for name-based case ids (a fixed random UUID's bytes). */
const CASE_ID_NAMESPACE = Buffer.from('6c1f0b7e4a9d4d2f9e53b8a1c27d4e90', 'hex');

/**
 * A start that failed other than by "already started" may still have reached Temporal: ask it.
 * The case that runs answers (with its own number: the attempt that started it may have been an
 * earlier one); none while the start may still be in flight (it timed out) is no proof: unknown.
 */
async function outcomeOfFailedStart(
  deps: AppDeps,
  caseId: string,
  err: unknown,
): Promise<CaseAccepted | 'not-started' | 'unknown'> {
  if (err instanceof WorkflowExecutionAlreadyStartedError) return alreadyRunning(deps, caseId);
  try {
    return await alreadyRunning(deps, caseId);
  } catch (describeErr) {
    if (!(describeErr instanceof WorkflowNotFoundError)) return 'unknown';
    return mayStillArrive(err) ? 'unknown' : 'not-started';
  }
}

/** A call that ran out of time or was cancelled: the server may still carry it out. */
function mayStillArrive(err: unknown): boolean {
  const code = (err as { cause?: { code?: number }; code?: number }).cause?.code ?? (err as { code?: number }).code;
  return code === 4 || code === 1 || (err as { name?: string }).name === 'TimeoutError';
}

/** The case an earlier attempt of this submission started: its number from the start's memo. */
async function alreadyRunning(deps: AppDeps, caseId: string): Promise<CaseAccepted> {
  const described = await withTemporalDeadline(deps, () =>
    deps.temporal.workflow.getHandle(settlementCaseWorkflowId(caseId)).describe(),
  );
  const memo = described.memo as { caseNumber?: unknown } | undefined;
  const caseNumber = typeof memo?.caseNumber === 'string' ? memo.caseNumber : (await loadCase(deps, caseId))?.caseNumber;
  if (!caseNumber) throw new AppError('conflict', 'conflict', 'This case already exists');
  return { caseId, caseNumber, status: 'submitted' };
}

async function submit(deps: AppDeps, applicantUserId: string, form: NewApplication, caseId: string): Promise<CaseAccepted> {
  const locks = await takeOpenCaseLocks(deps, personsOf(form), caseId);
  const lockIds = locks.all;
  let caseNumber: string | undefined;
  try {
    // The policy before the number: a points policy folder that does not load (being edited)
    // refuses the submission without using up a 受理编号.
    const policyVersion =
      form.route === 'points' ? pointsPolicyInForce(shanghaiToday(), deps.config.POINTS_DIR).version : undefined;
    caseNumber = await nextCaseNumber(deps);
    const input: SettlementCaseInput = {
      caseId,
      caseNumber,
      applicantUserId,
      application: applicationOf(form),
      submittedAt: new Date().toISOString(),
      ...(policyVersion ? { policyVersion } : {}),
      sla: slaSettings(deps.config),
      autoApproveClean: deps.config.AUTO_APPROVE_DEPARTMENTS,
    };
    // Bounded (TEMPORAL_CALL_TIMEOUT_MS) well inside the lock's pending grace: a start that
    // outlived it could race a takeover.
    // A case id is never used twice, not even after its case ended; the memo lets a retry of
    // this submission answer with the case's number (alreadyRunning).
    await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.start(settlementCase, {
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        workflowId: settlementCaseWorkflowId(caseId),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { caseNumber },
        args: [input],
      }),
    );
  } catch (err) {
    // Started before by a retried request (a keyed id), or after all though the call failed.
    const outcome = caseNumber === undefined ? 'not-started' : await outcomeOfFailedStart(deps, caseId, err);
    if (outcome === 'not-started') {
      // Only what this attempt took: locks an earlier attempt left are its case's, which may run.
      await releaseOpenCaseLocks(deps, locks.taken, caseId);
      throw err;
    }
    // Temporal cannot say whether the case runs: its locks stay pending. A retry with the same key
    // names the same case and takes them over; anyone else waits out the grace, after which they
    // free the people only if no case with this id was recorded (open-case-locks.ts).
    if (outcome === 'unknown') throw err;
    await markOpenCaseLocksStarted(deps, lockIds).catch((e: unknown) =>
      deps.logger.warn({ err: e, caseId }, 'open-case locks left pending'),
    );
    return outcome;
  }
  // The case runs from here on, so its locks must stand even if marking them fails: a pending
  // lock of a running case still refuses (within the grace as in flight, after it as open).
  await markOpenCaseLocksStarted(deps, lockIds).catch((err: unknown) =>
    deps.logger.warn({ err, caseId }, 'open-case locks left pending'),
  );
  return { caseId, caseNumber, status: 'submitted' };
}

function applicationOf(form: NewApplication): Application {
  return {
    route: form.route,
    ...(form.district ? { district: form.district } : {}),
    ...(form.town ? { town: form.town } : {}),
    applicant: { idNumber: form.applicant.idNumber, name: form.applicant.name, relation: 'applicant' },
    family: form.family.map((m) => ({
      idNumber: m.idNumber,
      name: m.name,
      relation: m.relation,
      ...(m.schoolLevel ? { schoolLevel: m.schoolLevel } : {}),
    })),
    contact: {
      phone: form.contact.phone,
      locale: form.contact.locale,
      ...(form.contact.email ? { email: form.contact.email } : {}),
    },
  };
}

/** The case-policy settings in force now travel with the case: a later change never reaches it. */
function slaSettings(c: AppDeps['config']): SettlementCaseInput['sla'] {
  return {
    officerDecisionMs: Object.fromEntries(DEPARTMENTS.map((d) => [d, c[DEPARTMENT_TABLE[d].slaVariable]])) as Record<
      Department,
      number
    >,
    reminderFraction: c.SLA_REMINDER_FRACTION,
    supplementResponseMs: c.SUPPLEMENT_RESPONSE_MS,
    checkRetryPauseMs: c.CHECK_RETRY_PAUSE_MS,
    socialInsuranceTransferMs: c.SOCIAL_INSURANCE_TRANSFER_DEADLINE_MS,
    socialInsuranceTransferPollMs: c.SOCIAL_INSURANCE_TRANSFER_POLL_MS,
    checkFailuresBeforeEscalation: c.CHECK_FAILURES_BEFORE_ESCALATION,
    schoolPlacementMs: c.SCHOOL_PLACEMENT_SLA_MS,
    waitlistRecheckMs: c.WAITLIST_RECHECK_MS,
    ...(c.DEADLINE_CLOCK === 'working-days'
      ? {
          workingDays: {
            officerDecision: Object.fromEntries(
              DEPARTMENTS.map((d) => [d, c[DEPARTMENT_TABLE[d].slaWorkingDaysVariable]]),
            ) as Record<Department, number>,
            supplementResponse: supplementResponseWorkingDays(c),
            schoolPlacement: c.SCHOOL_PLACEMENT_WORKING_DAYS,
            officeClose: c.OFFICE_CLOSE,
            officeOpen: c.OFFICE_OPEN,
          },
        }
      : {}),
  };
}

/** Each department's supplement deadline, its own knob or else the global one. */
export function supplementResponseWorkingDays(c: AppDeps['config']): Record<Department, number> {
  return Object.fromEntries(
    DEPARTMENTS.map((d) => [d, c[DEPARTMENT_TABLE[d].supplementWorkingDaysVariable] ?? c.SUPPLEMENT_RESPONSE_WORKING_DAYS]),
  ) as Record<Department, number>;
}

/** HK-YYYY-NNNNNN, claimed so that concurrent submissions never share one (see claimNextInSequence). */
async function nextCaseNumber(deps: AppDeps): Promise<string> {
  const year = shanghaiToday().slice(0, 4);
  const format = (n: number) => `HK-${year}-${String(n).padStart(6, '0')}`;
  return format(await claimNextInSequence(deps.mongo, `case-number:${year}`, format));
}
