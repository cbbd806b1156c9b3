/**
 * What claiming and releasing a step share (issue 10, officer workbench; claim-step.ts and
 * release-step.ts): the Update and the audit of a refused attempt (the department and scope
 * checks are officer-step-update.ts's, shared with decisions). The workflow's validator has the
 * last word (who holds the step is its state, not the read model's).
 */
import type { Department } from '../../domain/vocabulary';
import { claimStepUpdate, releaseStepUpdate, settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import type { OfficerActor } from '../actor';
import { officerStepUpdate } from './officer-step-update';
import type { AppDeps } from '../deps';
import type { OfficerCaseView } from '../views/case-views';
import { auditRefusedAttempt } from './refused-attempt';

export interface StepHoldRequest {
  actor: OfficerActor;
  caseId: string;
  department: Department;
  /** Idempotency key: the same request delivered twice has one effect. */
  requestId: string;
  /** Why, for the audit trail (officer-internal). */
  note?: string;
}

const UPDATES = { claim: claimStepUpdate, release: releaseStepUpdate };
const REFUSED = { claim: 'step_claim_refused', release: 'step_release_refused' } as const;

/** The step after the claim or release, as the officer may see it. */
export async function changeStepHold(
  deps: AppDeps,
  kind: 'claim' | 'release',
  input: StepHoldRequest,
): Promise<OfficerCaseView['step']> {
  const { actor, caseId, department, requestId, note } = input;
  const refused = (why: string) =>
    auditRefusedAttempt(deps, caseId, `${kind}:${requestId}`, {
      type: REFUSED[kind],
      actor: { id: actor.sub, role: 'officer', department: actor.department },
      department,
      what: kind,
      why,
      data: { requestId },
    });

  const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(caseId));
  return officerStepUpdate(deps, {
    actor,
    caseId,
    department,
    verb: kind,
    refused,
    update: () =>
      handle.executeUpdate(UPDATES[kind], {
        updateId: `${kind}:${actor.department}:${requestId}`,
        args: [
          {
            requestId,
            department,
            officerDepartment: actor.department,
            officerId: actor.sub,
            officerScope: actor.scope,
            ...(note ? { note } : {}),
          },
        ],
      }),
  });
}
