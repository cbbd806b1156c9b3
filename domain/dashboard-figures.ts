/**
 * The supervisor dashboard's figures (issue 11) from the facts of a period and the open cases:
 * pure aggregation, so the definitions (ISO week, median, 90th percentile, compliance) are
 * tested without a database. The application layer reads; this counts.
 */
import type { CaseFact, DecidedOutcome, EndedOutcome, SupplementOutcome } from './case-facts';
import { DEPARTMENTS, type Department } from './vocabulary';

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
}

export interface DashboardFigures {
  days: Array<{ day: string } & DayCounts>;
  weeks: Array<{ week: string } & DayCounts>;
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

/** Median: the middle value, or the mean of the two middle values; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values ≤ it; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

const zeroCounts = (): DayCounts => ({ opened: 0, settled: 0, rejected: 0, withdrawn: 0, terminated: 0 });

/**
 * The figures of the facts dated in [from, to] (days in Asia/Shanghai) and of the open cases now.
 * Facts outside the period are ignored (the reads fetch whole months).
 */
export function dashboardFigures(
  facts: readonly CaseFact[],
  openCases: readonly OpenCaseRow[],
  period: { from: string; to: string },
): DashboardFigures {
  const days = daysBetween(period.from, period.to);
  const byDay = new Map(days.map((d) => [d, zeroCounts()]));
  const within = new Map<Department, number>(DEPARTMENTS.map((d) => [d, 0]));
  const late = new Map<Department, number>(DEPARTMENTS.map((d) => [d, 0]));
  const durations = new Map<Department, number[]>(DEPARTMENTS.map((d) => [d, []]));
  const supplements = new Map<Department, Record<SupplementOutcome, number>>(
    DEPARTMENTS.map((d) => [d, { answered: 0, lapsed: 0, closed: 0, open: 0 }]),
  );
  for (const f of facts) {
    const counts = byDay.get(f.day);
    if (!counts) continue;
    if (f.kind === 'opened') counts.opened++;
    else if (f.kind === 'ended') counts[f.outcome as EndedOutcome]++;
    else if (f.kind === 'decided' && f.department && (f.outcome as DecidedOutcome) !== undefined) {
      const m = f.withinSla ? within : late;
      m.set(f.department, (m.get(f.department) ?? 0) + 1);
      if (typeof f.ms === 'number') durations.get(f.department)?.push(f.ms);
    } else if (f.kind === 'supplement' && f.department) {
      const row = supplements.get(f.department);
      if (row) row[f.outcome as SupplementOutcome]++;
    }
  }
  const weeks = new Map<string, DayCounts>();
  for (const [day, c] of byDay) {
    const w = weeks.get(isoWeek(day)) ?? zeroCounts();
    for (const k of Object.keys(c) as Array<keyof DayCounts>) w[k] += c[k];
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
    weeks: [...weeks].map(([week, c]) => ({ week, ...c })),
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
      const ms = durations.get(department)!;
      return { department, decisions: ms.length, medianMs: median(ms), p90Ms: percentile(ms, 90) };
    }),
    supplements: DEPARTMENTS.map((department) => ({ department, ...supplements.get(department)! })),
    backlog: [...backlog.values()].sort((a, b) => b.open - a.open || a.area.localeCompare(b.area)),
  };
}
