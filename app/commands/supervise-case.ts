/**
 * A supervisor intervenes: on a step (extend its deadline, reassign it, escalate it, retry a
 * failing lookup, authorise another supplement round), or on the whole case (terminate it, with
 * every committed step released).
 */
import { supervisorActionUpdate, terminateUpdate, type SupervisorActionInput } from '../../workflows/settlement-case/messages';
import type { SupervisorActor } from '../actor';
import { caseArea, type OfficerScope } from '../../domain/officer-scope';
import { existingCase } from '../case-store';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { findOfficer, holderProblem } from '../officer-directory';
import { supervisorView, type SupervisorCaseView } from '../views/case-views';
import { endedByThisRequest, updateCase } from '../workflow-calls';

export type SuperviseStepInput = Omit<SupervisorActionInput, 'supervisorId'> & { actor: SupervisorActor; caseId: string };

/** The step after the action, as a supervisor sees it. */
export async function superviseStep(
  deps: AppDeps,
  input: SuperviseStepInput,
): Promise<SupervisorCaseView['steps'][number] | undefined> {
  const { actor, caseId, ...action } = input;
  const before = await existingCase(deps, caseId);
  // A step goes only to an officer the service knows, of that department, who acts where the case is.
  let officerScope: OfficerScope | undefined;
  if (action.action === 'reassign' && action.officerId) {
    const officer = await findOfficer(deps, action.officerId);
    const problem = holderProblem(officer, action.department, caseArea(before));
    if (problem)
      throw new AppError('invalid', 'validation-error', problem.message, [{ path: '/officerId', message: problem.message }]);
    officerScope = officer!.scope;
  }
  const step = await updateCase(deps, caseId, supervisorActionUpdate, {
    updateId: `action:${actor.sub}:${action.requestId}`,
    args: [{ ...action, ...(officerScope ? { officerScope } : {}), supervisorId: actor.sub }],
  });
  const c = await existingCase(deps, caseId);
  const view = supervisorView({ ...c, steps: { ...c.steps, [action.department]: step } });
  return view.steps.find((s) => s.department === action.department);
}

export interface TerminateCaseInput {
  actor: SupervisorActor;
  caseId: string;
  requestId: string;
  note: string;
}

export async function terminateCase(deps: AppDeps, input: TerminateCaseInput): Promise<{ caseId: string; status: 'terminated' }> {
  const { actor, caseId, requestId, note } = input;
  await existingCase(deps, caseId);
  try {
    await updateCase(deps, caseId, terminateUpdate, {
      updateId: `terminate:${actor.sub}:${requestId}`,
      args: [{ requestId, supervisorId: actor.sub, note }],
    });
  } catch (err) {
    // A retry of a termination that went through (its answer lost), after the case has ended: the same answer.
    if (!(await endedByThisRequest(deps, err, { caseId, requestId, status: 'terminated' }))) throw err;
  }
  return { caseId, status: 'terminated' };
}
