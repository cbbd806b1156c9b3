/**
 * The stuck-case list (issue 11): one reason at a time (tabs), filters by department, district
 * or town, route and age (no progress for N days), sorted by last progress either way, a cursor
 * page, the counts per department, and the same list as CSV. The query is the application
 * layer's (app/queries/stuck-cases.ts), as for the JSON API.
 */
import type { Request, Response } from 'express';
import type { AppDeps } from '../../../app/deps';
import { csvDocument } from '../../../app/csv';
import {
  STUCK_ORDERS,
  STUCK_REASONS,
  stuckCases,
  type StuckCases,
  type StuckCasesInput,
  type StuckItem,
  type StuckOrder,
  type StuckReason,
} from '../../../app/queries/stuck-cases';
import type { Area } from '../../../domain/capacity';
import { DEPARTMENTS, ROUTES, type Department, type Route } from '../../../domain/vocabulary';
import { label } from '../../../i18n/labels';
import { findCaseByNumber, normaliseCaseNumber } from '../../../app/queries/find-case';
import { staleSince } from '../../../app/queries/stale-since';
import { incidentText } from '../incident-text';
import { ITEM_SEPARATOR, LIST_SEPARATOR, shanghaiDateTime } from '../../../i18n/formats';
import { shanghaiToday } from '../../../domain/shanghai-clock';
import { accessOf, actorOf, render, tr } from '../page';
import {
  AREAS,
  ageInDays,
  fieldErrorsOf,
  offered,
  readReportFilters,
  scopeSlug,
  scopeText,
  type ReportFilterField,
} from './report-filters';

const PAGE_SIZE = 25;
/** A CSV holds at most this many rows (pages of 500 read one after another). */
const CSV_MAX_ROWS = 10_000;

/** The policy's order of departments, as the dashboard and the case pages list them; other counts after. */
function departmentRank(code: string): number {
  const at = (DEPARTMENTS as readonly string[]).indexOf(code);
  return at < 0 ? DEPARTMENTS.length : at;
}

const dueOf = (item: StuckItem, department: string): string | undefined =>
  item.overdueDeadlines.find((d) => d.department === department)?.dueAt;

const one = <T extends string>(allowed: readonly T[], v: unknown): T | undefined =>
  typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;

/** The list's own choices beside the report filters: its tab, its order and the stale tab's age. */
export type StuckField = ReportFilterField | 'reason' | 'order' | 'ageDays';

export interface StuckFilters {
  reason: StuckReason;
  /**
   * Choices whose value the page does not offer (a mistyped or outdated link): refused at their
   * fields, never read as "all", the first tab or the default order (the API refuses them too).
   */
  refused: StuckField[];
  department?: Department;
  area?: Area;
  route?: Route;
  order: StuckOrder;
  /** The age filter as typed (days), and whether it is valid (it filters the stale tab only). */
  ageDays?: string;
  ageError: boolean;
}

const validAge = (age: string): boolean => ageInDays(age) !== undefined;

export function readStuckFilters(query: Request['query']): StuckFilters {
  const age = typeof query.ageDays === 'string' ? query.ageDays.trim() : '';
  const reason = one(STUCK_REASONS, query.reason) ?? 'overdue';
  // Other tabs keep a valid age for when the stale tab is chosen again; only the stale tab reads it.
  const ageError = reason === 'stale' && age !== '' && !validAge(age);
  const { filters, refused } = readReportFilters(query);
  return {
    reason,
    refused: [
      ...(offered(STUCK_REASONS, query.reason) ? [] : (['reason'] as const)),
      ...refused,
      ...(offered(STUCK_ORDERS, query.order) ? [] : (['order'] as const)),
      ...(ageError ? (['ageDays'] as const) : []),
    ],
    ...filters,
    order: one(STUCK_ORDERS, query.order) ?? 'oldest',
    ...(age ? { ageDays: age } : {}),
    ageError,
  };
}

