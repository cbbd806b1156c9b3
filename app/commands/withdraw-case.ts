/** The applicant withdraws their case; anything reserved for it is released (compensation). */
import { withdrawUpdate } from '../../workflows/settlement-case/messages';
import type { ApplicantActor } from '../actor';
import { ownCase } from '../case-store';
import type { AppDeps } from '../deps';
import { endedByThisRequest, updateCase } from '../workflow-calls';

export interface WithdrawCaseInput {
  actor: ApplicantActor;
  caseId: string;
  requestId: string;
  note?: string;
}

export async function withdrawCase(deps: AppDeps, input: WithdrawCaseInput): Promise<{ caseId: string; status: 'withdrawn' }> {
  const { actor, caseId, requestId, note } = input;
  await ownCase(deps, actor, caseId);
  try {
    await updateCase(deps, caseId, withdrawUpdate, {
      updateId: `withdraw:${actor.sub}:${requestId}`,
      args: [{ requestId, applicantUserId: actor.sub, ...(note ? { note } : {}) }],
    });
  } catch (err) {
    // A retry of a withdrawal that went through (its answer lost), after the case has ended: the same answer.
    if (!(await endedByThisRequest(deps, err, { caseId, requestId, status: 'withdrawn' }))) throw err;
  }
  return { caseId, status: 'withdrawn' };
}
