/**
 * The supervisor dashboard page (issue 11): a filter form (GET: the period and filters live in
 * the URL), then each figure as a chart drawn on the server (web/charts.ts), a table of the same
 * figures and its CSV. The query is the application layer's (app/queries/dashboard.ts), as for
 * the JSON API's GET /supervisor/dashboard.
 */
import type { Request, Response } from 'express';
import { csvDocument } from '../../../app/csv';
import type { AppDeps } from '../../../app/deps';
import { AppError } from '../../../app/errors';
import { dashboard, dashboardPeriod, type Dashboard, type DashboardInput } from '../../../app/queries/dashboard';
import { DEPARTMENTS, ROUTES } from '../../../domain/vocabulary';
import { shanghaiToday } from '../../../domain/shanghai-clock';
import { formatIsoDay, shanghaiDateTime } from '../../../i18n/formats';
import { chartSvg, svgDataUri } from '../../charts';
import { actorOf, render, tr } from '../page';
import { dashboardFigureList, FIGURES, type Figure, type FigureId } from './dashboard-figures';
import {
  AREAS,
  fieldErrorsOf,
  readReportFilters,
  refusedFilterErrors,
  refusedFiltersText,
  scopeSlug,
  scopeText,
  type ReportFilterField,
} from './report-filters';

const one = <T extends string>(allowed: readonly T[], v: unknown): T | undefined =>
  typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
const dayParam = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

interface DashboardFilters {
  input: DashboardInput;
  /** The period as typed, for the form. */
  from: string;
  to: string;
  periodError: boolean;
  /** Filters whose value the form does not offer: refused, not read as "all". */
  refused: ReportFilterField[];
}

function readFilters(query: Request['query']): DashboardFilters {
  const from = dayParam(query.from);
  const to = dayParam(query.to);
  const { filters, refused } = readReportFilters(query);
  const input: DashboardInput = { ...(from ? { from } : {}), ...(to ? { to } : {}), ...filters };
  let periodError = false;
  try {
    dashboardPeriod(input);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    periodError = true;
  }
  return { input, from: from ?? '', to: to ?? '', periodError, refused };
}

/** The filters as a query string, for the CSV links (the period as computed, so a link keeps its days). */
function filterQuery(input: DashboardInput, period: { from: string; to: string }): string {
  const q = new URLSearchParams(period);
  if (input.route) q.set('route', input.route);
  if (input.area) q.set('area', input.area);
  if (input.department) q.set('department', input.department);
  return q.toString();
}

export async function dashboardPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  actorOf(req, 'supervisor');
  const f = readFilters(req.query);
  const filterErrors = refusedFilterErrors(req, f.refused);
  const form = {
    from: f.from,
    to: f.to,
    periodError: f.periodError ? tr(req, 'dashErrPeriod') : undefined,
    ...fieldErrorsOf(filterErrors),
    departments: DEPARTMENTS.map((d) => ({ value: d, selected: d === f.input.department })),
    areas: AREAS.map((a) => ({ value: a, selected: a === f.input.area })),
    routes: ROUTES.map((r) => ({ value: r, selected: r === f.input.route })),
  };
  if (f.periodError || filterErrors.length) {
    render(
      req,
      res,
      'supervisor/dashboard',
      {
        title: tr(req, 'dashTitle'),
        errors: [...(f.periodError ? [{ field: 'from', text: tr(req, 'dashErrPeriod') }] : []), ...filterErrors],
        ...form,
      },
      400,
    );
    return;
  }
  const d = await dashboard(deps, f.input);
  const query = filterQuery(f.input, d.period);
  const figures = dashboardFigureList(d, req.locale).map((fig) => ({
    id: fig.id,
    title: fig.title,
    chartSrc: svgDataUri(chartSvg(fig.chart)),
    chartAlt: tr(req, 'dashChartAlt', { figure: fig.title }),
    head: fig.head,
    rows: fig.rows,
    note: fig.note,
    csvHref: `/supervisor/dashboard.csv?figure=${fig.id}&${query}`,
    csvText: tr(req, 'dashCsv', { figure: fig.title }),
    tableCsvHref: `/supervisor/dashboard.csv?figure=${fig.id}&as=table&${query}`,
    tableCsvText: tr(req, 'dashCsvTable', { figure: fig.title }),
  }));
  render(req, res, 'supervisor/dashboard', {
    title: tr(req, 'dashTitle'),
    ...form,
    // The date fields show the period counted, also when it is the default one (the last 30 days).
    from: form.from || d.period.from,
    to: form.to || d.period.to,
    periodText: periodText(req, d),
    asOfText: tr(req, 'dashAsOf', { at: shanghaiDateTime(d.asOf, req.locale) }),
    figures,
  });
}

