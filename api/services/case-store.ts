/** Reading cases for the API: the read model first, the live workflow while it has not been projected yet. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { CaseState } from '../../domain/case-view';
import { caseModel, type CaseDoc } from '../../models/case.model';
import { caseStatusQuery, settlementCaseWorkflowId } from '../../workflows/settlement-case.messages';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { withTemporalDeadline } from './temporal-call';

export type LoadedCase = CaseState & Partial<Pick<CaseDoc, 'overdue'>>;

export async function loadCase(deps: ApiDeps, caseId: string): Promise<LoadedCase | undefined> {
  const doc = await caseModel(deps.mongo).findById(caseId).lean();
  // Documents projected before caseId was stored carry it only as _id.
  if (doc) return { ...doc, caseId: doc._id };
  // Submitted a moment ago: the first projection may still be on its way.
  try {
    return await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.getHandle(settlementCaseWorkflowId(caseId)).query(caseStatusQuery),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** Another person's case answers exactly like a missing one (404), so case ids cannot be probed. */
export async function loadOwnCase(deps: ApiDeps, caseId: string, applicantUserId: string): Promise<LoadedCase> {
  const c = await loadCase(deps, caseId);
  if (!c || c.applicantUserId !== applicantUserId) throw new HttpProblem(404, 'not-found', 'No such case');
  return c;
}

export async function loadCaseOr404(deps: ApiDeps, caseId: string): Promise<LoadedCase> {
  const c = await loadCase(deps, caseId);
  if (!c) throw new HttpProblem(404, 'not-found', 'No such case');
  return c;
}
