/**
 * An officer gives up a step they hold (issue 10, officer workbench): any officer of the
 * department may then claim or decide it again. Only the holder releases it; a supervisor moves
 * a step someone else holds by reassigning it.
 */
import type { OfficerCaseView } from '../views/case-views';
import type { AppDeps } from '../deps';
import { changeStepHold, type StepHoldRequest } from './step-hold';

export type ReleaseStepInput = StepHoldRequest;

/** The step as the workflow holds it after the release; 409 `step-held-by-other` when another officer holds it, `step-not-held` when nobody does. */
export function releaseStep(deps: AppDeps, input: ReleaseStepInput): Promise<OfficerCaseView['step']> {
  return changeStepHold(deps, 'release', input);
}
