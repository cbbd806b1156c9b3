/** The applicant provides the supplementary material a department asked for (补正); the step goes back to its officer. */
import { provideSupplementUpdate, type ProvideSupplementInput } from '../../workflows/settlement-case/messages';
import type { ApplicantActor } from '../actor';
import { ownCase } from '../case-store';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { awaitSupplementInReadModel } from '../step-in-read-model';
import { applicantView, type ApplicantCaseView } from '../views/case-views';
import { updateCase } from '../workflow-calls';

export type ProvideSupplementCommand = Omit<ProvideSupplementInput, 'applicantUserId'> & {
  actor: ApplicantActor;
  caseId: string;
};

/** The case afterwards, as the applicant sees it: with the material provided (or, after a few seconds, as the read model has it). */
export async function provideSupplement(deps: AppDeps, input: ProvideSupplementCommand): Promise<ApplicantCaseView> {
  const { actor, caseId, requestId, department, items } = input;
  await ownCase(deps, actor, caseId);
  const step = await updateCase(deps, caseId, provideSupplementUpdate, {
    updateId: `supplement:${actor.sub}:${requestId}`,
    args: [{ requestId, department, applicantUserId: actor.sub, items }],
  }).catch((err: unknown) => {
    // The workflow says which item is wrong; the client is also told the field it is in.
    if (err instanceof AppError && err.code === 'invalid-supplement' && !err.invalidParams?.length)
      throw new AppError(err.kind, err.code, err.message, [{ path: '/items', message: err.message }]);
    throw err;
  });
  // The answer (and the page after it) is drawn from the read model, which follows the workflow a
  // moment later: wait, bounded, until it shows the material provided (app/step-in-read-model.ts).
  await awaitSupplementInReadModel(deps, caseId, step);
  // A case that takes material is open: no decision yet, no appeal rights to state.
  return applicantView(await ownCase(deps, actor, caseId));
}
