/**
 * The supervisor dashboard's figures (issue 11) from the facts of a period and the open cases:
 * pure aggregation, so the definitions (ISO week, median, 90th percentile, compliance) are
 * tested without a database. The application layer reads; this counts.
 */
import type { CaseFact, EndedOutcome, SupplementOutcome } from './case-facts';
import { DEPARTMENTS, DISTRICTS, TOWNS, type Department, type Route } from './vocabulary';

export interface DayCounts {
  opened: number;
  settled: number;
  rejected: number;
  withdrawn: number;
  terminated: number;
}
export interface SlaRow {
  department: Department;
  /** Officer decisions in the period within / after the step's deadline. */
  withinDeadline: number;
  late: number;
  /** Open cases whose step is past its deadline now. */
  overdueNow: number;
  /** withinDeadline / (withinDeadline + late), 0–100, one decimal; null without decisions. */
  compliancePct: number | null;
}
export interface DecisionTimeRow {
  department: Department;
  decisions: number;
  medianMs: number | null;
  p90Ms: number | null;
}
export type SupplementRow = { department: Department } & Record<SupplementOutcome, number>;
export interface BacklogRow {
  area: string;
  route: string;
  open: number;
}
/** The open cases' fields the live figures need. */
export interface OpenCaseRow {
  route: string;
  area: string;
  overdueDepartments: string[];
  /** Children of the case waiting for a kindergarten or school place now (§21–23). */
  childrenWaiting?: number;
}

/**
 * Facts counted by what the figures tell apart (what the database's `$group` returns): how many
 * facts of this kind, day, outcome, department, deadline and duration (tenths of an hour).
 */
export type FactCount = Pick<CaseFact, 'kind' | 'day' | 'outcome' | 'department' | 'withinSla' | 'tenths'> & { n: number };

/** The grouping the database does, in code: the definition the tests hold the query to. */
export function countFacts(
  facts: ReadonlyArray<Pick<CaseFact, 'kind' | 'day' | 'outcome' | 'department' | 'withinSla' | 'tenths'>>,
): FactCount[] {
  const groups = new Map<string, FactCount>();
  for (const f of facts) {
    const key = JSON.stringify([f.kind, f.day, f.outcome, f.department, f.withinSla, f.tenths]);
    const g = groups.get(key);
    if (g) g.n++;
    else
      groups.set(key, {
        kind: f.kind,
        day: f.day,
        n: 1,
        ...(f.outcome !== undefined ? { outcome: f.outcome } : {}),
        ...(f.department !== undefined ? { department: f.department } : {}),
        ...(f.withinSla !== undefined ? { withinSla: f.withinSla } : {}),
        ...(f.tenths !== undefined ? { tenths: f.tenths } : {}),
      });
  }
  return [...groups.values()];
}

export interface DashboardFigures {
  days: Array<{ day: string } & DayCounts>;
  /**
   * Per ISO week, with the first and last day of it inside the period: a week cut by the
   * period's ends counts only those days, and says so by its `from`/`to`.
   */
  weeks: Array<{ week: string; from: string; to: string } & DayCounts>;
  sla: SlaRow[];
  decisionTimes: DecisionTimeRow[];
  supplements: SupplementRow[];
  backlog: BacklogRow[];
}

/** Every day from `from` to `to` (YYYY-MM-DD, inclusive). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Every YYYY-MM a period touches: the dashboard reads one month at a time. */
export function monthsBetween(from: string, to: string): string[] {
  return [...new Set(daysBetween(from, to).map((d) => d.slice(0, 7)))];
}

/** ISO 8601 week (`2026-W49`) of a calendar day: weeks start on Monday, week 1 holds 4 January. */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The value of 1-based rank `rank` among values given with their counts, sorted ascending. */
function atRank(sorted: ReadonlyArray<readonly [number, number]>, rank: number): number {
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return sorted[sorted.length - 1]![0];
}

const sortedCounts = (values: ReadonlyArray<readonly [number, number]>) => [...values].sort((a, b) => a[0] - b[0]);
const total = (values: ReadonlyArray<readonly [number, number]>) => values.reduce((a, [, c]) => a + c, 0);