type Counted = Pick<Dashboard, 'period' | 'countedThrough' | 'asOf'>;

/**
 * The period counted, in words: a period still running — today included — says how far, to the
 * minute when it is today, so its figures are not read as the whole.
 */
function periodText(req: Request, d: Counted): string {
  const day = (ymd: string) => formatIsoDay(ymd, req.locale);
  const today = shanghaiToday(new Date(d.asOf));
  if (d.period.to < today) return tr(req, 'dashPeriod', { from: day(d.period.from), to: day(d.period.to) });
  const through = d.countedThrough === today ? shanghaiDateTime(d.asOf, req.locale) : day(d.countedThrough);
  return tr(req, 'dashPeriodRunning', { from: day(d.period.from), to: day(d.period.to), through });
}

/**
 * One figure as CSV, with the page's filters: by default its data (codes and exact numbers, for
 * a program); `as=table`, the table as the page shows it, in the reader's language (for a report
 * a supervisor sends upward). Every row ends with the period it counts, the filters it holds and
 * when it was read, after the figure's own columns, so a file renamed or pasted into a report still
 * says which days and which part of the city it holds. A figure of the present (the backlog, the
 * places in use) is labelled with no period: it is what stood when it was read, whatever the days.
 */
export async function dashboardCsv(deps: AppDeps, req: Request, res: Response): Promise<void> {
  actorOf(req, 'supervisor');
  const figure = one<FigureId>(FIGURES, req.query.figure);
  const f = readFilters(req.query);
  if (!figure || f.periodError || f.refused.length) {
    // Say which is wrong: a figure the dashboard has not, a filter it does not offer, or the period.
    res
      .status(400)
      .type('text/plain; charset=utf-8')
      .send(
        !figure
          ? tr(req, 'dashErrFigure', { figures: FIGURES.join(', ') })
          : f.refused.length
            ? refusedFiltersText(req, f.refused)
            : tr(req, 'dashErrPeriod'),
      );
    return;
  }
  const d = await dashboard(deps, f.input);
  const fig = dashboardFigureList(d, req.locale).find((x) => x.id === figure)!;
  const asTable = req.query.as === 'table';
  const applied = appliedFilters(fig, d);
  // A figure of the present is named for the day it was read, not for a period it does not count.
  const days = fig.live ? shanghaiToday(new Date(d.asOf)) : `${d.period.from}-${d.period.to}`;
  const name = `dashboard-${figure}-${days}${scopeSlug(applied)}${asTable ? `-table-${req.locale}` : ''}.csv`;
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .setHeader('Content-Disposition', `attachment; filename="${name}"`)
    .send(asTable ? tableCsv(req, fig, d, applied) : dataCsv(fig, d, applied));
}

/** The filters a figure counts by: the department only for the figures it applies to. */
function appliedFilters(fig: Figure, d: Dashboard): Dashboard['filters'] {
  const { department, ...rest } = d.filters;
  return fig.byDepartment && department ? { ...rest, department } : rest;
}

/** The table as the page shows it, each row ending with the period, the filters and the time it was read. */
function tableCsv(req: Request, fig: Figure, d: Dashboard, applied: Dashboard['filters']): string {
  const period = fig.live ? tr(req, 'dashCsvNoPeriod') : periodText(req, d);
  const scope = scopeText(req, applied);
  const asOf = shanghaiDateTime(d.asOf, req.locale);
  return csvDocument(
    [...fig.head, tr(req, 'dashCsvPeriod'), tr(req, 'dashCsvScope'), tr(req, 'dashCsvAsOf')],
    fig.rows.map((r) => [...r, period, scope, asOf]),
  );
}

/** The figure's codes and numbers, each row ending with the period (none for a figure of the present), the filters and when. */
function dataCsv(fig: Figure, d: Dashboard, applied: Dashboard['filters']): string {
  const period = fig.live ? ['', '', ''] : [d.period.from, d.period.to, d.countedThrough];
  const { route = '', area = '', department = '' } = applied;
  return csvDocument(
    [
      ...fig.csv.header,
      'period_from',
      'period_to',
      'counted_through',
      'filter_route',
      'filter_area',
      'filter_department',
      'as_of',
    ],
    fig.csv.rows.map((r) => [...r, ...period, route, area, department, d.asOf]),
  );
}
