/**
 * (4) Supervisor audit at scale: the stuck-cases queries on a read model seeded with a fixed
 * set of open cases, timed at the small size and again after ten times as many closed cases
 * were added. The API code runs in this process (createApp) on a dedicated database, timed
 * over loopback HTTP; the database is dropped afterwards.
 */
import type { BenchContext } from '../context';
import { call } from '../lib/api-driver';
import { atTwoSizes, dedicatedApi } from '../lib/dedicated-api';
import { latencies } from '../lib/measure';
import { say } from '../lib/progress';
import { seedReadModel } from '../lib/read-model-seed';
import type { Results } from '../results';

export async function measureSupervisorAudit(ctx: BenchContext): Promise<Results['supervisorAudit']> {
  const { sizes } = ctx;
  const api = await dedicatedApi(ctx, 'audit');
  const { db, conn, base, token } = api;
  say(`(4) supervisor audit: seeding ${sizes.seedSmall} cases into database ${db}…`);
  const shape = { open: sizes.seedOpen };
  const queries = { overdue: 'reason=overdue', stale: 'reason=stale' };
  // A query slower than this is reported as "> cap" (Infinity in the JSON) rather than waited for.
  const capMs = ctx.quick ? 60_000 : 120_000;
  const time = async (runs: number) => {
    const out: Record<string, number> = {};
    const totals: Record<string, number> = {};
    let stuck = 0;
    for (const [name, q] of Object.entries(queries)) {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        try {
          const res = await call<{ total: number }>(`${base}/api/v1/supervisor/stuck-cases?${q}&limit=20`, {
            token,
            timeoutMs: capMs,
          });
          if (res.status !== 200) throw new Error(`stuck-cases ${q}: ${res.status} ${JSON.stringify(res.body)}`);
          if (name === 'overdue') stuck = res.body.total;
          totals[name] = res.body.total;
          samples.push(res.ms);
        } catch (err) {
          if (!(err instanceof Error) || err.name !== 'TimeoutError') throw err;
          samples.push(Infinity);
          break; // one timed-out query is answer enough
        }
      }
      out[name] = latencies(samples).p50;
      say(`    ${name}: ${Number.isFinite(out[name]) ? out[name]!.toFixed(0) : `> ${capMs}`} ms (median of ${samples.length})`);
    }
    return { ms: out, totals, stuck, capMs };
  };
  try {
    return await atTwoSizes(ctx, {
      largeNote: `(4) supervisor audit: seeding up to ${sizes.seedLarge} cases (closed ones only)…`,
      seed: async (from, to, progress) => {
        await seedReadModel(conn, from, to, shape, progress);
        await api.analyze();
      },
      time,
    });
  } finally {
    await api.close();
  }
}
