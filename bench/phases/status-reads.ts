/**
 * (3) Status reads: requests per second of the applicant's case view under load, spread over
 * every case the throughput phase settled (each read by its own applicant, in turn, so no one
 * hot document is served from a warm cache), beside a bare Express route serving one case's
 * body in the same process, and beside the read-model lookup the route makes (the same cases
 * in turn) from this process. Each measured `runs` times.
 */
import { caseModel } from '../../models/case.model';
import type { BenchContext } from '../context';
import { applicantToken } from '../drive';
import { call } from '../lib/api-driver';
import { callLoop, loadLoop, spread, timed, type LoadResult, type LoadTarget, type Spread } from '../lib/measure';
import type { SyntheticPerson } from '../lib/people';
import { say } from '../lib/progress';

export interface LoadFigures {
  rps: Spread;
  p99: Spread;
  errors: number;
  requests: number;
}

export interface StatusReadFigures {
  /** Cases the reads were spread over. */
  cases: number;
  connections: number;
  runs: number;
  api: LoadFigures;
  bare: LoadFigures;
  readModel: LoadFigures;
  /** Per run: case view req/s over the bare route's, and over the lookup's. */
  ratioRps: Spread;
  ratioToReadModel: Spread;
  /** The bare route's body (one case's view). */
  bodyBytes: number;
}

function figures(results: LoadResult[]): LoadFigures {
  return {
    rps: spread(results.map((r) => r.rps)),
    p99: spread(results.map((r) => r.p99)),
    errors: results.reduce((s, r) => s + r.errors, 0),
    requests: results.reduce((s, r) => s + r.requests, 0),
  };
}

export async function measureStatusReads(
  ctx: BenchContext,
  cases: Array<{ caseId: string; person: SyntheticPerson }>,
): Promise<StatusReadFigures> {
  const { sizes, stack, barePort } = ctx;
  if (cases.length === 0) throw new Error('status reads need settled cases');
  say(
    `(3) status reads: ${sizes.connections} connections × ${sizes.loadMs / 1000} s over ${cases.length} cases, ${ctx.runs} run(s): bare route, case view, lookup`,
  );
  const targets: LoadTarget[] = await Promise.all(
    cases.map(async ({ caseId, person }) => ({
      url: `${stack.apiUrl}/api/v1/applicant/cases/${caseId}`,
      headers: { authorization: `Bearer ${await applicantToken(ctx, person.idNumber)}` },
    })),
  );
  const first = targets[0]!;
  const view = await call(first.url, { headers: first.headers! });
  if (view.status !== 200) throw new Error(`case view: ${view.status} ${JSON.stringify(view.body)}`);
  const put = await fetch(`http://127.0.0.1:${barePort}/bare`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(view.body),
  });
  if (put.status !== 204) throw new Error(`bare payload: ${put.status}`);
  const ids = cases.map((c) => c.caseId);
  const bare: LoadResult[] = [];
  const api: LoadResult[] = [];
  const db: LoadResult[] = [];
  for (let run = 0; run < ctx.runs; run++) {
    bare.push(
      await loadLoop({
        targets: [{ url: `http://127.0.0.1:${barePort}/bare` }],
        connections: sizes.connections,
        durationMs: sizes.loadMs,
      }),
    );
    // Each loop starts where the last left off, so the runs do not read the same first cases.
    api.push(
      await loadLoop({ targets: rotate(targets, run, ctx.runs), connections: sizes.connections, durationMs: sizes.loadMs }),
    );
    // The database alone: the same read-model lookups the route makes, from as many loops, over
    // a pool the size of the API's. What the route cannot beat, whatever our layers cost.
    let next = Math.floor((run * ids.length) / ctx.runs);
    db.push(
      await callLoop(
        () =>
          timed(() =>
            caseModel(ctx.mongo)
              .findById(ids[next++ % ids.length]!)
              .lean(),
          ),
        sizes.connections,
        sizes.loadMs,
      ),
    );
    const [b, a, d] = [bare.at(-1)!, api.at(-1)!, db.at(-1)!];
    say(
      `    run ${run + 1}: bare ${b.rps.toFixed(0)} req/s (p99 ${b.p99.toFixed(1)} ms, ${b.errors} errors); case view ${a.rps.toFixed(0)} req/s (p99 ${a.p99.toFixed(1)} ms, ${a.errors} errors); lookup ${d.rps.toFixed(0)} reads/s (p99 ${d.p99.toFixed(1)} ms)`,
    );
  }
  return {
    cases: cases.length,
    connections: sizes.connections,
    runs: ctx.runs,
    api: figures(api),
    bare: figures(bare),
    readModel: figures(db),
    ratioRps: spread(api.map((a, i) => a.rps / bare[i]!.rps)),
    ratioToReadModel: spread(api.map((a, i) => a.rps / db[i]!.rps)),
    bodyBytes: JSON.stringify(view.body).length,
  };
}

/** `items` starting at the run's share of them (run r of n starts r/n of the way in). */
function rotate<T>(items: T[], run: number, runs: number): T[] {
  const at = Math.floor((run * items.length) / runs) % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}
