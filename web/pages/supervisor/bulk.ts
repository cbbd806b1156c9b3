/**
 * Issue 11 "Interventions", the supervisors' bulk pages: choose cases from the stuck-case list
 * (app/queries/stuck-cases.ts), an action, its parameter and the reason, and start one bulk
 * intervention (app/commands/bulk-intervention.ts); then watch its progress and read its report
 * (app/queries/bulk-progress.ts). No JavaScript: "select all" is a link that renders the page
 * with every box ticked, and the progress page refreshes itself by <meta refresh> while running.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { startBulkIntervention } from '../../../app/commands/bulk-intervention';
import type { AppDeps } from '../../../app/deps';
import { AppError } from '../../../app/errors';
import { knownOfficers } from '../../../app/officer-directory';
import { bulkProgress } from '../../../app/queries/bulk-progress';
import { stuckCases, STUCK_REASONS, type StuckReason } from '../../../app/queries/stuck-cases';
import { staleSince } from '../../../app/queries/stale-since';
import { DEPARTMENTS, ROUTES, type Department, type Route } from '../../../domain/vocabulary';
import type { Area } from '../../../domain/capacity';
import type { MessageKey } from '../../../i18n/messages';
import { BULK_ACTIONS, type BulkAction, type BulkOutcome } from '../../../workflows/bulk-intervention/messages';
import { accessOf, actorOf, flashAndRedirect, render, requireRole, tr } from '../page';
import { officerChoices } from '../officer-names';
import { LIST_SEPARATOR } from '../../../i18n/formats';
import { AREAS, ageInDays, offered } from './report-filters';

const ACTION_TEXT: Record<BulkAction, MessageKey> = {
  extend_deadline: 'bulkActionExtend',
  reassign: 'bulkActionReassign',
  escalate: 'bulkActionEscalate',
  retry_check: 'bulkActionRetry',
  terminate: 'bulkActionTerminate',
};
const OUTCOME_TEXT: Record<BulkOutcome, MessageKey> = {
  pending: 'bulkPending',
  succeeded: 'bulkSucceeded',
  refused: 'bulkRefused',
  failed: 'bulkFailed',
};
/** The refusals a bulk action meets (activities/bulk-intervention.activities.ts, the case's validators). */
const REFUSAL_TEXT: Partial<Record<string, MessageKey>> = {
  CaseNotOpen: 'bulkRefusedCaseNotOpen',
  CaseNotFound: 'bulkRefusedCaseNotFound',
  InvalidAction: 'bulkRefusedInvalidAction',
  StepNotFound: 'bulkRefusedStepNotFound',
};
const OUTCOME_TAG: Record<BulkOutcome, string> = {
  pending: 'tag--grey',
  succeeded: 'tag--green',
  refused: 'tag--yellow',
  failed: 'tag--red',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_HOURS = 90 * 24;
const MAX_WORKING_DAYS = 60;
const UNIT_TEXT = { working_days: 'supUnitWorkingDays', days: 'supUnitDays', hours: 'supUnitHours' } as const;
const UNIT_ERROR = { working_days: 'bulkErrWorkingDays', days: 'bulkErrDays', hours: 'bulkErrHours' } as const;
type ExtendUnit = 'hours' | 'days' | 'working_days';
const MAX_DAYS = 90;

interface BulkForm {
  reason: StuckReason;
  department: Department;
  /** Narrower lists, as handed over from the stuck-case list's filters. */
  area?: Area;
  route?: Route;
  /** stale: no progress for more than this many days, as the stuck-case list was filtered. */
  ageDays?: string;
  action: BulkAction;
  /** extend_deadline: how much later, in `unit`. */
  hours: string;
  unit: ExtendUnit;
  officerId: string;
  note: string;
  caseIds: string[];
  requestId: string;
  /**
   * Values sent that the pages do not offer (a mistyped or outdated link, an altered form): the
   * page lists no cases and starts nothing, rather than read them as police, all areas or the
   * first action.
   */
  refused: string[];
}

const str = (v: unknown, max = 500): string => (typeof v === 'string' ? v.trim().slice(0, max) : '');
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && x.length <= 64);

