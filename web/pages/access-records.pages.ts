/**
 * The access records as pages (issue 15 part 3): supervisors and auditors search them by case id
 * or user id (app/queries/access-records.ts, as the JSON API does). Also the operator's home: a
 * pointer to the Temporal UI, where they read histories through the codec server.
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../app/deps';
import { accessRecords } from '../../app/queries/access-records';
import { caseNumbersOf, findCaseByNumber, normaliseCaseNumber } from '../../app/queries/find-case';
import { ACCESS_DOORS, ACCESS_VIEWS } from '../../app/access-records/record-access';
import { roundName } from '../../i18n/formats';
import { label } from '../../i18n/labels';
import { message, type MessageKey } from '../../i18n/messages';
import { render, requireAnyRole, requireRole, showMessage, tr } from './page';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAGE_SIZE = 50;
/** A list view's record names every case it showed: the first few are listed, with the count. */
const CASES_SHOWN = 3;
const ACCESS_VIEW_SET = new Set<string>(ACCESS_VIEWS);
const ACCESS_DOOR_SET = new Set<string>(ACCESS_DOORS);
const ROLE_TEXT: Record<string, MessageKey> = {
  officer: 'roleOfficer',
  supervisor: 'roleSupervisor',
  auditor: 'roleAuditor',
  operator: 'roleOperator',
};

const field = (v: unknown, max: number): string => (typeof v === 'string' ? v.trim().slice(0, max) : '');

async function accessRecordsPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = req.actor;
  if (!actor || (actor.role !== 'supervisor' && actor.role !== 'auditor'))
    throw new Error('access records page without its guard');
  const typed = field(req.query.caseId, 64);
  const userId = field(req.query.userId, 128);
  const cursor = field(req.query.cursor, 200) || undefined;
  const searched = Boolean(typed || userId || req.query.caseId !== undefined);
  const title = tr(req, 'accessTitle');
  if (!searched) return render(req, res, 'audit/access-records', { title, caseId: typed, userId, searched: false });
  // A case by its number (受理编号), as a complaint or a letter quotes it, or by its id.
  const caseNumber = typed ? normaliseCaseNumber(typed) : undefined;
  let caseId = caseNumber ? undefined : typed.toLowerCase();
  if (caseNumber) caseId = (await findCaseByNumber(deps, { actor, caseNumber }))?.caseId;
  const caseProblem = !typed
    ? undefined
    : caseNumber && !caseId
      ? tr(req, 'supFindNone', { caseNumber })
      : !caseNumber && !UUID.test(caseId ?? '')
        ? tr(req, 'accessNotACase')
        : undefined;
  if (caseProblem)
    return render(
      req,
      res,
      'audit/access-records',
      { title, caseId: typed, userId, errors: [{ field: 'caseId', text: caseProblem }], needOne: caseProblem },
      400,
    );
  if (!caseId && !userId) {
    const needOne = tr(req, 'accessNeedOne');
    return render(req, res, 'audit/access-records', { title, errors: [{ field: 'caseId', text: needOne }], needOne }, 400);
  }
  const page = await accessRecords(deps, {
    actor,
    limit: PAGE_SIZE,
    ...(caseId ? { caseId } : {}),
    ...(userId ? { userId } : {}),
    ...(cursor ? { cursor } : {}),
  });
  const next = page.nextCursor
    ? `/audit/access-records?${new URLSearchParams({ caseId: typed, userId, cursor: page.nextCursor }).toString()}`
    : undefined;
  // Cases by the number a complaint quotes, not by id; a supervisor may open each.
  const shown = (r: (typeof page.items)[number]) => r.caseIds.slice(0, CASES_SHOWN);
  const numbers = await caseNumbersOf(deps, { actor, caseIds: page.items.flatMap(shown) });
  render(req, res, 'audit/access-records', {
    title,
    caseId: typed,
    userId,
    searched: true,
    items: page.items.map((r) => ({
      ...r,
      roleText: ROLE_TEXT[r.actor.role] ? message(req.locale, ROLE_TEXT[r.actor.role]!) : r.actor.role,
      viewText: ACCESS_VIEW_SET.has(r.view) ? label('accessView', r.view, req.locale) : r.view,
      viaText: r.via && ACCESS_DOOR_SET.has(r.via) ? label('accessDoor', r.via, req.locale) : r.via,
      // A round's objections name no case: the round, by its name.
      cases: r.roundId
        ? [
            {
              text: roundName(r.roundId, req.locale),
              ...(actor.role === 'supervisor' ? { href: `/supervisor/rounds/${encodeURIComponent(r.roundId)}` } : {}),
            },
          ]
        : shown(r).map((id) => ({
            text: numbers.get(id) ?? id,
            ...(actor.role === 'supervisor' && numbers.has(id) ? { href: `/supervisor/cases/${id}` } : {}),
          })),
      moreCases: r.caseIds.length > CASES_SHOWN ? r.caseIds.length : undefined,
      shortHash: r.hash.slice(0, 16),
    })),
    nextHref: next,
  });
}

export function accessRecordPages(deps: AppDeps): Router {
  const router = Router();
  router.get('/audit/access-records', requireAnyRole('supervisor', 'auditor'), (req, res) => accessRecordsPage(deps, req, res));
  router.get('/operator', requireRole('operator'), (req, res) => {
    const ui = deps.config.TEMPORAL_UI_URL;
    showMessage(
      req,
      res,
      200,
      'operatorTitle',
      ui ? ['operatorText'] : ['operatorText', 'operatorNoUi'],
      ui ? { href: ui, key: 'operatorOpenUi' } : undefined,
    );
  });
  return router;
}
