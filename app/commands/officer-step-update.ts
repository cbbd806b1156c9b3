/**
 * What every officer's Update on a step shares (decide, claim, release): the call within the
 * API's Temporal deadline, a refusal audited and turned into an AppError, and the answer — the
 * step as the workflow now holds it, as the officer may see it (the read model may lag). The
 * officer's view of their own step depends on the step alone, so the answer needs nothing of the
 * case beyond what the Update returns: the caller reads only what it checks (scopedCaseRef).
 */
import type { StepState } from '../../domain/case-state';
import type { AppDeps } from '../deps';
import { officerStepView, type OfficerCaseView } from '../views/case-views';
import { sendUpdate, workflowRefusal } from '../workflow-calls';

export async function officerStepUpdate(
  deps: AppDeps,
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
  return officerStepView(step);
}
