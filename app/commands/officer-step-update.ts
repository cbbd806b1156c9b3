/**
 * What every officer's Update on a step shares (decide, claim, release): the call within the
 * API's Temporal deadline, a refusal audited and turned into an AppError, and the answer — the
 * step as the workflow now holds it, as the officer may see it (the read model may lag). The
 * answer is made from the workflow's step and the case the caller loaded before the Update: the
 * officer's view of a step depends on nothing else, so the case is not read a second time.
 */
import type { StepState } from '../../domain/case-state';
import type { Department } from '../../domain/vocabulary';
import type { LoadedCase } from '../case-store';
import type { AppDeps } from '../deps';
import { officerView, type OfficerCaseView } from '../views/case-views';
import { sendUpdate, workflowRefusal } from '../workflow-calls';

export async function officerStepUpdate(
  deps: AppDeps,
  loaded: LoadedCase,
  department: Department,
  refused: (why: string) => Promise<void>,
  update: () => Promise<StepState>,
): Promise<OfficerCaseView['step']> {
  let step: StepState;
  try {
    step = await sendUpdate(deps, update);
  } catch (err) {
    const refusal = workflowRefusal(err, { caseLoaded: true });
    if (!refusal) throw err;
    await refused(refusal.code);
    throw refusal;
  }
  return officerView({ ...loaded, steps: { ...loaded.steps, [department]: step } }, department).step;
}
