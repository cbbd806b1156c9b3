/**
 * Submitting an application: either accepted with a case id or clearly refused, never half
 * stored. Idempotency keys make retries safe; a lock per person of the application — applicant
 * and each family member — keeps one open case per person (§8, services/open-case-locks.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { trusted } from 'mongoose';
import { pointsPolicyInForce } from '../../policy/policy-files';
import type { Application, Department } from '../../domain/vocabulary';
import { claimNextInSequence, idempotencyKeyModel } from '../../models/api-records.model';
import { caseModel } from '../../models/case.model';
import { isDuplicateKey } from '../../models/duplicate-key';
import { settlementCase } from '../../workflows/settlement-case.workflow';
import { settlementCaseWorkflowId, type SettlementCaseInput } from '../../workflows/settlement-case.messages';
import type { ApiDeps } from '../deps';
import { decodeCursor, encodeCursor, InstantAndId } from '../http/cursor';
import { HttpProblem } from '../problem';
import type { ApplicationBody } from '../schemas/application.schema';
import { todayInChina } from '../schemas/common';
import { markOpenCaseLocksStarted, personsOf, releaseOpenCaseLocks, takeOpenCaseLocks } from './open-case-locks';
import { withTemporalDeadline } from './temporal-call';

export interface SubmissionResult {
  status: number;
  body: { caseId: string; caseNumber: string; status: string };
}

const stableHash = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export async function submitApplication(
  deps: ApiDeps,
  applicantUserId: string,
  body: ApplicationBody,
  idempotencyKey?: string,
): Promise<SubmissionResult> {
  if (!idempotencyKey) return submit(deps, applicantUserId, body);
  const keys = idempotencyKeyModel(deps.mongo);
  const _id = `${applicantUserId}:${idempotencyKey}`;
  const requestHash = stableHash(body);
  try {
    await keys.create({ _id, requestHash, state: 'pending', createdAt: new Date() });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return replay(deps, _id, requestHash);
  }
  try {
    const result = await submit(deps, applicantUserId, body);
    await keys.updateOne({ _id }, { $set: { state: 'done', response: result } });
    return result;
  } catch (err) {
    // Refused or failed: the key is free again, so a corrected or later retry can go through.
    await keys.deleteOne({ _id, state: 'pending' }).catch(() => undefined);
    throw err;
  }
}

/** The same key again: the stored response, once the first request has finished. */
async function replay(deps: ApiDeps, _id: string, requestHash: string): Promise<SubmissionResult> {
  const keys = idempotencyKeyModel(deps.mongo);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const doc = await keys.findById(_id).lean();
    if (!doc) throw new HttpProblem(409, 'idempotency-retry', 'The first request with this Idempotency-Key failed; retry');
    if (doc.requestHash !== requestHash) {
      throw new HttpProblem(422, 'idempotency-key-reused', 'This Idempotency-Key was used with a different request body');
    }
    if (doc.state === 'done' && doc.response) return doc.response as SubmissionResult;
    if (Date.now() > deadline)
      throw new HttpProblem(409, 'idempotency-in-progress', 'A request with this Idempotency-Key is still in progress');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function submit(deps: ApiDeps, applicantUserId: string, body: ApplicationBody): Promise<SubmissionResult> {
  const caseId = randomUUID();
  const idNumber = body.applicant.idNumber;
  const lockIds = await takeOpenCaseLocks(deps, personsOf(body), caseId);
  let caseNumber: string;
  try {
    caseNumber = await nextCaseNumber(deps);
    const application: Application = {
      route: body.route,
      ...(body.district ? { district: body.district } : {}),
      ...(body.town ? { town: body.town } : {}),
      applicant: { idNumber, name: body.applicant.name, relation: 'applicant' },
      family: body.family.map((m) => ({
        idNumber: m.idNumber,
        name: m.name,
        relation: m.relation,
        ...(m.schoolLevel ? { schoolLevel: m.schoolLevel } : {}),
      })),
      contact: {
        phone: body.contact.phone,
        locale: body.contact.locale,
        ...(body.contact.email ? { email: body.contact.email } : {}),
      },
    };
    const c = deps.config;
    const input: SettlementCaseInput = {
      caseId,
      caseNumber,
      applicantUserId,
      application,
      submittedAt: new Date().toISOString(),
      ...(body.route === 'points' ? { policyVersion: pointsPolicyInForce(todayInChina()).version } : {}),
      sla: {
        officerDecisionMs: {
          police: c.SLA_POLICE_MS,
          hrss: c.SLA_HRSS_MS,
          housing: c.SLA_HOUSING_MS,
          education: c.SLA_EDUCATION_MS,
        } satisfies Record<Department, number>,
        reminderFraction: c.SLA_REMINDER_FRACTION,
        supplementResponseMs: c.SUPPLEMENT_RESPONSE_MS,
        checkRetryPauseMs: c.CHECK_RETRY_PAUSE_MS,
        checkFailuresBeforeEscalation: c.CHECK_FAILURES_BEFORE_ESCALATION,
        schoolPlacementMs: c.SCHOOL_PLACEMENT_SLA_MS,
        waitlistRecheckMs: c.WAITLIST_RECHECK_MS,
      },
      autoApproveClean: c.AUTO_APPROVE_DEPARTMENTS,
    };
    // Bounded (TEMPORAL_CALL_TIMEOUT_MS) well inside the lock's pending grace: a start that
    // outlived it could race a takeover.
    await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.start(settlementCase, {
        taskQueue: c.TEMPORAL_TASK_QUEUE,
        workflowId: settlementCaseWorkflowId(caseId),
        args: [input],
      }),
    );
  } catch (err) {
    await releaseOpenCaseLocks(deps, lockIds, caseId);
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new HttpProblem(409, 'conflict', 'This case already exists');
    throw err;
  }
  // The case runs from here on, so its locks must stand even if marking them fails: a pending
  // lock of a running case still refuses (within the grace as in flight, after it as open).
  await markOpenCaseLocksStarted(deps, lockIds).catch((err: unknown) =>
    deps.logger.warn({ err, caseId }, 'open-case locks left pending'),
  );
  return { status: 202, body: { caseId, caseNumber, status: 'submitted' } };
}

/** HK-YYYY-NNNNNN, claimed so that concurrent submissions never share one (see claimNextInSequence). */
async function nextCaseNumber(deps: ApiDeps): Promise<string> {
  const year = todayInChina().slice(0, 4);
  const format = (n: number) => `HK-${year}-${String(n).padStart(6, '0')}`;
  return format(await claimNextInSequence(deps.mongo, `case-number:${year}`, format));
}

/** Applicant's own cases, newest first, with a cursor (submittedAt|caseId of the last item). */
export async function listOwnCases(deps: ApiDeps, applicantUserId: string, limit: number, cursor?: string) {
  const filter: Record<string, unknown> = { applicantUserId };
  if (cursor) {
    const [at, id] = decodeCursor(cursor, InstantAndId);
    filter.$or = [{ submittedAt: trusted({ $lt: at }) }, { submittedAt: at, _id: trusted({ $lt: id }) }];
  }
  const docs = await caseModel(deps.mongo)
    .find(filter)
    .sort({ submittedAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean();
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = docs.length > limit && last ? encodeCursor([last.submittedAt, last._id]) : undefined;
  return { page, nextCursor };
}
