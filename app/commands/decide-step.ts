/**
 * An officer decides their department's step: approve, reject with a reason, or ask for
 * supplementary material (一次性告知). The workflow's Update validator has the last word; every
 * refused attempt is audited here too, since a refused Update never reaches the case's history
 * and an auditor must still see it (e.g. the officer who lost a concurrent decision).
 */
import { OFFICER_REASONS, reasonApplies } from '../../domain/codes';
import { decideUpdate, settlementCaseWorkflowId, type DecideInput } from '../../workflows/settlement-case/messages';
import type { OfficerActor } from '../actor';
import type { CaseRef } from '../case-store';
import { officerStepUpdate } from './officer-step-update';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import type { OfficerCaseView } from '../views/case-views';
import { auditRefusedAttempt } from './refused-attempt';

export type DecideStepInput = Omit<DecideInput, 'officerDepartment' | 'officerId'> & {
  actor: OfficerActor;
  caseId: string;
};

/** The step as the workflow holds it after the decision, as the officer may see it. */
export async function decideStep(deps: AppDeps, input: DecideStepInput): Promise<OfficerCaseView['step']> {
  const { actor, caseId, ...request } = input;
  const { department, requestId } = request;
  const refused = (why: string) =>
    auditRefusedAttempt(deps, caseId, requestId, {
      type: 'decision_refused',
      actor: { id: actor.sub, role: 'officer', department: actor.department },
      department,
      what: request.decision,
      why,
      data: { decision: request.decision, requestId },
    });

  const checkReason = ({ route }: CaseRef) => {
    if (!request.reasonCode || reasonApplies(route, department, request.reasonCode)) return;
    const allowed = OFFICER_REASONS[route][department];
    throw new AppError(
      'invalid',
      'validation-error',
      `${request.reasonCode} is not a reason the ${department} department gives on the ${route} route`,
      [
        {
          path: '/reasonCode',
          message: allowed.length ? `one of ${allowed.join(', ')}` : 'this department does not refuse on this route',
        },
      ],
    );
  };
  const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(caseId));
  return officerStepUpdate(deps, {
    actor,
    caseId,
    department,
    verb: 'decide',
    refused,
    checkCase: checkReason,
    answeredBefore: { requestId, ours: (s) => s.decision?.by === actor.sub && s.decision.kind === request.decision },
    update: () =>
      handle.executeUpdate(decideUpdate, {
        updateId: `decide:${actor.department}:${requestId}`,
        args: [{ ...request, officerDepartment: actor.department, officerId: actor.sub, officerScope: actor.scope }],
      }),
  });
}
