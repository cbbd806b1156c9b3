/**
 * Reads what a case left in MongoDB and in Temporal's visibility store, for the failure-path
 * integration tests: the audit trail in order, the saga's commits and compensations, notices,
 * reservations and pools, and the case's search attributes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AuditEventDoc } from '../../models/audit-event.model';
import { auditEventModel } from '../../models/audit-event.model';
import { noticeModel, type NoticeDoc } from '../../models/notice.model';
import { reservationModel } from '../../models/reservation.model';
import { poolsUse } from '../../models/pool-use';
import type { CaseState } from '../../domain/case-state';
import type { Department } from '../../domain/vocabulary';
import {
  caseStatusQuery,
  provideSupplementUpdate,
  supervisorActionUpdate,
  withdrawUpdate,
  type ProvideSupplementInput,
  type SettlementCaseInput,
  type SupervisorActionInput,
} from '../../workflows/settlement-case/messages';
import { eventually, type TestStack } from './stack';

/** The case's audit trail in the order the workflow wrote it. */
export async function auditTrail(stack: TestStack, caseId: string): Promise<AuditEventDoc[]> {
  const events = await auditEventModel(stack.mongo).find({ caseId }).lean();
  return events.sort((a, b) => a.seq - b.seq || a.n - b.n);
}

/** `pool|item` of every reservation committed, and of every compensation, in audit order. */
export async function sagaTrail(stack: TestStack, caseId: string): Promise<{ commits: string[]; compensations: string[] }> {
  const trail = await auditTrail(stack, caseId);
  const key = (e: AuditEventDoc) => `${String(e.data?.pool)}|${String(e.data?.item)}`;
  return {
    commits: trail.filter((e) => e.type === 'commit' && e.what.endsWith(' reserved')).map(key),
    compensations: trail.filter((e) => e.type === 'compensation').map(key),
  };
}

/** Asserts the Done-when rule: each compensation ran, in exact reverse order of the commits. */
export async function assertCompensatedInReverse(stack: TestStack, caseId: string, expectedCommits: number): Promise<void> {
  const { commits, compensations } = await sagaTrail(stack, caseId);
  assert.equal(commits.length, expectedCommits, `commits: ${commits.join(', ')}`);
  assert.deepEqual(compensations, [...commits].reverse());
}

export async function noticesOf(stack: TestStack, caseId: string): Promise<NoticeDoc[]> {
  return noticeModel(stack.mongo).find({ caseId }).lean();
}

/** Notice events of a case as `event:channel`, sorted. */
export async function noticeEvents(stack: TestStack, caseId: string): Promise<string[]> {
  return (await noticesOf(stack, caseId)).map((n) => `${n.event}:${n.channel}`).sort();
}

export async function reservationsOf(stack: TestStack, caseId: string) {
  return reservationModel(stack.mongo).find({ caseId }).lean();
}

/** Slots held in each of the pools the case ever reserved in (models/pool-use.ts). */
export async function poolUsage(stack: TestStack, pools: string[]): Promise<Record<string, number>> {
  return poolsUse(stack.mongo, pools);
}

/** Polls the status Query until `pick` returns a value. */
export async function untilState<T>(
  handle: WorkflowHandle,
  pick: (s: CaseState) => T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  return eventually(async () => pick(await handle.query(caseStatusQuery)), what, timeoutMs);
}

/** Waits until the workflow holds `count` reservations. */
export async function untilHeld(handle: WorkflowHandle, count: number): Promise<CaseState> {
  return untilState(
    handle,
    (s) => (s.reservations.filter((r) => r.status === 'held').length === count ? s : undefined),
    `${count} reservations held`,
  );
}

/** The ApplicationFailure type an update was refused with. */
export async function refusal(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WorkflowUpdateFailedError, `expected WorkflowUpdateFailedError, got ${String(err)}`);
    assert.ok(err.cause instanceof ApplicationFailure, `expected an ApplicationFailure cause, got ${String(err.cause)}`);
    return err.cause.type ?? undefined;
  }
  assert.fail('the update was expected to be refused');
}

export function withdraw(handle: WorkflowHandle, input: SettlementCaseInput, note?: string) {
  const requestId = randomUUID();
  return handle.executeUpdate(withdrawUpdate, {
    updateId: requestId,
    args: [{ requestId, applicantUserId: input.applicantUserId, ...(note ? { note } : {}) }],
  });
}

/** The applicant provides supplementary material for a department's request. */
export function provideSupplement(
  handle: WorkflowHandle,
  input: SettlementCaseInput,
  department: Department,
  items: ProvideSupplementInput['items'],
) {
  const requestId = randomUUID();
  return handle.executeUpdate(provideSupplementUpdate, {
    updateId: requestId,
    args: [{ requestId, department, applicantUserId: input.applicantUserId, items }],
  });
}

export function supervise(handle: WorkflowHandle, action: Omit<SupervisorActionInput, 'requestId' | 'supervisorId'>) {
  const requestId = randomUUID();
  return handle.executeUpdate(supervisorActionUpdate, {
    updateId: requestId,
    args: [{ requestId, supervisorId: 'supervisor-1', ...action }],
  });
}

/** The case's search attributes as the visibility store reports them (eventually consistent). */
export async function searchAttributes(stack: TestStack, handle: WorkflowHandle) {
  return (await stack.client.workflow.getHandle(handle.workflowId).describe()).typedSearchAttributes;
}

/** Polls visibility with a list query limited to this workflow until it matches. */
export async function untilVisible(stack: TestStack, handle: WorkflowHandle, query: string, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      for await (const wf of stack.client.workflow.list({ query: `${query} AND WorkflowId = '${handle.workflowId}'` })) {
        if (wf.workflowId === handle.workflowId) return true;
      }
      return undefined;
    },
    `visibility: ${query}`,
    timeoutMs,
  );
}

/** SLA settings with one department's officer deadline shortened. */
export function slaWith(input: SettlementCaseInput, department: Department, officerDecisionMs: number) {
  return { ...input.sla, officerDecisionMs: { ...input.sla.officerDecisionMs, [department]: officerDecisionMs } };
}