/** The filters as a query string (no cursor), for tabs, pages and the CSV link. */
export function filterQuery(f: StuckFilters, change: Partial<StuckFilters> = {}): string {
  const g = { ...f, ...change };
  const q = new URLSearchParams({ reason: g.reason });
  if (g.department) q.set('department', g.department);
  if (g.area) q.set('area', g.area);
  if (g.route) q.set('route', g.route);
  // Only a valid age travels: a wrong one typed on another tab would make the stale tab's link a 400.
  if (g.ageDays && validAge(g.ageDays)) q.set('ageDays', g.ageDays);
  if (g.order !== 'oldest') q.set('order', g.order);
  return q.toString();
}

function queryInput(deps: AppDeps, req: Request, f: StuckFilters, limit: number, cursor?: string): StuckCasesInput {
  const since = f.reason === 'stale' && f.ageDays && !f.ageError ? staleSince(deps.config, Number(f.ageDays)) : undefined;
  return {
    actor: actorOf(req, 'supervisor'),
    access: accessOf(req),
    reason: f.reason,
    ...(f.department ? { department: f.department } : {}),
    ...(f.area ? { area: f.area } : {}),
    ...(f.route ? { route: f.route } : {}),
    ...(since ? { since } : {}),
    order: f.order,
    limit,
    ...(cursor ? { cursor } : {}),
  };
}

const cursorOf = (req: Request): string | undefined =>
  typeof req.query.cursor === 'string' && req.query.cursor.length <= 200 ? req.query.cursor : undefined;

/**
 * `?caseNumber=`: the case with that number opens (303); a number not of the series, or of no
 * case, is named at the search field above the list.
 */
async function findCase(deps: AppDeps, req: Request): Promise<{ caseId: string } | { error?: string }> {
  const typed = req.query.caseNumber;
  if (typeof typed !== 'string' || typed.trim() === '') return {};
  const caseNumber = normaliseCaseNumber(typed);
  if (!caseNumber) return { error: tr(req, 'supFindInvalid') };
  const found = await findCaseByNumber(deps, { actor: actorOf(req, 'supervisor'), caseNumber });
  return found ? { caseId: found.caseId } : { error: tr(req, 'supFindNone', { caseNumber }) };
}

/** The refused choices as the page's field errors, in the page's order (tabs, then the filters' form). */
function stuckFieldErrors(req: Request, refused: StuckField[]): Array<{ field: string; text: string }> {
  const order: StuckField[] = ['reason', 'department', 'area', 'route', 'ageDays', 'order'];
  const key = { reason: 'supErrReason', ageDays: 'supErrAge', order: 'supErrOrder' } as const;
  const text = (field: StuckField) => tr(req, field in key ? key[field as keyof typeof key] : 'supErrFilter');
  return [...refused].sort((a, b) => order.indexOf(a) - order.indexOf(b)).map((field) => ({ field, text: text(field) }));
}

