/**
 * The supervisor dashboard (issue 11): what a city office reports for a period — cases opened
 * and ended per day and ISO week, SLA compliance and time to decision per department, supplement
 * rounds and their outcomes (from the facts the projection writes, models/case-fact.model.ts),
 * and, as of now, the backlog by area and route, steps overdue, and capacity use per pool.
 *
 * Every read is one FerretDB v1 pushes down to PostgreSQL: the facts one equality query per
 * month of the period, the live figures `open: true` on the read model, the pools by `_id`.
 * The counting is pure (domain/dashboard-figures.ts). Shared by the JSON API and the page.
 */
import type { Area } from '../../domain/capacity';
import type { CaseFact } from '../../domain/case-facts';
import {
  countFacts,
  dashboardFigures,
  monthsBetween,
  type DashboardFigures,
  type OpenCaseRow,
} from '../../domain/dashboard-figures';
import { shanghaiToday } from '../../domain/shanghai-clock';
import type { Department, Route } from '../../domain/vocabulary';
import { caseModel } from '../../models/case.model';
import { caseFactModel } from '../../models/case-fact.model';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { capacityUse, type PoolUse } from './capacity-use';

/** The longest period one request may ask for. */
export const DASHBOARD_MAX_DAYS = 366;
/** The period when none is given: the last 30 days, today included. */
export const DASHBOARD_DEFAULT_DAYS = 30;

export interface DashboardInput {
  /** YYYY-MM-DD, Asia/Shanghai, inclusive. */
  from?: string;
  to?: string;
  route?: Route;
  area?: Area;
  department?: Department;
}

export interface Dashboard extends DashboardFigures {
  period: { from: string; to: string };
  filters: { route?: Route; area?: Area; department?: Department };
  pools: PoolUse[];
  /** The instant the live figures (backlog, overdue now, pools) were read. */
  asOf: string;
}

const DAY = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The period asked for, defaults filled in; a refusal (422) for an impossible one. */
export function dashboardPeriod(input: Pick<DashboardInput, 'from' | 'to'>, now = new Date()): { from: string; to: string } {
  const to = input.to ?? shanghaiToday(now);
  const from = input.from ?? new Date(dayMs(to) - (DASHBOARD_DEFAULT_DAYS - 1) * DAY).toISOString().slice(0, 10);
  const refuse = (message: string) =>
    new AppError('invalid', 'validation-error', 'The request query is invalid', [{ path: '/from', message }]);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(from) ||
    !/^\d{4}-\d{2}-\d{2}$/.test(to) ||
    Number.isNaN(dayMs(from)) ||
    Number.isNaN(dayMs(to))
  )
    throw refuse('from and to are calendar days (YYYY-MM-DD)');
  if (from > to) throw refuse('from is after to');
  if ((dayMs(to) - dayMs(from)) / DAY + 1 > DASHBOARD_MAX_DAYS) throw refuse(`a period is at most ${DASHBOARD_MAX_DAYS} days`);
  return { from, to };
}

/** The fields the figures tell facts apart by (domain countFacts). */
const FACT_FIELDS = { _id: 0, kind: 1, day: 1, outcome: 1, department: 1, withinSla: 1, tenths: 1 } as const;

export async function dashboard(deps: AppDeps, input: DashboardInput, now = new Date()): Promise<Dashboard> {
  const period = dashboardPeriod(input, now);
  const where: Record<string, string> = {};
  if (input.route) where.route = input.route;
  if (input.area) where.area = input.area;
  const facts = caseFactModel(deps.mongo);
  const months = monthsBetween(period.from, period.to);
  // Scalar equalities only (pushed down); one month at a time, one after another, so a year's
  // period does not hold twelve of FerretDB's pooled connections at once. Counted here, not by
  // a `$group` in the database: FerretDB v1's aggregation took three times as long as sending
  // the facts (README "Benchmarks").
  const read: CaseFact[] = [];
  for (const month of months)
    read.push(...((await facts.find({ ...where, month }, FACT_FIELDS).lean()) as unknown as CaseFact[]));
  const byDepartment = input.department
    ? read.filter((f) => f.department === undefined || f.department === input.department)
    : read;
  const [openCases, pools] = await Promise.all([
    caseModel(deps.mongo)
      .find({ open: true, ...where }, { _id: 0, route: 1, area: 1, overdueDepartments: 1 })
      .lean() as unknown as Promise<OpenCaseRow[]>,
    capacityUse(deps, { area: input.area, route: input.route }, now),
  ]);
  const figures = dashboardFigures(countFacts(byDepartment), openCases, period);
  const only = <T extends { department: Department }>(rows: T[]) =>
    input.department ? rows.filter((r) => r.department === input.department) : rows;
  return {
    ...figures,
    sla: only(figures.sla),
    decisionTimes: only(figures.decisionTimes),
    supplements: only(figures.supplements),
    period,
    filters: {
      ...(input.route ? { route: input.route } : {}),
      ...(input.area ? { area: input.area } : {}),
      ...(input.department ? { department: input.department } : {}),
    },
    pools,
    asOf: now.toISOString(),
  };
}
