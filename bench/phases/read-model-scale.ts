/**
 * (8) The read model as it grows (issue 12): a case read (GET /api/v1/supervisor/cases/:id,
 * through the API code) and a transition write (the recordCaseTransition activity: projection,
 * audit line, dashboard facts) at 1,000, 10,000 and 100,000 cases of a dedicated database, each
 * the median over random cases. Flat (within 1.5× from the smallest to the largest) means the
 * store answers both from an index rather than by reading the collection: under FerretDB on
 * PostgreSQL, the GIN indexes of models/postgresql-indexes.ts.
 */
import { createCaseRecordActivities } from '../../activities/case-record.activities';
import { createNoticeRenderer } from '../../activities/notifications/renderer';
import { caseParts, deltaBetween } from '../../domain/case-delta';
import { readModelFields } from '../../domain/case-summary';
import type { CaseState } from '../../domain/case-state';
import { caseModel } from '../../models/case.model';
import type { BenchContext } from '../context';
import { call } from '../lib/api-driver';
import { dedicatedApi } from '../lib/dedicated-api';
import { latencies } from '../lib/measure';
import { say, ticker } from '../lib/progress';
import { seedReadModel, seededCaseId } from '../lib/read-model-seed';

export interface ReadModelScale {
  sizes: Array<{ cases: number; readMs: number; writeMs: number }>;
  /** Largest size's median over the smallest's. */
  ratio: { read: number; write: number };
  samples: number;
}

/** A deterministic spread over the seeded cases: no hot document, no cache of one. */
function spread(count: number, size: number, salt: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * 7919 + salt * 104_729) % size);
}

export async function measureReadModelScale(ctx: BenchContext): Promise<ReadModelScale> {
  const sizes = ctx.quick ? [1000, 10_000] : [1000, 10_000, 100_000];
  const samples = ctx.quick ? 50 : 200;
  const api = await dedicatedApi(ctx, 'scale');
  const { conn, base, token } = api;
  const record = createCaseRecordActivities({ mongo: conn, renderer: createNoticeRenderer() });
  const cases = caseModel(conn);
  const out: ReadModelScale['sizes'] = [];
  try {
    let seeded = 0;
    for (const [k, size] of sizes.entries()) {
      say(`(8) read model at scale: seeding up to ${size} cases…`);
      let done = seeded;
      const stop = ticker(() => `seeded ${done}/${size}`);
      await seedReadModel(conn, seeded, size, { open: 200 }, (n) => (done = n));
      stop();
      seeded = size;
      await api.analyze();

      const reads: number[] = [];
      for (const n of spread(samples, size, k)) {
        const res = await call(`${base}/api/v1/supervisor/cases/${seededCaseId(n)}`, { token });
        if (res.status !== 200) throw new Error(`case read: ${res.status} ${JSON.stringify(res.body)}`);
        reads.push(res.ms);
      }
      const writes: number[] = [];
      for (const n of spread(samples, size, k + 17)) {
        const doc = await cases.findById(seededCaseId(n)).lean();
        if (!doc) throw new Error(`seeded case ${n} is missing`);
        const state = doc as unknown as CaseState;
        const at = new Date().toISOString();
        const next = { ...state, lastProgressAt: at };
        const t0 = performance.now();
        // As a case started since `delta-transitions` writes it: what changed since the stored transition.
        await record.recordCaseTransition({
          caseId: state.caseId,
          seq: doc.seq + 1,
          baseSeq: doc.seq,
          changes: deltaBetween(caseParts(state), caseParts(next)),
          fields: readModelFields(next),
          lastProgressAt: at,
          audit: [{ type: 'note', at, by: 'bench', role: 'system', what: 'bench transition' } as never],
          notices: [],
        });
        writes.push(performance.now() - t0);
      }
      const row = { cases: size, readMs: latencies(reads).p50, writeMs: latencies(writes).p50 };
      out.push(row);
      say(`    ${size} cases: read p50 ${row.readMs.toFixed(1)} ms, transition write p50 ${row.writeMs.toFixed(1)} ms`);
    }
  } finally {
    await api.close();
  }
  const first = out[0]!;
  const last = out[out.length - 1]!;
  return { sizes: out, ratio: { read: last.readMs / first.readMs, write: last.writeMs / first.writeMs }, samples };
}
