/**
 * POST /supervisor/cases/:caseId/notices/service (issue 14): the case page's form to record that
 * a notice which could not be delivered was served by post or in person — the same command as
 * the JSON API's (app/commands/manual-service.ts). The time is a local Beijing time (UTC+8).
 */
import type { Request, Response } from 'express';
import { recordManualService } from '../../../app/commands/manual-service';
import type { AppDeps } from '../../../app/deps';
import { AppError } from '../../../app/errors';
import { MANUAL_SERVICE_METHODS, type ManualServiceMethod } from '../../../domain/notice-delivery';
import { label } from '../../../i18n/labels';
import { caseIdOf } from '../officer/case';
import { actorOf, flashAndRedirect, tr } from '../page';
import { supervisorCasePage } from './case';

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

export async function noticeServicePage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req, 'supervisor');
  const caseId = caseIdOf(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const text = (k: string) => (typeof body[k] === 'string' ? body[k].trim() : '');
  const method = MANUAL_SERVICE_METHODS.find((m) => m === text('method'));
  const servedAt = text('servedAt');
  const note = text('note');
  const errors = [
    ...(method ? [] : [{ field: 'service-method', text: tr(req, 'supServiceErrMethod') }]),
    ...(LOCAL_TIME.test(servedAt) ? [] : [{ field: 'service-at', text: tr(req, 'supServiceErrAt') }]),
    ...(note && note.length <= 500 ? [] : [{ field: 'service-note', text: tr(req, 'supServiceErrNote') }]),
  ];
  if (errors.length) return supervisorCasePage(deps, req, res, { errors, status: 400 });
  try {
    await recordManualService(deps, {
      actor,
      caseId,
      noticeId: text('noticeId'),
      method: method as ManualServiceMethod,
      servedAt: `${servedAt}:00+08:00`,
      note,
    });
  } catch (err) {
    if (!(err instanceof AppError) || err.kind === 'not_found') throw err;
    return supervisorCasePage(deps, req, res, {
      refusal: tr(req, 'supRefused', { detail: err.message }),
      status: err.kind === 'conflict' ? 409 : 400,
    });
  }
  const done = tr(req, 'supServiceDone', { method: label('serviceMethod', method!, req.locale) });
  return flashAndRedirect(req, res, done, `/supervisor/cases/${caseId}#notices`);
}