export async function stuckPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  actorOf(req, 'supervisor');
  const find = await findCase(deps, req);
  if ('caseId' in find) return res.redirect(303, `/supervisor/cases/${find.caseId}`);
  const notFound = find.error;
  const f = readStuckFilters(req.query);
  // A choice the page does not offer is said at its field, with no list (the API refuses it too):
  // the city's list under a district's link would be read as the district's, and a list that
  // ignored a wrong age would be read as filtered by it.
  const filterErrors = stuckFieldErrors(req, f.refused);
  const page: StuckCases = filterErrors.length
    ? { items: [], total: 0, countsByDepartment: {} }
    : await stuckCases(deps, queryInput(deps, req, f, PAGE_SIZE, cursorOf(req)));
  const base = filterQuery(f);
  // Hand-off to the bulk page: the same list, for the filtered department or else the busiest one.
  const busiest = Object.entries(page.countsByDepartment)
    .filter(([d]) => (DEPARTMENTS as readonly string[]).includes(d))
    .sort(([, a], [, b]) => b - a)[0]?.[0];
  const bulkDepartment = f.department ?? busiest;
  const bulkQuery = new URLSearchParams({ reason: f.reason, ...(bulkDepartment ? { department: bulkDepartment } : {}) });
  if (f.area) bulkQuery.set('area', f.area);
  if (f.route) bulkQuery.set('route', f.route);
  // As a number (030 and 30.0 are 30): the bulk page reads it the same way.
  if (f.reason === 'stale' && f.ageDays && !f.ageError) bulkQuery.set('ageDays', String(Number(f.ageDays)));
  render(
    req,
    res,
    'supervisor/stuck',
    {
      title: tr(req, 'stuckTitle'),
      errors: [...(notFound ? [{ field: 'caseNumber', text: notFound }] : []), ...filterErrors],
      ...fieldErrorsOf(filterErrors),
      refused: filterErrors.length > 0,
      findError: notFound,
      caseNumber: typeof req.query.caseNumber === 'string' ? req.query.caseNumber.slice(0, 40) : '',
      // What the list holds, so a figure copied from it is read as what it counts.
      reasonHint: tr(req, `stuckHint_${f.reason}`),
      tabs: STUCK_REASONS.map((r) => ({
        reason: r,
        href: `/supervisor/stuck?${filterQuery(f, { reason: r })}`,
        current: r === f.reason,
      })),
      reason: f.reason,
      departments: DEPARTMENTS.map((d) => ({ value: d, selected: d === f.department })),
      areas: AREAS.map((a) => ({ value: a, selected: a === f.area })),
      routes: ROUTES.map((r) => ({ value: r, selected: r === f.route })),
      orders: STUCK_ORDERS.map((o) => ({ value: o, selected: o === f.order })),
      ageDays: f.ageDays ?? '',
      stale: f.reason === 'stale',
      filtered: Boolean(f.department || f.area || f.route || f.ageDays || f.order !== 'oldest'),
      clearHref: `/supervisor/stuck?reason=${f.reason}`,
      csvHref: `/supervisor/stuck.csv?${base}`,
      tableCsvHref: `/supervisor/stuck.csv?${base}&as=table`,
      total: page.total,
      counts: Object.entries(page.countsByDepartment)
        .sort(([a], [b]) => departmentRank(a) - departmentRank(b) || a.localeCompare(b))
        .map(([department, n]) => ({
          department,
          n,
          // Not a department: notices to applicants (undelivered_notices), releases (failing_checks).
          text:
            department === 'applicant'
              ? tr(req, 'supCountApplicant')
              : department === 'compensation'
                ? tr(req, 'supCountCompensation')
                : department,
          known: (DEPARTMENTS as readonly string[]).includes(department),
          href: (DEPARTMENTS as readonly string[]).includes(department)
            ? `/supervisor/stuck?${filterQuery(f, { department: department as Department })}`
            : undefined,
        })),
      items: page.items.map((i) => ({
        ...i,
        // The longest overdue first, as the CSVs and the API list the deadlines; then any without a date.
        overdue: [
          ...i.overdueDeadlines,
          ...i.overdueDepartments.filter((d) => !dueOf(i, d)).map((department) => ({ department, dueAt: undefined })),
        ],
        incidentTexts: i.incidents.map((n) => incidentText(n, req.locale)),
      })),
      bulkHref: page.total > 0 && bulkDepartment ? `/supervisor/bulk/new?${bulkQuery.toString()}` : undefined,
      bulkDepartment,
      // Unfiltered, the hand-off takes the busiest department's share, and says so.
      bulkText: bulkDepartment
        ? tr(req, f.department ? 'supBulkHandOff' : 'supBulkHandOffBusiest', {
            department: label('department', bulkDepartment, req.locale),
          })
        : undefined,
      nextHref: page.nextCursor ? `/supervisor/stuck?${base}&cursor=${encodeURIComponent(page.nextCursor)}` : undefined,
      // Filtered or paged (more than the tab's reason): the focus lands on the results.
      focusResults: Object.keys(req.query).some((k) => k !== 'reason'),
    },
    filterErrors.length ? 400 : 200,
  );
}

