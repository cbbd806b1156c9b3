/**
 * What every officer's Update on a step shares (decide, claim, release): the call within the
 * API's Temporal deadline, a refusal audited and turned into an AppError, and the answer — the
 * step as the workflow now holds it, as the officer may see it (the read model may lag).
 */
import type { StepState } from '../../domain/case-state';
import type { Department } from '../../domain/vocabulary';
import { existingCase } from '../case-store';
import type { AppDeps } from '../deps';
import { officerView, type OfficerCaseView } from '../views/case-views';
import { withTemporalDeadline, workflowRefusal } from '../workflow-calls';

export async function officerStepUpdate(
  deps: AppDeps,
  caseId: string,
  department: Department,
  refused: (why: string) => Promise<void>,
  update: () => Promise<StepState>,
): Promise<OfficerCaseView['step']> {
  let step: StepState;
  try {
    step = await withTemporalDeadline(deps, update);
  } catch (err) {
    const refusal = workflowRefusal(err, { caseLoaded: true });
    if (!refusal) throw err;
    await refused(refusal.code);
    throw refusal;
  }
  const c = await existingCase(deps, caseId);
  return officerView({ ...c, steps: { ...c.steps, [department]: step } }, department).step;
}