/** Median of values with their counts: the middle value, or the mean of the two middle values; null for none. */
export function weightedMedian(values: ReadonlyArray<readonly [number, number]>): number | null {
  const n = total(values);
  if (n === 0) return null;
  const s = sortedCounts(values);
  return n % 2 === 1 ? atRank(s, (n + 1) / 2) : (atRank(s, n / 2) + atRank(s, n / 2 + 1)) / 2;
}

/** Nearest-rank percentile of values with their counts: the smallest value with at least p % of all ≤ it. */
export function weightedPercentile(values: ReadonlyArray<readonly [number, number]>, p: number): number | null {
  const n = total(values);
  if (n === 0) return null;
  return atRank(sortedCounts(values), Math.max(1, Math.ceil((p / 100) * n)));
}

export const median = (values: readonly number[]): number | null => weightedMedian(values.map((v) => [v, 1] as const));
export const percentile = (values: readonly number[], p: number): number | null =>
  weightedPercentile(
    values.map((v) => [v, 1] as const),
    p,
  );

const zeroCounts = (): DayCounts => ({ opened: 0, settled: 0, rejected: 0, withdrawn: 0, terminated: 0 });

/**
 * The figures of the facts dated in [from, to] (days in Asia/Shanghai), counted, and of the open
 * cases now. Facts outside the period are ignored (the reads fetch whole months). Times to
 * decision are in tenths of an hour, so the medians are exact to 6 minutes.
 */
export function dashboardFigures(
  facts: readonly FactCount[],
  openCases: readonly OpenCaseRow[],
  period: { from: string; to: string },
): DashboardFigures {
  const days = daysBetween(period.from, period.to);
  const byDay = new Map(days.map((d) => [d, zeroCounts()]));
  const within = new Map<Department, number>(DEPARTMENTS.map((d) => [d, 0]));
  const late = new Map<Department, number>(DEPARTMENTS.map((d) => [d, 0]));
  const durations = new Map<Department, Array<[number, number]>>(DEPARTMENTS.map((d) => [d, []]));
  const supplements = new Map<Department, Record<SupplementOutcome, number>>(
    DEPARTMENTS.map((d) => [d, { answered: 0, lapsed: 0, closed: 0, open: 0 }]),
  );
  for (const f of facts) {
    const counts = byDay.get(f.day);
    if (!counts) continue;
    if (f.kind === 'opened') counts.opened += f.n;
    else if (f.kind === 'ended') counts[f.outcome as EndedOutcome] += f.n;
    else if (f.kind === 'decided' && f.department) {
      const m = f.withinSla ? within : late;
      m.set(f.department, (m.get(f.department) ?? 0) + f.n);
      if (typeof f.tenths === 'number') durations.get(f.department)?.push([f.tenths, f.n]);
    } else if (f.kind === 'supplement' && f.department) {
      const row = supplements.get(f.department);
      if (row) row[f.outcome as SupplementOutcome] += f.n;
    }
  }
  const weeks = new Map<string, { from: string; to: string } & DayCounts>();
  // Days come in order, so a week's first day seen is its first in the period, its last the last.
  for (const [day, c] of byDay) {
    const w = weeks.get(isoWeek(day)) ?? { from: day, to: day, ...zeroCounts() };
    for (const k of Object.keys(c) as Array<keyof DayCounts>) w[k] += c[k];
    w.to = day;
    weeks.set(isoWeek(day), w);
  }
  const overdue = new Map<string, number>();
  const backlog = new Map<string, BacklogRow>();
  for (const c of openCases) {
    for (const d of c.overdueDepartments) overdue.set(d, (overdue.get(d) ?? 0) + 1);
    const key = `${c.area}|${c.route}`;
    const row = backlog.get(key) ?? { area: c.area, route: c.route, open: 0 };
    row.open++;
    backlog.set(key, row);
  }
  return {
    days: [...byDay].map(([day, c]) => ({ day, ...c })),
    weeks: [...weeks].map(([week, w]) => ({ week, ...w })),
    sla: DEPARTMENTS.map((department) => {
      const w = within.get(department)!;
      const l = late.get(department)!;
      return {
        department,
        withinDeadline: w,
        late: l,
        overdueNow: overdue.get(department) ?? 0,
        compliancePct: w + l === 0 ? null : Math.round((1000 * w) / (w + l)) / 10,
      };
    }),
    decisionTimes: DEPARTMENTS.map((department) => {
      const tenths = durations.get(department)!;
      const ms = (v: number | null) => (v === null ? null : v * 360_000);
      return {
        department,
        decisions: total(tenths),
        medianMs: ms(weightedMedian(tenths)),
        p90Ms: ms(weightedPercentile(tenths, 90)),
      };
    }),
    supplements: DEPARTMENTS.map((department) => ({ department, ...supplements.get(department)! })),
    backlog: [...backlog.values()].sort((a, b) => b.open - a.open || a.area.localeCompare(b.area)),
  };
}

