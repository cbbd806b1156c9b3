/** Builds and drives settlement cases in tests, straight through the Temporal client. */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Department, District, Town } from '../../domain/vocabulary';
import { DEPARTMENTS } from '../../domain/vocabulary';
import { toPerson, type DemoPersona } from '../../tools/simulator/demo-people';
import { settlementCase } from '../../workflows/settlement-case/settlement-case.workflow';
import {
  caseStatusQuery,
  decideUpdate,
  settlementCaseWorkflowId,
  type DecideInput,
  type SettlementCaseInput,
  type SlaSettings,
} from '../../workflows/settlement-case/messages';
import { eventually, type TestStack } from './stack';

/** Long enough not to fire unless a test wants it to. */
export const RELAXED_SLA: SlaSettings = {
  officerDecisionMs: Object.fromEntries(DEPARTMENTS.map((d) => [d, 10 * 60_000])) as Record<Department, number>,
  reminderFraction: 0.8,
  supplementResponseMs: 10 * 60_000,
  checkRetryPauseMs: 500,
  checkFailuresBeforeEscalation: 2,
  schoolPlacementMs: 10 * 60_000,
  waitlistRecheckMs: 300,
};

/**
 * The deadline to give a case when the test must act before it passes (escalate, extend, stop
 * the worker): room for a status query and an update or two on a loaded 2-core machine, where
 * one workflow task can wait a few seconds, while typically they take well under a second. Such
 * a test then waits the deadline out, so this is also what it costs; each one checks on the
 * workflow's own clock that it did act in time, so a too-slow set-up says so instead of failing
 * an unrelated assertion.
 */
export const ROOM_TO_ACT_MS = 6000;

let counter = 0;

export function caseInput(persona: DemoPersona, overrides: Partial<SettlementCaseInput> = {}): SettlementCaseInput {
  const caseId = randomUUID();
  counter += 1;
  const target = persona.target;
  return {
    caseId,
    caseNumber: `HK-2026-${String((Date.now() % 900_000) + counter)
      .padStart(6, '0')
      .slice(-6)}`,
    applicantUserId: `user-${persona.idNumber.slice(-4)}-${caseId.slice(0, 4)}`,
    application: {
      route: target.route,
      ...(target.district ? { district: target.district as District } : {}),
      ...(target.town ? { town: target.town as Town } : {}),
      applicant: toPerson(persona),
      family: persona.family.map(toPerson),
      contact: { phone: '13800138000', email: 'applicant@example.cn', locale: 'zh-CN' },
    },
    submittedAt: new Date().toISOString(),
    policyVersion: target.route === 'points' ? 'xian-2016-v1' : undefined,
    sla: RELAXED_SLA,
    autoApproveClean: [],
    ...overrides,
  };
}

export async function startCase(stack: TestStack, input: SettlementCaseInput): Promise<WorkflowHandle<typeof settlementCase>> {
  return stack.client.workflow.start(settlementCase, {
    taskQueue: stack.taskQueue,
    workflowId: settlementCaseWorkflowId(input.caseId),
    args: [input],
  });
}

/** Waits until the step is awaiting an officer decision. */
export async function awaitingDecision(handle: WorkflowHandle, department: Department, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => ((await handle.query(caseStatusQuery)).steps[department]?.status === 'awaiting_decision' ? true : undefined),
    `${department} awaiting a decision`,
    timeoutMs,
  );
}

/**
 * Decides the step once it awaits a decision: the Update is sent again while the workflow refuses
 * it as not awaiting yet (a refused Update leaves no history), as an officer's retry would. Not a
 * status query first: a query answered by a worker that does not hold the case (after a restart)
 * can leave a history that no longer replays (README "Known engine bugs").
 */
export async function decide(
  handle: WorkflowHandle,
  department: Department,
  decision: DecideInput['decision'] = 'approve',
  extra: Partial<DecideInput> = {},
  timeoutMs = 30_000,
) {
  const requestId = extra.requestId ?? randomUUID();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await handle.executeUpdate(decideUpdate, {
        updateId: requestId,
        args: [{ requestId, department, officerDepartment: department, officerId: `officer-${department}`, decision, ...extra }],
      });
    } catch (err) {
      const notYet =
        err instanceof WorkflowUpdateFailedError &&
        err.cause instanceof ApplicationFailure &&
        // A step the case has not opened yet (steps open as the route unfolds) is waited for too.
        (err.cause.type === 'StepNotAwaitingDecision' || err.cause.type === 'StepNotFound');
      if (!notYet) throw err;
      if (Date.now() > deadline) throw new Error(`${department} not awaiting a decision after ${timeoutMs} ms`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