function readForm(src: Record<string, unknown>, defaultUnit: ExtendUnit): BulkForm {
  const reason = STUCK_REASONS.includes(src.reason as StuckReason) ? (src.reason as StuckReason) : 'overdue';
  const department = DEPARTMENTS.includes(src.department as Department) ? (src.department as Department) : 'police';
  const action = BULK_ACTIONS.includes(src.action as BulkAction) ? (src.action as BulkAction) : 'extend_deadline';
  const requestId = str(src.requestId, 100);
  const area = AREAS.find((a) => a === src.area);
  const route = ROUTES.find((r) => r === src.route);
  // Read as the stuck-case list reads it (report-filters.ts `ageInDays`).
  const typedDays = str(src.ageDays, 10);
  const days = reason === 'stale' ? ageInDays(typedDays) : undefined;
  const ageDays = days === undefined ? undefined : String(days);
  const refused = [
    ...(offered(STUCK_REASONS, src.reason) ? [] : ['reason']),
    ...(offered(DEPARTMENTS, src.department) ? [] : ['department']),
    ...(offered(AREAS, src.area) ? [] : ['area']),
    ...(offered(ROUTES, src.route) ? [] : ['route']),
    ...(reason === 'stale' && typedDays !== '' && !ageDays ? ['ageDays'] : []),
    ...(offered(BULK_ACTIONS, src.action) ? [] : ['action']),
    ...(offered(['hours', 'days', 'working_days'], src.unit) ? [] : ['unit']),
  ];
  return {
    reason,
    department,
    ...(area ? { area } : {}),
    ...(route ? { route } : {}),
    ...(ageDays ? { ageDays } : {}),
    action,
    hours: str(src.hours, 10),
    unit: src.unit === 'hours' || src.unit === 'days' || src.unit === 'working_days' ? src.unit : defaultUnit,
    officerId: str(src.officerId, 128),
    note: str(src.note),
    caseIds: list(src.caseIds),
    requestId: UUID.test(requestId) ? requestId : randomUUID(),
    refused,
  };
}

async function showForm(
  deps: AppDeps,
  req: Request,
  res: Response,
  form: BulkForm,
  opts: { all?: boolean; errors?: Array<{ field: string; text: string }>; status?: number } = {},
): Promise<void> {
  const actor = actorOf(req, 'supervisor');
  const { reason, department, area, route, ageDays } = form;
  const page = form.refused.length
    ? { items: [] }
    : await stuckCases(deps, {
        actor,
        access: accessOf(req),
        reason,
        department,
        ...(area ? { area } : {}),
        ...(route ? { route } : {}),
        // The list the supervisor reviewed: with its age filter, not every case a day without progress.
        ...(ageDays ? { since: staleSince(deps.config, Number(ageDays)) } : {}),
        limit: 50,
      });
  const listQuery = new URLSearchParams({
    reason,
    department,
    ...(area ? { area } : {}),
    ...(route ? { route } : {}),
    ...(ageDays ? { ageDays } : {}),
  });
  const chosen = new Set(form.caseIds);
  const fieldErrors = Object.fromEntries((opts.errors ?? []).map((e) => [e.field, e.text]));
  const officers = await knownOfficers(deps);
  render(
    req,
    res,
    'supervisor/bulk-new',
    {
      title: tr(req, 'bulkNewTitle'),
      errors: opts.errors,
      // Values it does not offer: no list, no department named over it, and the way back.
      refused: form.refused.length > 0,
      fieldErrors,
      form,
      reasons: STUCK_REASONS.map((r) => ({ value: r, selected: r === form.reason })),
      departments: DEPARTMENTS.map((d) => ({ value: d, selected: d === form.department })),
      officerGroups: officerChoices(req, officers, form.officerId),
      units: (['working_days', 'days', 'hours'] as const).map((u) => ({
        value: u,
        text: tr(req, UNIT_TEXT[u]),
        selected: u === form.unit,
      })),
      actions: BULK_ACTIONS.map((a) => ({ value: a, text: tr(req, ACTION_TEXT[a]), checked: a === form.action })),
      selectAllHref: `/supervisor/bulk/new?${listQuery.toString()}&all=1`,
      items: page.items.map((i) => ({
        ...i,
        checked: opts.all === true || chosen.has(i.caseId),
        selectText: tr(req, 'bulkSelectCase', { caseNumber: i.caseNumber }),
      })),
    },
    opts.status ?? 200,
  );
}

/** The refused values' fields as the pages name them. */
const FIELD_TEXT: Record<string, MessageKey> = {
  reason: 'stuckReason',
  department: 'bulkDepartment',
  area: 'supFilterArea',
  route: 'supFilterRoute',
  ageDays: 'supFilterAgeDays',
  action: 'bulkAction',
  unit: 'supExtendUnit',
};

