/**
 * (6) Supervisor dashboard at scale (issue 11): GET /supervisor/dashboard for the last 30 days
 * (the default) and for a whole year, on a dedicated database seeded with synthetic cases and
 * their facts as the projection writes them (bench/lib/dashboard-seed.ts). First 10,000 cases
 * submitted within the last 30 days (a fifth of them open); then 90,000 ended cases spread over
 * the eleven months before: the month's matches stay the same while the collections grow
 * tenfold, so time that grows with them means the month filter scans instead of being pushed
 * down. The year's query reads every fact, so it grows with the data by design.
 */
import { shanghaiToday } from '../../domain/shanghai-clock';
import type { BenchContext } from '../context';
import { call } from '../lib/api-driver';
import { atTwoSizes, dedicatedApi } from '../lib/dedicated-api';
import { seedDashboardCases } from '../lib/dashboard-seed';
import { latencies } from '../lib/measure';
import { say } from '../lib/progress';
import type { Results } from '../results';

export async function measureDashboard(ctx: BenchContext): Promise<Results['dashboard']> {
  const { sizes } = ctx;
  const api = await dedicatedApi(ctx, 'dashboard');
  const { db, conn, base, token } = api;
  const now = new Date();
  const today = shanghaiToday(now);
  const yearAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
  const queries: Record<string, string> = { month: '', year: `?from=${yearAgo}&to=${today}` };
  const capMs = ctx.quick ? 60_000 : 180_000;
  const time = async (runs: number) => {
    const ms: Record<string, number> = {};
    const opened: Record<string, number> = {};
    for (const [name, q] of Object.entries(queries)) {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        try {
          const res = await call<{ days: Array<{ opened: number }> }>(`${base}/api/v1/supervisor/dashboard${q}`, {
            token,
            timeoutMs: capMs,
          });
          if (res.status !== 200) throw new Error(`dashboard ${q}: ${res.status} ${JSON.stringify(res.body)}`);
          opened[name] = res.body.days.reduce((a, d) => a + d.opened, 0);
          samples.push(res.ms);
        } catch (err) {
          if (!(err instanceof Error) || err.name !== 'TimeoutError') throw err;
          samples.push(Infinity);
          break;
        }
      }
      ms[name] = latencies(samples).p50;
      say(`    ${name}: ${Number.isFinite(ms[name]) ? ms[name]!.toFixed(0) : `> ${capMs}`} ms (median of ${samples.length})`);
    }
    return { ms, opened, capMs };
  };
  try {
    say(`(7) dashboard: seeding ${sizes.seedSmall} cases of the last 30 days into database ${db}…`);
    return await atTwoSizes(ctx, {
      largeNote: `(7) dashboard: seeding up to ${sizes.seedLarge} cases (ended ones, in the 11 months before)…`,
      seed: async (from, to, progress) => {
        await (from === 0
          ? seedDashboardCases(conn, { from, to, now, daysAgo: (n) => n % 30 }, progress)
          : seedDashboardCases(conn, { from, to, now, daysAgo: (n) => 31 + (n % 330), ended: true }, progress));
        await api.analyze();
      },
      time,
    });
  } finally {
    await api.close();
  }
}
