/**
 * "What was I sent": the notices of one of the applicant's cases addressed to them, oldest
 * first, as they were rendered. Staff notices of the same case (officer reminders, escalations)
 * go to department and supervisor inboxes and are never returned.
 */
import { noticeModel } from '../../models/notice.model';
import { caseAppealPeriods } from '../appeal-periods';
import type { ApplicantActor } from '../actor';
import { ownCase } from '../case-store';
import type { AppDeps } from '../deps';
import { applicantNoticeView, type ApplicantNoticeView } from '../views/notice-views';

export async function applicantNotices(
  deps: AppDeps,
  input: { actor: ApplicantActor; caseId: string },
): Promise<ApplicantNoticeView[]> {
  const c = await ownCase(deps, input.actor, input.caseId);
  const notices = await noticeModel(deps.mongo)
    .find({ caseId: input.caseId, 'recipient.kind': 'applicant' })
    .sort({ createdAt: 1, _id: 1 })
    .lean();
  // The deadlines count the periods the decision letter states, read as the letter was.
  const periods = caseAppealPeriods(deps, c.outcome);
  return notices.map((n) => applicantNoticeView(n, deps.config.CALENDAR_DIR, periods));
}
