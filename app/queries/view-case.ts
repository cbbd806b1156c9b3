/**
 * One case as each role may see it (app/views/case-views.ts), after checking they may see it at
 * all. A staff member's view is recorded (app/access-records) before it is returned.
 */
import { recordAccess, type AccessContext } from '../access-records/record-access';
import { caseAppealPeriods } from '../appeal-periods';
import type { ApplicantActor, OfficerActor, SupervisorActor } from '../actor';
import { departmentCase, existingCase, ownCase } from '../case-store';
import type { AppDeps } from '../deps';
import {
  applicantView,
  officerView,
  supervisorView,
  type ApplicantCaseView,
  type OfficerCaseView,
  type SupervisorCaseView,
} from '../views/case-views';

interface ViewCaseInput<A> {
  actor: A;
  caseId: string;
  /** The door's part of the access record (API, web page; purpose when given). */
  access?: AccessContext;
}

/** The applicant's own case: status per department, deadlines, score breakdown, reservations. */
export async function viewCaseAsApplicant(deps: AppDeps, input: ViewCaseInput<ApplicantActor>): Promise<ApplicantCaseView> {
  const c = await ownCase(deps, input.actor, input.caseId);
  return applicantView(c, caseAppealPeriods(deps, c.outcome));
}

/** The officer's department's step in full, the other steps' status only. */
export async function viewCaseAsOfficer(deps: AppDeps, input: ViewCaseInput<OfficerActor>): Promise<OfficerCaseView> {
  const view = officerView(await departmentCase(deps, input.actor, input.caseId), input.actor.department);
  await recordAccess(deps, { actor: input.actor, view: 'officer_case', caseIds: [input.caseId], access: input.access });
  return view;
}

/**
 * The same view to check a form against, shown to no one: no access record (a page that then shows
 * the case, or the confirmation it leads to, records its own read).
 */
export async function officerViewForCheck(deps: AppDeps, actor: OfficerActor, caseId: string): Promise<OfficerCaseView> {
  return officerView(await departmentCase(deps, actor, caseId), actor.department);
}

export async function viewCaseAsSupervisor(deps: AppDeps, input: ViewCaseInput<SupervisorActor>): Promise<SupervisorCaseView> {
  const c = await existingCase(deps, input.caseId);
  const view = supervisorView(c, caseAppealPeriods(deps, c.outcome));
  await recordAccess(deps, { actor: input.actor, view: 'supervisor_case', caseIds: [input.caseId], access: input.access });
  return view;
}
