/**
 * "What was I sent": the notices of one of the applicant's cases addressed to them, oldest
 * first, as they were rendered. Staff notices of the same case (officer reminders, escalations)
 * go to department and supervisor inboxes and are never returned.
 */
import { noticeModel } from '../../models/notice.model';
import type { ApplicantActor } from '../actor';
import { ownCase } from '../case-store';
import type { AppDeps } from '../deps';
import { applicantNoticeView, type ApplicantNoticeView } from '../views/notice-views';

export async function applicantNotices(
  deps: AppDeps,
  input: { actor: ApplicantActor; caseId: string },
): Promise<ApplicantNoticeView[]> {
  await ownCase(deps, input.actor, input.caseId);
  const notices = await noticeModel(deps.mongo)
    .find({ caseId: input.caseId, 'recipient.kind': 'applicant' })
    .sort({ createdAt: 1, _id: 1 })
    .lean();
  return notices.map((n) => applicantNoticeView(n, deps.config.CALENDAR_DIR));
}
