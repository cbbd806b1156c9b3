/**
 * The read query behind "what was I sent": the notices of one case addressed to its applicant,
 * oldest first. Staff notices of the same case (officer reminders, escalations) go to department
 * and supervisor inboxes and are never returned. The caller checks the case is the applicant's.
 */
import { noticeModel, type NoticeDoc } from '../../models/notice.model';
import type { ApiDeps } from '../deps';

export async function listApplicantNotices(deps: ApiDeps, caseId: string): Promise<NoticeDoc[]> {
  return noticeModel(deps.mongo).find({ caseId, 'recipient.kind': 'applicant' }).sort({ createdAt: 1, _id: 1 }).lean();
}
