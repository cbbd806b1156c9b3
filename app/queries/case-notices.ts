/**
 * The notices of one case as a supervisor sees them: every notice (to the applicant, the
 * departments, the supervisors), oldest first, with its delivery state. Addresses and bodies are
 * left out: the supervisor needs to know what was sent to whom and whether it went.
 */
import { noticeModel } from '../../models/notice.model';
import { recordAccess, type AccessContext } from '../access-records/record-access';
import type { SupervisorActor } from '../actor';
import { existingCase } from '../case-store';
import type { AppDeps } from '../deps';
import type { NoticeStatus } from '../../domain/notice-delivery';

export interface SupervisorNoticeView {
  event: string;
  channel: string;
  recipient: string;
  department?: string;
  subject: string;
  status: NoticeStatus;
  createdAt: string;
  attempts?: number;
  lastError?: string;
  deliveredAt?: string;
  /** How it was served: its channel, or post / in person recorded by a supervisor. */
  servedBy?: string;
  /** The notice's id: what recording service by post / in person names. */
  noticeId: string;
}

export async function caseNoticesForSupervisor(
  deps: AppDeps,
  input: { actor: SupervisorActor; caseId: string; access?: AccessContext },
): Promise<SupervisorNoticeView[]> {
  await existingCase(deps, input.caseId);
  const docs = await noticeModel(deps.mongo).find({ caseId: input.caseId }).sort({ createdAt: 1, _id: 1 }).lean();
  await recordAccess(deps, { actor: input.actor, view: 'notices', caseIds: [input.caseId], access: input.access });
  return docs.map((n) => ({
    event: n.event,
    channel: n.channel,
    recipient: n.recipient.kind,
    ...(n.recipient.kind === 'department' ? { department: n.recipient.department } : {}),
    subject: n.subject,
    status: n.status,
    createdAt: n.createdAt.toISOString(),
    ...(n.attempts ? { attempts: n.attempts } : {}),
    ...(n.lastError ? { lastError: n.lastError } : {}),
    ...(n.deliveredAt ? { deliveredAt: n.deliveredAt.toISOString() } : {}),
    ...(n.service ? { servedBy: n.service.method } : {}),
    noticeId: n._id,
  }));
}
