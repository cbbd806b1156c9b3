/**
 * Material handed in at a department's counter (补正, 窗口提交): the supplement letter offers it
 * beside the online form, so the department's officer records it on the applicant's behalf, and
 * the step goes back to that department's officers exactly as after an online answer. Without it
 * a case whose applicant came to the counter would lapse as unanswered (§ supplement deadline).
 */
import type { Department } from '../../domain/vocabulary';
import { provideSupplementUpdate, settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import type { OfficerActor } from '../actor';
import type { AppDeps } from '../deps';
import { awaitSupplementInReadModel } from '../step-in-read-model';
import type { OfficerCaseView } from '../views/case-views';
import { officerStepUpdate } from './officer-step-update';
import { auditRefusedAttempt } from './refused-attempt';

export interface CounterSupplementInput {
  actor: OfficerActor;
  caseId: string;
  department: Department;
  /** Idempotency key: the same receipt recorded twice has one effect. */
  requestId: string;
  /** Each item asked for, with what was handed in (e.g. the certificate's number). */
  items: Array<{ name: string; reference: string }>;
}

/** The step after the receipt, as the officer may see it: back with their department. */
export async function recordCounterSupplement(deps: AppDeps, input: CounterSupplementInput): Promise<OfficerCaseView['step']> {
  const { actor, caseId, department, requestId, items } = input;
  const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(caseId));
  const step = await officerStepUpdate(deps, {
    actor,
    caseId,
    department,
    verb: 'receive material for',
    refused: (why) =>
      auditRefusedAttempt(deps, caseId, `counter:${requestId}`, {
        type: 'decision_refused',
        actor: { id: actor.sub, role: 'officer', department: actor.department },
        department,
        what: 'material received at the counter',
        why,
        data: { requestId },
      }),
    update: () =>
      handle.executeUpdate(provideSupplementUpdate, {
        updateId: `supplement:counter:${actor.department}:${actor.sub}:${requestId}`,
        args: [
          {
            requestId: `counter:${requestId}`,
            department,
            items,
            receivedAtCounter: { officerId: actor.sub, officerDepartment: actor.department, officerScope: actor.scope },
          },
        ],
      }),
  });
  await awaitSupplementInReadModel(deps, caseId, { department, supplement: step.supplement });
  return step;
}