/** The same list as CSV: every matching case (up to CSV_MAX_ROWS), in the page's order. */
export async function stuckCsv(deps: AppDeps, req: Request, res: Response): Promise<void> {
  actorOf(req, 'supervisor');
  const f = readStuckFilters(req.query);
  const locale = req.locale;
  if (f.refused.length) {
    res
      .status(400)
      .type('text/plain; charset=utf-8')
      .send(tr(req, 'supErrCsv', { fields: f.refused.join(', ') }));
    return;
  }
  const items: StuckItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await stuckCases(deps, queryInput(deps, req, f, 500, cursor));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < CSV_MAX_ROWS);
  const departments = (codes: string[]) =>
    codes
      .map((d) => ((DEPARTMENTS as readonly string[]).includes(d) ? label('department', d, locale) : d))
      .join(LIST_SEPARATOR[locale]);
  // The office's day (Asia/Shanghai): a list taken at 07:00 Beijing time is that day's, not yesterday's.
  const listedAt = new Date();
  const day = shanghaiToday(listedAt);
  const scope = `${scopeSlug(f)}`;
  // As the page shows it (headings, words, Beijing time), for a report; else codes for a program.
  if (req.query.as === 'table') {
    const at = (iso: string | undefined) => (iso ? shanghaiDateTime(iso, locale) : '');
    const table = csvDocument(
      [
        tr(req, 'caseNumber'),
        tr(req, 'supFilterRoute'),
        tr(req, 'supFilterArea'),
        tr(req, 'caseStatus'),
        tr(req, 'lastProgress'),
        tr(req, 'waitingOnDepartments'),
        tr(req, 'supOverdueAt'),
        tr(req, 'supOverdueDue'),
        tr(req, 'supFailingChecks'),
        tr(req, 'supIncidents'),
        tr(req, 'supSupplementDue'),
        // What the list holds and when it was taken, on every row: a file pasted into a report still says.
        tr(req, 'dashCsvScope'),
        tr(req, 'supCsvListedAt'),
      ],
      items
        .slice(0, CSV_MAX_ROWS)
        .map((i) => [
          i.caseNumber,
          label('route', i.route, locale),
          label('area', i.area, locale),
          label('caseStatus', i.status, locale),
          at(i.lastProgressAt),
          departments(i.pendingDepartments),
          departments(i.overdueDepartments),
          i.overdueDeadlines.map((d) => `${departments([d.department])} ${at(d.dueAt)}`).join(ITEM_SEPARATOR[locale]),
          departments(i.failingChecks),
          i.incidents.map((n) => incidentText(n, locale)).join(ITEM_SEPARATOR[locale]),
          at(i.supplementDueAt),
          scopeText(req, f),
          at(listedAt.toISOString()),
        ]),
    );
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="stuck-${f.reason}-${day}${scope}-table-${locale}.csv"`)
      .send(table);
    return;
  }
  const csv = csvDocument(
    [
      'case_number',
      'case_id',
      'status',
      'route',
      'area',
      'last_progress_at',
      'pending',
      'overdue',
      'overdue_due_at',
      'failing',
      'incidents',
      'supplement_due_at',
    ],
    items.slice(0, CSV_MAX_ROWS).map((i) => [
      i.caseNumber,
      i.caseId,
      i.status,
      i.route,
      i.area,
      i.lastProgressAt,
      // Codes for a program: departments by code, the incidents as the API gives them (JSON).
      i.pendingDepartments.join(' '),
      i.overdueDepartments.join(' '),
      // department=instant pairs, as `overdue` lists departments: one field a program splits.
      i.overdueDeadlines.map((d) => `${d.department}=${d.dueAt}`).join(' '),
      i.failingChecks.join(' '),
      i.incidents.length ? JSON.stringify(i.incidents) : '',
      i.supplementDueAt,
    ]),
  );
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .setHeader('Content-Disposition', `attachment; filename="stuck-${f.reason}-${day}${scope}.csv"`)
    .send(csv);
}