/** One area's figures for a period, as a supervisor reports them upward: what came in, how it ended, on time. */
export interface AreaRow {
  area: string;
  route: string;
  opened: number;
  settled: number;
  rejected: number;
  withdrawn: number;
  terminated: number;
  /** Officer decisions in the period, within and after their deadline (every department, or the one filtered). */
  decidedWithinDeadline: number;
  decidedLate: number;
  /** Cases open now (not of the period: as of the reading). */
  openNow: number;
  /** Of those, the cases with a wait overdue now (of the department asked for, when one is). */
  overdueNow: number;
  /** Children waiting for a kindergarten or school place now (persons, not cases; §21–23). */
  childrenWaitingNow: number;
  /** The people of the cases received and settled in the period: applicants and their families (§1). */
  openedPersons: number;
  settledPersons: number;
}

/** The areas a report lists, empty or not: the districts (points route), then the towns, as filtered. */
export function reportedAreas(filter: { route?: Route; area?: string }): Array<{ area: string; route: Route }> {
  const all = [
    ...DISTRICTS.map((area) => ({ area, route: 'points' as const })),
    ...TOWNS.map((area) => ({ area, route: 'town' as const })),
  ];
  return all.filter((a) => (!filter.route || a.route === filter.route) && (!filter.area || a.area === filter.area));
}

/**
 * Per district and town: the cases received and ended in the period (and the people of those
 * received and settled: a family of four is four persons settled), the officer decisions made
 * within and after their deadline, the cases open now and overdue now, and the children waiting
 * for a school place now (the education waiting list's, counted where the cases are). Every area of `areas`
 * has its row, in that order (the city's own order of districts, then towns), zeros included: a
 * report upward lists every district, and a blank one is a figure too. Any other area after.
 */
export function areaFigures(
  facts: ReadonlyArray<Pick<CaseFact, 'kind' | 'day' | 'route' | 'area' | 'outcome' | 'withinSla' | 'persons'>>,
  openCases: readonly OpenCaseRow[],
  period: { from: string; to: string },
  areas: ReadonlyArray<{ area: string; route: string }>,
  department?: Department,
): AreaRow[] {
  const rows = new Map<string, AreaRow>();
  const row = (area: string, route: string): AreaRow => {
    let r = rows.get(area);
    if (!r) {
      r = {
        area,
        route,
        ...zeroCounts(),
        decidedWithinDeadline: 0,
        decidedLate: 0,
        openNow: 0,
        overdueNow: 0,
        childrenWaitingNow: 0,
        openedPersons: 0,
        settledPersons: 0,
      };
      rows.set(area, r);
    }
    return r;
  };
  for (const a of areas) row(a.area, a.route);
  for (const f of facts) {
    if (f.day < period.from || f.day > period.to) continue;
    // A fact from before persons were counted is one person until the worker's migration adds them.
    const persons = f.persons ?? 1;
    if (f.kind === 'opened') {
      const r = row(f.area, f.route);
      r.opened++;
      r.openedPersons += persons;
    } else if (f.kind === 'ended') {
      const r = row(f.area, f.route);
      r[f.outcome as EndedOutcome]++;
      if (f.outcome === 'settled') r.settledPersons += persons;
    } else if (f.kind === 'decided') row(f.area, f.route)[f.withinSla ? 'decidedWithinDeadline' : 'decidedLate']++;
  }
  for (const c of openCases) {
    const r = row(c.area, c.route);
    r.openNow++;
    if (department ? c.overdueDepartments.includes(department) : c.overdueDepartments.length > 0) r.overdueNow++;
    r.childrenWaitingNow += c.childrenWaiting ?? 0;
  }
  const order = areas.map((a) => a.area);
  const rank = (area: string) => (order.includes(area) ? order.indexOf(area) : order.length);
  return [...rows.values()].sort((a, b) => rank(a.area) - rank(b.area) || a.area.localeCompare(b.area));
}