/** Refused values, named, at the cases' list (which is empty under them): the way back is the stuck-case list. */
const refusedError = (req: Request, form: BulkForm) => ({
  field: 'cases',
  text: tr(req, 'bulkErrRefused', {
    fields: form.refused.map((f) => tr(req, FIELD_TEXT[f] ?? 'bulkCases')).join(LIST_SEPARATOR[req.locale]),
  }),
});

export function bulkPages(deps: AppDeps): Router {
  const router = Router();
  // Deadlines on the working-day clock are extended in working days unless the supervisor says
  // otherwise; on the elapsed clock in calendar days, as on a case's page.
  const defaultUnit: ExtendUnit = deps.config.DEADLINE_CLOCK === 'working-days' ? 'working_days' : 'days';
  router.use('/supervisor/bulk', requireRole('supervisor'));

  router.get('/supervisor/bulk/new', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const { reason, department, area, route, ageDays } = q;
    const form = readForm({ reason, department, area, route, ageDays }, defaultUnit);
    await showForm(deps, req, res, form, {
      all: q.all === '1',
      ...(form.refused.length ? { errors: [refusedError(req, form)], status: 400 } : {}),
    });
  });

  router.post('/supervisor/bulk', async (req, res) => {
    const actor = actorOf(req, 'supervisor');
    const form = readForm((req.body ?? {}) as Record<string, unknown>, defaultUnit);
    if (form.refused.length) return showForm(deps, req, res, form, { errors: [refusedError(req, form)], status: 400 });
    const errors: Array<{ field: string; text: string }> = [];
    const hours = Number(form.hours);
    if (form.caseIds.length === 0) errors.push({ field: 'cases', text: tr(req, 'bulkErrCases') });
    const max = form.unit === 'hours' ? MAX_HOURS : form.unit === 'days' ? MAX_DAYS : MAX_WORKING_DAYS;
    if (form.action === 'extend_deadline' && !(Number.isInteger(hours) && hours >= 1 && hours <= max))
      errors.push({ field: 'hours', text: tr(req, UNIT_ERROR[form.unit]) });
    if (form.action === 'reassign' && !form.officerId) errors.push({ field: 'officerId', text: tr(req, 'bulkErrOfficer') });
    if (!form.note) errors.push({ field: 'note', text: tr(req, 'bulkErrNote') });
    if (errors.length > 0) return showForm(deps, req, res, form, { errors, status: 400 });
    const started = await startBulkIntervention(deps, {
      actor,
      requestId: form.requestId,
      action: form.action,
      department: form.department,
      ...(form.action === 'extend_deadline'
        ? form.unit === 'working_days'
          ? { extendByWorkingDays: hours }
          : { extendByMs: hours * (form.unit === 'days' ? 24 : 1) * 3_600_000 }
        : {}),
      ...(form.action === 'reassign' ? { officerId: form.officerId } : {}),
      note: form.note,
      caseIds: form.caseIds,
    }).catch((err: unknown) => {
      // An officer who may not hold the department's steps (unknown, or of another department).
      if (err instanceof AppError && err.kind === 'invalid' && err.invalidParams?.some((p) => p.path === '/officerId'))
        return undefined;
      throw err;
    });
    if (!started)
      return showForm(deps, req, res, form, {
        errors: [{ field: 'officerId', text: tr(req, 'supErrOfficerNotEligible') }],
        status: 400,
      });
    return flashAndRedirect(req, res, tr(req, 'bulkStarted'), `/supervisor/bulk/${started.id}`);
  });

  router.get('/supervisor/bulk/:id', async (req, res) => {
    const actor = actorOf(req, 'supervisor');
    const p = await bulkProgress(deps, { actor, id: String(req.params.id) });
    render(req, res, 'supervisor/bulk-progress', {
      title: tr(req, 'bulkProgressTitle'),
      // Reloading by itself until finished, unless the supervisor turned it off (?refresh=off).
      refresh: !p.finished && req.query.refresh !== 'off',
      selfHref: `/supervisor/bulk/${encodeURIComponent(String(req.params.id))}`,
      progress: p,
      actionText: tr(req, ACTION_TEXT[p.action]),
      progressText: tr(req, 'bulkProgressLabel', { done: p.done, total: p.total }),
      items: p.items.map((i) => ({
        ...i,
        outcomeText: tr(req, OUTCOME_TEXT[i.outcome]),
        tag: OUTCOME_TAG[i.outcome],
        // A refusal in words; one the page has no words for stays as the workflow named it.
        detailText: i.detail && Object.hasOwn(REFUSAL_TEXT, i.detail) ? tr(req, REFUSAL_TEXT[i.detail]!) : i.detail,
      })),
    });
  });
  return router;
}
