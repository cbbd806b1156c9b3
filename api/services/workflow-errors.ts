/** Maps the case workflow's refusals (validator ApplicationFailures) onto HTTP problems. */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { withTemporalDeadline } from './temporal-call';

const STATUS_BY_TYPE: Record<string, [number, string]> = {
  StepNotAwaitingDecision: [409, 'step-not-awaiting-decision'],
  NoSupplementAwaited: [409, 'no-supplement-awaited'],
  CaseNotOpen: [409, 'case-not-open'],
  WrongDepartment: [403, 'wrong-department'],
  NotApplicant: [404, 'not-found'],
  StepNotFound: [404, 'step-not-found'],
  InvalidDecision: [422, 'invalid-decision'],
  InvalidSupplement: [422, 'invalid-supplement'],
  InvalidAction: [422, 'invalid-action'],
  SupplementRoundUsed: [409, 'supplement-round-used'],
  NoPlacementAwaited: [409, 'no-placement-awaited'],
};

export function toHttpProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof WorkflowNotFoundError) {
    // An Update sent to a case whose workflow has finished answers NOT_FOUND "workflow execution
    // already completed": the case exists (callers load it first), it just cannot change any more.
    if (/already completed/i.test(err.message)) return new HttpProblem(409, 'case-not-open', 'The case has already ended');
    return new HttpProblem(404, 'not-found', 'No such case');
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type && STATUS_BY_TYPE[cause.type]) {
      const [status, type] = STATUS_BY_TYPE[cause.type]!;
      return new HttpProblem(status, type, status === 404 ? 'No such case' : cause.message);
    }
  }
  // An update or query sent to a case that has already closed.
  const e = err as { name?: string; message?: string; cause?: { code?: number } };
  if (e.name === 'ServiceError' && /already completed|completed|closed/i.test(e.message ?? '') && e.cause?.code !== 14) {
    return new HttpProblem(409, 'case-not-open', 'The case has already ended');
  }
  return undefined;
}

/** Runs a Temporal call under the API's deadline and maps the workflow's refusals to problems. */
export async function mapWorkflowErrors<T>(deps: ApiDeps, fn: () => Promise<T>): Promise<T> {
  try {
    return await withTemporalDeadline(deps, fn);
  } catch (err) {
    throw toHttpProblem(err) ?? err;
  }
}
