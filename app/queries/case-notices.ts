/**
 * The notices of one case as a supervisor sees them: every notice (to the applicant, the
 * departments, the supervisors), oldest first, with its delivery state. Addresses and bodies are
 * left out: the supervisor needs to know what was sent to whom and whether it went. The full
 * letter of a notice to the applicant is read on its own (noticeLetterForSupervisor, recorded),
 * to serve it by post or in person.
 */
import { noticeModel, type NoticeDoc } from '../../models/notice.model';
import { recordAccess, type AccessContext } from '../access-records/record-access';
import type { SupervisorActor } from '../actor';
import { existingCase } from '../case-store';
import type { AppDeps } from '../deps';
import type { NoticeStatus } from '../../domain/notice-delivery';
import { AppError } from '../errors';
import { withoutEmailLines } from '../../templates/email-only';

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
  /** It has a full letter to print (GET …/letter): a rendered notice to the applicant. */
  hasLetter: boolean;
}

/** The letter of a notice to the applicant, as rendered; undefined for staff notices and one that never rendered. */
function letterOf(n: NoticeDoc): string | undefined {
  const letter = n.recipient.kind === 'applicant' ? (n.channel === 'email' ? n.body : n.letter) : undefined;
  // A notice that never rendered keeps the schema's complaint as its body, not a letter.
  return letter?.startsWith('<!doctype html>') ? letter : undefined;
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
    hasLetter: letterOf(n) !== undefined,
  }));
}

/** A letter to the applicant as a supervisor prints it to serve by post or in person. */
export interface NoticeLetterView {
  noticeId: string;
  caseNumber: string;
  event: string;
  channel: string;
  locale: string;
  subject: string;
  status: NoticeStatus;
  /** The letter as rendered (HTML, escaped by our templates): an email's body, an SMS's letter. */
  letter: string;
}

/**
 * The full letter of a notice to the applicant, for service by another channel: when an SMS or
 * email could not be delivered, a decision letter still has to reach its addressee, on paper. The
 * read is recorded (`notice_letter`): the letter names the person. Staff notices, and an SMS
 * notice that never had a letter (not rendered), have none: not found.
 */
export async function noticeLetterForSupervisor(
  deps: AppDeps,
  input: { actor: SupervisorActor; caseId: string; noticeId: string; access?: AccessContext },
): Promise<NoticeLetterView> {
  const c = await existingCase(deps, input.caseId);
  const n = await noticeModel(deps.mongo).findOne({ _id: input.noticeId, caseId: input.caseId }).lean();
  const letter = n ? letterOf(n) : undefined;
  if (!n || !letter) throw new AppError('not_found', 'not-found', 'No letter to the applicant with this id in this case');
  await recordAccess(deps, { actor: input.actor, view: 'notice_letter', caseIds: [input.caseId], access: input.access });
  return {
    noticeId: n._id,
    caseNumber: c.caseNumber,
    event: n.event,
    channel: n.channel,
    locale: n.locale,
    subject: n.subject,
    status: n.status,
    // Printed on paper, a letter is no email.
    letter: withoutEmailLines(letter),
  };
}
