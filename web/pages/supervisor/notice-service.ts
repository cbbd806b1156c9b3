/**
 * POST /supervisor/cases/:caseId/notices/service (issue 14): the case page's form to record that
 * a notice which could not be delivered was served by post or in person — the same command as
 * the JSON API's (app/commands/manual-service.ts). The time is a local Beijing time (UTC+8): a
 * real calendar time, not in the future. A problem is named next to its field in the form of
 * the notice it was posted for; a notice that is not the case's answers 404.
 */
import type { Request, Response } from 'express';
import { ManualServiceInput, recordManualService } from '../../../app/commands/manual-service';
import type { AppDeps } from '../../../app/deps';
import { AppError } from '../../../app/errors';
import { caseNoticesForSupervisor, noticeLetterForSupervisor } from '../../../app/queries/case-notices';
import { MANUAL_SERVICE_METHODS, type ManualServiceMethod } from '../../../domain/notice-delivery';
import { label } from '../../../i18n/labels';
import { letterText } from '../applicant/letter-text';
import { caseIdOf } from '../officer/case';
import { accessOf, actorOf, flashAndRedirect, render, showMessage, tr } from '../page';
import { serviceFieldId, supervisorCasePage, type ServiceForm } from './case';

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const NOTE_MAX = 500;
/** A clock a minute fast is not "the future". */
const CLOCK_SKEW_MS = 60_000;

/** The instant a local Beijing time names, or undefined when it names none (Feb 30, 25:61). */
function beijingInstant(local: string): string | undefined {
  if (!LOCAL_TIME.test(local)) return undefined;
  const iso = `${local}:00+08:00`;
  return ManualServiceInput.shape.servedAt.safeParse(iso).success ? iso : undefined;
}

export async function noticeServicePage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req, 'supervisor');
  const caseId = caseIdOf(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const text = (k: string) => (typeof body[k] === 'string' ? body[k].trim() : '');
  const form: ServiceForm = {
    noticeId: text('noticeId'),
    method: text('method'),
    servedAt: text('servedAt'),
    note: text('note'),
  };
  const notices = await caseNoticesForSupervisor(deps, { actor, caseId, access: accessOf(req) });
  const index = notices.findIndex((n) => n.noticeId === form.noticeId);
  if (index < 0) return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
  // Only a failed notice has the form; a delivered one is refused in words (or, served so already, done again).
  const method = MANUAL_SERVICE_METHODS.find((m) => m === form.method);
  const servedAt = beijingInstant(form.servedAt);
  if (notices[index]!.status === 'failed') {
    const errors = [
      ...(method ? [] : [{ field: serviceFieldId(index, 'method'), text: tr(req, 'supServiceErrMethod') }]),
      ...(servedAt
        ? Date.parse(servedAt) > Date.now() + CLOCK_SKEW_MS
          ? [{ field: serviceFieldId(index, 'at'), text: tr(req, 'supServiceErrAtFuture') }]
          : []
        : [{ field: serviceFieldId(index, 'at'), text: tr(req, 'supServiceErrAt') }]),
      ...(form.note && form.note.length <= NOTE_MAX
        ? []
        : [{ field: serviceFieldId(index, 'note'), text: tr(req, 'supServiceErrNote') }]),
    ];
    if (errors.length) return supervisorCasePage(deps, req, res, { errors, service: form, status: 400 });
  } else if (!method || !servedAt || !form.note || form.note.length > NOTE_MAX) {
    return supervisorCasePage(deps, req, res, { refusal: tr(req, 'supServiceNotFailed'), status: 409 });
  }
  try {
    await recordManualService(deps, {
      actor,
      caseId,
      noticeId: form.noticeId,
      method: method as ManualServiceMethod,
      servedAt: servedAt!,
      note: form.note,
    });
  } catch (err) {
    if (!(err instanceof AppError) || err.kind === 'not_found') throw err;
    return supervisorCasePage(deps, req, res, {
      refusal: err.code === 'notice-not-failed' ? tr(req, 'supServiceNotFailed') : tr(req, 'supRefused', { detail: err.message }),
      status: err.kind === 'conflict' ? 409 : 422,
    });
  }
  const done = tr(req, 'supServiceDone', { method: label('serviceMethod', method!, req.locale) });
  return flashAndRedirect(req, res, done, `/supervisor/cases/${caseId}#notices`);
}

/**
 * GET /supervisor/cases/:caseId/letter?notice=<id>: the full letter of a notice the applicant did
 * not receive, to print (the browser's print, Ctrl+P) and serve by post or in person before the
 * service is recorded above. The same query as the API's …/notices/{noticeId}/letter.
 */
export async function noticeLetterPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req, 'supervisor');
  const caseId = caseIdOf(req);
  const noticeId = typeof req.query.notice === 'string' ? req.query.notice : '';
  if (!noticeId || noticeId.length > 300) return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
  const n = await noticeLetterForSupervisor(deps, { actor, caseId, noticeId, access: accessOf(req) });
  render(req, res, 'supervisor/notice-letter', {
    title: n.subject,
    backLink: { href: `/supervisor/cases/${caseId}#notices`, text: tr(req, 'supBackToCase') },
    n,
    channel: label('channel', n.channel, req.locale),
    text: letterText(n.letter),
  });
}
