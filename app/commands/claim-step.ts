/**
 * An officer claims their department's step (issue 10, officer workbench): the step then shows
 * who holds it and since when, and no other officer decides it until the holder releases it or
 * a supervisor reassigns it. Claiming a step you hold already changes nothing.
 */
import type { OfficerCaseView } from '../views/case-views';
import type { AppDeps } from '../deps';
import { changeStepHold, type StepHoldRequest } from './step-hold';

export type ClaimStepInput = StepHoldRequest;

/** The step as the workflow holds it after the claim; 409 `step-held-by-other` when another officer holds it. */
export function claimStep(deps: AppDeps, input: ClaimStepInput): Promise<OfficerCaseView['step']> {
  return changeStepHold(deps, 'claim', input);
}
