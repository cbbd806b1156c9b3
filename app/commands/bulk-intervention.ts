/**
 * Issue 11 "Interventions": a supervisor starts one action on many cases. The run is a workflow
 * of its own (workflows/bulk-intervention); this use case validates the request with the same
 * rules as a single action (domain/case-rules.ts), removes duplicate case ids, and starts it
 * under the request id, so a start sent twice (a double click, a client retry) is one run.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { actionProblems } from '../../domain/case-rules';
import { bulkIntervention } from '../../workflows/bulk-intervention/bulk-intervention.workflow';
import {
  BULK_MAX_CASES,
  bulkInterventionWorkflowId,
  type BulkInterventionInput,
} from '../../workflows/bulk-intervention/messages';
import type { SupervisorActor } from '../actor';
import type { AppDeps } from '../deps';
import { AppError, type InvalidParam } from '../errors';
import { findOfficer, holderProblem } from '../officer-directory';
import { withTemporalDeadline } from '../workflow-calls';

/** What the workflow takes, but for who the supervisor is and the id, which come from here. */
export type StartBulkInterventionInput = Omit<BulkInterventionInput, 'bulkId' | 'supervisorId'> & {
  actor: SupervisorActor;
  /** Makes the start idempotent: the bulk id is derived from it and the supervisor. */
  requestId: string;
};

/** A bulk id: a digest of the supervisor and their request id (no personal data in workflow ids). */
export const BULK_ID_PATTERN = /^[0-9a-f]{32}$/;
export const bulkIdOf = (actor: SupervisorActor, requestId: string): string =>
  createHash('sha256').update(`${actor.sub}\n${requestId}`).digest('hex').slice(0, 32);

export function bulkProblems(input: Omit<StartBulkInterventionInput, 'actor'>): InvalidParam[] {
  const problems: InvalidParam[] = [];
  if (!input.requestId || input.requestId.length > 300)
    problems.push({ path: '/requestId', message: 'a request id is required' });
  if (!input.note.trim()) problems.push({ path: '/note', message: 'give the reason for the intervention' });
  const ids = [...new Set(input.caseIds)];
  if (ids.length === 0) problems.push({ path: '/caseIds', message: 'choose at least one case' });
  if (ids.length > BULK_MAX_CASES) problems.push({ path: '/caseIds', message: `at most ${BULK_MAX_CASES} cases at once` });
  if (input.action !== 'terminate')
    for (const p of actionProblems({ ...input, action: input.action }))
      problems.push({ path: `/${p.field}`, message: p.message });
  return problems;
}

/** Starts the run (or finds the one this request id already started); its id. */
export async function startBulkIntervention(deps: AppDeps, input: StartBulkInterventionInput): Promise<{ id: string }> {
  const { actor, ...rest } = input;
  const problems = bulkProblems(rest);
  // The new holder must be an officer the service knows, of the department acted on; each case
  // outside their areas is then refused by the case itself (an outcome of the run).
  const officer = rest.action === 'reassign' && rest.officerId ? await findOfficer(deps, rest.officerId) : undefined;
  if (rest.action === 'reassign' && rest.officerId) {
    const problem = holderProblem(officer, rest.department, undefined, { anyArea: true });
    if (problem) problems.push({ path: '/officerId', message: problem.message });
  }
  if (problems.length > 0) throw new AppError('invalid', 'validation-error', 'The bulk intervention is incomplete', problems);
  const wfInput: BulkInterventionInput = {
    bulkId: bulkIdOf(actor, rest.requestId),
    supervisorId: actor.sub,
    action: rest.action,
    department: rest.department,
    ...(rest.action === 'extend_deadline' && rest.extendByMs !== undefined ? { extendByMs: rest.extendByMs } : {}),
    ...(rest.action === 'extend_deadline' && rest.extendByWorkingDays !== undefined
      ? { extendByWorkingDays: rest.extendByWorkingDays }
      : {}),
    ...(rest.action === 'reassign' && rest.officerId !== undefined ? { officerId: rest.officerId } : {}),
    ...(officer ? { officerScope: officer.scope } : {}),
    note: rest.note.trim(),
    caseIds: [...new Set(rest.caseIds)],
    ...(rest.concurrency !== undefined ? { concurrency: rest.concurrency } : {}),
    ...(rest.pauseMs !== undefined ? { pauseMs: rest.pauseMs } : {}),
  };
  try {
    await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.start(bulkIntervention, {
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        workflowId: bulkInterventionWorkflowId(wfInput.bulkId),
        // Even after the run ended, its id cannot start another: the same request is the same run.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [wfInput],
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { id: wfInput.bulkId };
}
