/**
 * Calls into a case's workflow: every one bounded by TEMPORAL_CALL_TIMEOUT_MS (past it the
 * caller hears "Temporal unavailable, retry" instead of hanging while the client retries; an
 * Update that timed out may still be applied, and retrying with the same request id is safe),
 * and the workflow's refusals (its Update validators' ApplicationFailures) turned into AppErrors.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowUpdateOptions } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { handledRequestQuery, settlementCaseWorkflowId, type Refusal } from '../workflows/settlement-case/messages';
import type { AppDeps } from './deps';
import { AppError, noSuchCase, type AppRefusal } from './errors';
import type { ProblemCode } from './problem-codes';

export function withTemporalDeadline<T>(deps: AppDeps, fn: () => Promise<T>): Promise<T> {
  return deps.temporal.connection.withDeadline(Date.now() + deps.config.TEMPORAL_CALL_TIMEOUT_MS, fn);
}

/**
 * The server refuses an Update with FAILED_PRECONDITION "unexpected workflow task failure" when
 * the workflow task it was delivered in failed: typically a task that completed the workflow's
 * commands while new events had arrived (UnhandledCommand), which the server has the worker redo
 * at once. The Update was not applied; sent again with the same update id it is one request.
 */
function lostWithFailedTask(err: unknown): boolean {
  const e = err as { message?: string; cause?: { code?: number; message?: string } };
  return e.cause?.code === 9 && /unexpected workflow task failure/i.test(e.cause.message ?? e.message ?? '');
}

/** An Update call under the deadline, sent again (a few times, quickly) when it was lost with a failed task. */
export async function sendUpdate<T>(deps: AppDeps, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTemporalDeadline(deps, fn);
    } catch (err) {
      if (attempt >= 4 || !lostWithFailedTask(err)) throw err;
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}

/** The failure types the case workflow refuses an Update with. */
/** Each refusal of the case workflow's contract, as the API and pages answer it. */
const REFUSAL_ERRORS: Record<Refusal, AppRefusal> = {
  StepNotAwaitingDecision: ['conflict', 'step-not-awaiting-decision'],
  NoSupplementAwaited: ['conflict', 'no-supplement-awaited'],
  CaseNotOpen: ['conflict', 'case-not-open'],
  WrongDepartment: ['forbidden', 'wrong-department'],
  NotApplicant: ['not_found', 'not-found'],
  StepNotFound: ['not_found', 'step-not-found'],
  InvalidDecision: ['unprocessable', 'invalid-decision'],
  InvalidSupplement: ['unprocessable', 'invalid-supplement'],
  InvalidAction: ['unprocessable', 'invalid-action'],
  SupplementRoundUsed: ['conflict', 'supplement-round-used'],
  NoPlacementAwaited: ['conflict', 'no-placement-awaited'],
  // The workflow's message names the holder: officers see who holds a step in their inbox anyway.
  StepHeldByOther: ['conflict', 'step-held-by-other'],
  StepNotHeld: ['conflict', 'step-not-held'],
  // Another area's case: exactly what a missing case answers.
  NotInScope: ['not_found', 'not-found'],
};
const isRefusal = (type: string | undefined | null): type is Refusal =>
  typeof type === 'string' && Object.hasOwn(REFUSAL_ERRORS, type);

/**
 * The problem code a refusal of the case workflow answers with, by its failure type (and the
 * bulk run's `CaseNotFound`): a bulk report gives each refused case the code the API would have.
 */
export function refusalCode(type: string): ProblemCode | undefined {
  if (type === 'CaseNotFound') return 'not-found';
  return isRefusal(type) ? REFUSAL_ERRORS[type][1] : undefined;
}

/** Who holds the step another officer was refused (`step-held-by-other`), as a member a client can read. */
function holderOf(failure: ApplicationFailure): { holder: string } | undefined {
  if (failure.type !== 'StepHeldByOther') return undefined;
  const [details] = (failure.details ?? []) as unknown[];
  const holder = (details as { holder?: unknown } | undefined)?.holder;
  return typeof holder === 'string' ? { holder } : undefined;
}

const caseEnded = () => new AppError('conflict', 'case-not-open', 'The case has already ended');

/** The AppError a workflow call's failure means, or undefined when it is no refusal (a fault). */
export function workflowRefusal(err: unknown, { caseLoaded = false } = {}): AppError | undefined {
  if (err instanceof WorkflowNotFoundError) {
    // An Update sent to a case whose workflow has finished answers NOT_FOUND "workflow execution
    // already completed": the case exists (callers load it first), it just cannot change any more.
    // A caller that loaded the case knows it exists: then it has ended, whatever words the
    // server used (a workflow closing at that moment is not "already completed" yet).
    return caseLoaded || /already completed/i.test(err.message) ? caseEnded() : noSuchCase();
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && isRefusal(cause.type)) {
      const [kind, code] = REFUSAL_ERRORS[cause.type];
      // Not found says no more than a missing case would; a step the case's route lacks says so.
      const notFound = cause.type === 'StepNotFound' ? 'This case has no step for that department' : 'No such case';
      return new AppError(kind, code, kind === 'not_found' ? notFound : cause.message, undefined, holderOf(cause));
    }
  }
  // An update or query sent to a case that has already closed.
  const e = err as { name?: string; message?: string; cause?: { code?: number } };
  if (e.name === 'ServiceError' && /already completed|completed|closed/i.test(e.message ?? '') && e.cause?.code !== 14) {
    return caseEnded();
  }
  return undefined;
}

/**
 * Sends an Update to the case's workflow under the deadline; a refusal is thrown as its
 * AppError. `updateId` makes a retried request one request.
 */
export async function updateCase<Ret, Args extends [unknown, ...unknown[]], Name extends string>(
  deps: AppDeps,
  caseId: string,
  update: UpdateDefinition<Ret, Args, Name>,
  options: WorkflowUpdateOptions & { args: Args },
): Promise<Ret> {
  const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(caseId));
  try {
    return await sendUpdate(deps, () => handle.executeUpdate(update, options));
  } catch (err) {
    throw workflowRefusal(err, { caseLoaded: true }) ?? err;
  }
}

/**
 * The answer the case gave this request, when it took it: asked after a refusal as "the case has
 * ended", which a retried request meets when its first attempt ended the case (a rejection, a
 * withdrawal, a termination) but its answer was lost. Undefined when it did not take it, or
 * Temporal cannot say (the refusal then stands).
 */
export async function earlierAnswer(deps: AppDeps, caseId: string, requestId: string): Promise<unknown> {
  try {
    const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(caseId));
    const found = await withTemporalDeadline(deps, () => handle.query(handledRequestQuery, requestId));
    return found.answered ? found.answer : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `err` refused a retry of the request that ended the case itself (a withdrawal, a
 * termination): the case took it and answered `status`. The caller then answers as the first time.
 */
export async function endedByThisRequest(
  deps: AppDeps,
  err: unknown,
  { caseId, requestId, status }: { caseId: string; requestId: string; status: 'withdrawn' | 'terminated' },
): Promise<boolean> {
  if (!(err instanceof AppError && err.code === 'case-not-open')) return false;
  const answer = (await earlierAnswer(deps, caseId, requestId)) as { status?: string } | undefined;
  return answer?.status === status;
}
