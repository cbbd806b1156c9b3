/** The applicant's own cases, newest first, a page at a time (cursor: submittedAt and id of the last). */
import { trusted } from 'mongoose';
import { caseModel } from '../../models/case.model';
import type { ApplicantActor } from '../actor';
import type { AppDeps } from '../deps';
import { decodeCursor, InstantAndId, pageOf, type Page } from '../page-cursor';
import { applicantSummary, type ApplicantCaseSummary } from '../views/case-views';

export interface OwnCasesInput {
  actor: ApplicantActor;
  limit: number;
  cursor?: string;
}

export async function ownCases(deps: AppDeps, input: OwnCasesInput): Promise<Page<ApplicantCaseSummary>> {
  const filter: Record<string, unknown> = { applicantUserId: input.actor.sub };
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor, InstantAndId);
    filter.$or = [{ submittedAt: trusted({ $lt: at }) }, { submittedAt: at, _id: trusted({ $lt: id }) }];
  }
  const docs = await caseModel(deps.mongo)
    .find(filter)
    .sort({ submittedAt: -1, _id: -1 })
    .limit(input.limit + 1)
    .lean();
  return pageOf(docs, input.limit, applicantSummary, (c) => [c.submittedAt, c._id]);
}
