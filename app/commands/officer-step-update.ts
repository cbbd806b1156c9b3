/**
 * What every officer's Update on a step shares (decide, claim, release): the call within the
 * API's Temporal deadline, a refusal audited and turned into an AppError, and the answer — the
 * step as the workflow now holds it, as the officer may see it (the read model may lag). The
 * officer's view of their own step depends on the step alone, so the answer needs nothing of the
 * case beyond what the Update returns.
 *
 * The Update carries the officer's scope and the workflow refuses a case outside it (NotInScope),
 * so an accepted Update reads nothing first: a decision is one round trip to Temporal (issue 12
 * item 6). A refused one reads the case (scopedCaseRef) before it answers, so that a missing case,
 * or another area's, is "no such case" exactly as before, with nothing audited: audit lines belong
 * to real cases, and an officer out of scope must not learn that the case exists.
 */
import type { StepState } from '../../domain/case-state';
import type { Department } from '../../domain/vocabulary';
import type { OfficerActor } from '../actor';
import { scopedCaseRef, type CaseRef } from '../case-store';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { officerStepView, type OfficerCaseView } from '../views/case-views';
import { earlierAnswer, sendUpdate, workflowRefusal } from '../workflow-calls';

export interface OfficerStepCall {
  actor: OfficerActor;
  caseId: string;
  /** The step's department: another department's officer is refused (403, audited) before any Update. */
  department: Department;
  /** What the officer tries, for the refusal's message ("cannot decide the … step"). */
  verb: 'decide' | 'claim' | 'release' | 'receive material for';
  /** Audits a refused attempt (why: the refusal's code). */
  refused: (why: string) => Promise<void>;
  /** Sends the Update, with the officer's scope in its input. */
  update: () => Promise<StepState>;
  /** What the request must satisfy on this case (e.g. a reason of its route); throws an AppError. */
  checkCase?: (ref: CaseRef) => void;
  /**
   * The request as the workflow keeps it, when a retry that finds the case ended should get the
   * first answer (a decision that ended the case): the key, and whether an answer is this officer's.
   */
  answeredBefore?: { requestId: string; ours: (step: StepState) => boolean };
}

export async function officerStepUpdate(deps: AppDeps, call: OfficerStepCall): Promise<OfficerCaseView['step']> {
  const { actor, department } = call;
  if (department !== actor.department) {
    // A made-up case id, or another district's case, is "no such case" before anything is
    // audited: the read comes first here, as for a refused Update below.
    call.checkCase?.(await scopedCaseRef(deps, actor, call.caseId));
    await call.refused('wrong_department');
    throw new AppError(
      'forbidden',
      'wrong-department',
      `A ${actor.department} officer cannot ${call.verb} the ${department} step`,
    );
  }
  let step: StepState;
  try {
    step = await sendUpdate(deps, call.update);
  } catch (err) {
    const refusal = workflowRefusal(err, { caseLoaded: true });
    if (!refusal) throw err;
    const ref = await scopedCaseRef(deps, actor, call.caseId);
    call.checkCase?.(ref);
    if (refusal.code === 'case-not-open' && call.answeredBefore) {
      const before = (await earlierAnswer(deps, call.caseId, call.answeredBefore.requestId)) as StepState | undefined;
      if (before && call.answeredBefore.ours(before)) return officerStepView(before);
    }
    // NotInScope (the read model and the workflow agree on the area, so scopedCaseRef has said it).
    if (refusal.code === 'not-found') throw refusal;
    await call.refused(refusal.code);
    throw refusal;
  }
  return officerStepView(step);
}
