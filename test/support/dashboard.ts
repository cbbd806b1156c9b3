/**
 * The dashboard tests' seed (bench/lib/dashboard-seed.ts) and the figures it must produce,
 * counted straight from the seeded states — not through the facts — so a wrong derivation or
 * aggregation shows up as a difference.
 */
import type { Connection } from 'mongoose';
import { seedDashboardCases } from '../../bench/lib/dashboard-seed';
import type { CaseState } from '../../domain/case-state';
import { daysBetween } from '../../domain/dashboard-figures';
import { shanghaiDay, shanghaiToday } from '../../domain/shanghai-clock';

/** A month of synthetic cases: case n is submitted (n × 13) mod 29 days before now. */
export function seedMonth(conn: Connection, count: number, now = new Date()): Promise<CaseState[]> {
  return seedDashboardCases(conn, { from: 0, to: count, now, daysAgo: (n) => (n * 13) % 29, keep: true });
}

export interface ExpectedDay {
  day: string;
  opened: number;
  settled: number;
  rejected: number;
  withdrawn: number;
  terminated: number;
}

/** The last 30 days (today included, Asia/Shanghai), as the dashboard's default period. */
export function defaultPeriod(now = new Date()): { from: string; to: string } {
  const to = shanghaiToday(now);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

export function expectedDays(states: readonly CaseState[], period: { from: string; to: string }): ExpectedDay[] {
  return daysBetween(period.from, period.to).map((day) => {
    const row: ExpectedDay = { day, opened: 0, settled: 0, rejected: 0, withdrawn: 0, terminated: 0 };
    for (const s of states) {
      if (shanghaiDay(s.submittedAt) === day) row.opened++;
      if (s.outcome && shanghaiDay(s.outcome.at) === day) row[s.outcome.status]++;
    }
    return row;
  });
}

/** Police decisions in time / late, and police steps overdue now, straight from the states. */
export function expectedPolice(states: readonly CaseState[]): { within: number; late: number; overdueNow: number } {
  let within = 0;
  let late = 0;
  let overdueNow = 0;
  for (const s of states) {
    const p = s.steps.police!;
    if (p.decision) {
      if (p.decision.at <= p.dueAt!) within++;
      else late++;
    } else if (!s.outcome && p.overdue) overdueNow++;
  }
  return { within, late, overdueNow };
}

/** Housing supplement rounds answered / lapsed. */
export function expectedSupplements(states: readonly CaseState[]): { answered: number; lapsed: number } {
  const rounds = states.flatMap((s) => (s.steps.housing?.supplement ? [s] : []));
  return {
    answered: rounds.filter((s) => s.steps.housing!.supplement!.providedAt).length,
    lapsed: rounds.filter((s) => !s.steps.housing!.supplement!.providedAt).length,
  };
}
