/**
 * Reading one case: the read model first, the live workflow while it has not been projected
 * yet; and who may read it. An applicant reaches only their own cases and an officer only cases
 * in their scope (app/officer-scope.ts) with a step of their department: anything else answers
 * exactly like a missing case.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Area } from '../domain/capacity';
import type { CaseState } from '../domain/case-state';
import { caseModel, type CaseDoc } from '../models/case.model';
import { caseStatusQuery, settlementCaseWorkflowId } from '../workflows/settlement-case/messages';
import type { ApplicantActor, OfficerActor } from './actor';
import type { AppDeps } from './deps';
import { noSuchCase } from './errors';
import { caseArea, inScope } from './officer-scope';
import { withTemporalDeadline } from './workflow-calls';

export type LoadedCase = CaseState & Partial<Pick<CaseDoc, 'overdue' | 'anonymisedAt' | 'retentionClass'>>;

export async function loadCase(deps: AppDeps, caseId: string): Promise<LoadedCase | undefined> {
  const doc = await caseModel(deps.mongo).findById(caseId).lean();
  // Documents projected before caseId was stored carry it only as _id.
  if (doc) return { ...doc, caseId: doc._id };
  return liveCase(deps, caseId);
}

/** Submitted a moment ago: the first projection may still be on its way, so the workflow answers. */
async function liveCase(deps: AppDeps, caseId: string): Promise<LoadedCase | undefined> {
  try {
    return await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.getHandle(settlementCaseWorkflowId(caseId)).query(caseStatusQuery),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export async function existingCase(deps: AppDeps, caseId: string): Promise<LoadedCase> {
  const c = await loadCase(deps, caseId);
  if (!c) throw noSuchCase();
  return c;
}

/** The applicant's own case; another person's case is "no such case", so ids cannot be probed. */
export async function ownCase(deps: AppDeps, actor: ApplicantActor, caseId: string): Promise<LoadedCase> {
  const c = await loadCase(deps, caseId);
  if (!c || c.applicantUserId !== actor.sub) throw noSuchCase();
  return c;
}

/**
 * A case in the officer's scope: another district's case answers exactly like a missing one (404,
 * the same words), so an officer cannot learn that it exists.
 */
export async function scopedCase(deps: AppDeps, actor: OfficerActor, caseId: string): Promise<LoadedCase> {
  const c = await loadCase(deps, caseId);
  if (!c || !inScope(actor.scope, caseArea(c))) throw noSuchCase();
  return c;
}

/** What an officer's command needs of a case before the workflow decides: where it is and its route. */
export interface CaseRef {
  caseId: string;
  route: CaseState['application']['route'];
  /** The read model's `area`: district (points route) or town (town route). */
  area: string;
}

/**
 * scopedCase for a command whose answer comes from the workflow (decide, claim, release, place a
 * child): the same refusal, but only the case's route and area are read. The rest of the document
 * — the sealed personal fields above all — is neither fetched nor opened: the workflow's
 * validator checks the step, and the answer is made from what the Update returns.
 */
export async function scopedCaseRef(deps: AppDeps, actor: OfficerActor, caseId: string): Promise<CaseRef> {
  const doc = await caseModel(deps.mongo).findById(caseId).select({ route: 1, area: 1 }).lean();
  const live = doc ? undefined : await liveCase(deps, caseId);
  const ref: CaseRef | undefined = doc
    ? { caseId, route: doc.route, area: doc.area }
    : live && { caseId, route: live.application.route, area: caseArea(live) ?? '' };
  if (!ref || !inScope(actor.scope, (ref.area || undefined) as Area | undefined)) throw noSuchCase();
  return ref;
}

/** A case in the officer's scope with a step of their department; one without is no case of theirs. */
export async function departmentCase(deps: AppDeps, actor: OfficerActor, caseId: string): Promise<LoadedCase> {
  const c = await scopedCase(deps, actor, caseId);
  if (!c.steps[actor.department]) throw noSuchCase('No such case for your department');
  return c;
}
