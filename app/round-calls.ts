/**
 * Calls into an admission round's workflow (issue 13), for the application layer: the rounds
 * files as configured, a RoundStarter built from this process's deps, and a round's Updates sent
 * under the API's Temporal deadline with the round's refusals (its validators' ApplicationFailure
 * types, workflows/admission-round/messages.ts) turned into AppErrors — the same way case Updates
 * are (app/workflow-calls.ts), so a client sees one vocabulary of statuses.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowUpdateOptions } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { findRound, type AdmissionRound, type RoundsFile } from '../domain/admission-rounds';
import { loadRoundsFiles, ROUNDS_DIR } from '../policy/round-files';
import { roundSettings, type RoundStarter } from '../temporal/admission-rounds';
import { admissionRoundWorkflowId, type RoundRefusal } from '../workflows/admission-round/messages';
import type { AppDeps } from './deps';
import { AppError, type AppRefusal } from './errors';
import { sendUpdate } from './workflow-calls';

/** The rounds files as they are now: read afresh, so a new year's file shows without a restart. */
export function roundsFilesOf(deps: AppDeps): RoundsFile[] {
  return loadRoundsFiles(deps.config.ROUNDS_DIR ?? ROUNDS_DIR);
}

export const noSuchRound = (): AppError => new AppError('not_found', 'round-not-found', 'No such admission round');

/** The round as its file announces it, or the 404 every front end shows for a round nobody announced. */
export function announcedRound(deps: AppDeps, roundId: string): { file: RoundsFile; round: AdmissionRound } {
  const found = findRound(roundsFilesOf(deps), roundId);
  if (!found) throw noSuchRound();
  return found;
}

/** What starting a round needs, from this process's config: the same settings the worker starts rounds with. */
export function roundStarter(deps: AppDeps): RoundStarter {
  return { client: deps.temporal, ...roundSettings(deps.config) };
}

/** Each refusal of the round's contract, as the API and pages answer it. */
const REFUSAL_ERRORS: Record<RoundRefusal, AppRefusal> = {
  RoundNotOpen: ['conflict', 'round-not-open'],
  RoundNotInNotice: ['conflict', 'round-not-in-notice'],
  EntryNotFound: ['not_found', 'entry-not-found'],
  EntryNotObjectable: ['conflict', 'entry-not-objectable'],
  ObjectionNotFound: ['not_found', 'objection-not-found'],
  ObjectionAlreadyResolved: ['conflict', 'objection-already-resolved'],
  ObjectionAlreadyLodged: ['conflict', 'objection-already-lodged'],
  WrongDistrict: ['unprocessable', 'wrong-district'],
};
const isRefusal = (type: string | undefined | null): type is RoundRefusal =>
  typeof type === 'string' && Object.hasOwn(REFUSAL_ERRORS, type);

/**
 * The AppError a round call's failure means, or undefined when it is no refusal (a fault).
 * `whenGone`: what a round with no running workflow means to this call — never started, or
 * finished (an Update to a completed workflow answers NOT_FOUND "already completed").
 */
export function roundRefusal(err: unknown, whenGone: () => AppError): AppError | undefined {
  if (err instanceof WorkflowNotFoundError) return whenGone();
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && isRefusal(cause.type)) {
      const [kind, code] = REFUSAL_ERRORS[cause.type];
      return new AppError(kind, code, cause.message);
    }
  }
  const e = err as { name?: string; message?: string; cause?: { code?: number } };
  if (e.name === 'ServiceError' && /already completed|closed/i.test(e.message ?? '') && e.cause?.code !== 14) return whenGone();
  return undefined;
}

/** Sends an Update to the round's workflow under the deadline; a refusal is thrown as its AppError. */
export async function updateRound<Ret, Args extends [unknown, ...unknown[]], Name extends string>(
  deps: AppDeps,
  roundId: string,
  update: UpdateDefinition<Ret, Args, Name>,
  options: WorkflowUpdateOptions & { args: Args },
  whenGone: () => AppError,
): Promise<Ret> {
  const handle = deps.temporal.workflow.getHandle(admissionRoundWorkflowId(roundId));
  try {
    return await sendUpdate(deps, () => handle.executeUpdate(update, options));
  } catch (err) {
    throw roundRefusal(err, whenGone) ?? err;
  }
}
