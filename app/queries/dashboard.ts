/**
 * The supervisor dashboard (issue 11): what a city office reports for a period — cases opened
 * and ended per day and ISO week, SLA compliance and time to decision per department, supplement
 * rounds and their outcomes (from the facts the projection writes, models/case-fact.model.ts),
 * and, as of now, the backlog by area and route, steps overdue, and capacity use per pool.
 *
 * Every read is one FerretDB v1 pushes down to PostgreSQL: the facts of closed days as one pack
 * per day and of the last two days by `day` (models/case-fact-day.model.ts), the live figures
 * `open: true` on the read model, the pools' held slots by pool. The counting is pure
 * (domain/dashboard-figures.ts), and so is the filter by route and area. Shared by the JSON API
 * and the page.
 */
import type { Area } from '../../domain/capacity';
import {
  areaFigures,
  reportedAreas,
  countFacts,
  dashboardFigures,
  daysBetween,
  type AreaRow,
  type DashboardFigures,
  type OpenCaseRow,
} from '../../domain/dashboard-figures';
import { isCalendarDate } from '../../domain/id-number';
import { shanghaiToday } from '../../domain/shanghai-clock';
import type { Department, Route } from '../../domain/vocabulary';
import { caseModel } from '../../models/case.model';
import { factsOfDays, firstOpenDay } from '../../models/case-fact-day.model';
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
  /** Per district and town, for a report upward (domain/dashboard-figures.ts `areaFigures`). */
  areas: AreaRow[];
  pools: PoolUse[];
  /** The instant the live figures (backlog, overdue now, pools) were read. */
  asOf: string;
  /** The last day counted: `period.to`, or today while the period runs on (later days count nothing yet). */
  countedThrough: string;
}

const DAY = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The period asked for, defaults filled in; a refusal (400 validation-error) for an impossible one. */
export function dashboardPeriod(input: Pick<DashboardInput, 'from' | 'to'>, now = new Date()): { from: string; to: string } {
  const to = input.to ?? shanghaiToday(now);
  const from = input.from ?? new Date(dayMs(to) - (DASHBOARD_DEFAULT_DAYS - 1) * DAY).toISOString().slice(0, 10);
  const refuse = (message: string, path = '/from') =>
    new AppError('invalid', 'validation-error', 'The request query is invalid', [{ path, message }]);
  // A day the calendar has (Date.parse rolls 2月30日 over into March and would count from there).
  if (!isCalendarDate(from)) throw refuse('from and to are calendar days (YYYY-MM-DD)');
  if (!isCalendarDate(to)) throw refuse('from and to are calendar days (YYYY-MM-DD)', '/to');
  if (from > to) throw refuse('from is after to');
  // Nothing can be counted yet: refused rather than answered with zeros a report might copy.
  if (from > shanghaiToday(now)) throw refuse('the period has not begun: from is after today (Beijing time)');
  if ((dayMs(to) - dayMs(from)) / DAY + 1 > DASHBOARD_MAX_DAYS) throw refuse(`a period is at most ${DASHBOARD_MAX_DAYS} days`);
  return { from, to };
}

export async function dashboard(deps: AppDeps, input: DashboardInput, now = new Date()): Promise<Dashboard> {
  const period = dashboardPeriod(input, now);
  const where: Record<string, string> = {};
  if (input.route) where.route = input.route;
  if (input.area) where.area = input.area;
  // Yesterday and today are read fact by fact (a projection may still be writing them); every
  // earlier day of the period from its pack. Read while the live figures are read.
  const today = shanghaiToday(now);
  const openFrom = firstOpenDay(now);
  // A period still running is counted up to today: later days have no facts yet, and listing
  // them as zeros would put figures nobody counted into a report.
  const counted = { from: period.from, to: period.to < today ? period.to : today };
  const factsRead = factsOfDays(deps.mongo, daysBetween(counted.from, counted.to), openFrom);
  const [all, openCases, pools] = await Promise.all([
    factsRead,
    caseModel(deps.mongo)
      .find({ open: true, ...where }, { _id: 0, route: 1, area: 1, overdueDepartments: 1, childrenWaiting: 1 })
      .lean() as unknown as Promise<OpenCaseRow[]>,
    capacityUse(deps, { area: input.area, route: input.route }, now),
  ]);
  const read = all.filter((f) => (!input.route || f.route === input.route) && (!input.area || f.area === input.area));
  const byDepartment = input.department
    ? read.filter((f) => f.department === undefined || f.department === input.department)
    : read;
  const figures = dashboardFigures(countFacts(byDepartment), openCases, counted);
  const only = <T extends { department: Department }>(rows: T[]) =>
    input.department ? rows.filter((r) => r.department === input.department) : rows;
  return {
    ...figures,
    sla: only(figures.sla),
    decisionTimes: only(figures.decisionTimes),
    supplements: only(figures.supplements),
    areas: areaFigures(byDepartment, openCases, counted, reportedAreas(input), input.department),
    period,
    filters: {
      ...(input.route ? { route: input.route } : {}),
      ...(input.area ? { area: input.area } : {}),
      ...(input.department ? { department: input.department } : {}),
    },
    pools,
    asOf: now.toISOString(),
    countedThrough: counted.to,
  };
}
