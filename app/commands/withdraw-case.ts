/** The applicant withdraws their case; anything reserved for it is released (compensation). */
import { withdrawUpdate } from '../../workflows/settlement-case/messages';
import type { ApplicantActor } from '../actor';
import { ownCase } from '../case-store';
import type { AppDeps } from '../deps';
import { updateCase } from '../workflow-calls';

export interface WithdrawCaseInput {
  actor: ApplicantActor;
  caseId: string;
  requestId: string;
  note?: string;
}

export async function withdrawCase(deps: AppDeps, input: WithdrawCaseInput): Promise<{ caseId: string; status: 'withdrawn' }> {
  const { actor, caseId, requestId, note } = input;
  await ownCase(deps, actor, caseId);
  await updateCase(deps, caseId, withdrawUpdate, {
    updateId: `withdraw:${actor.sub}:${requestId}`,
    args: [{ requestId, applicantUserId: actor.sub, ...(note ? { note } : {}) }],
  });
  return { caseId, status: 'withdrawn' };
}
