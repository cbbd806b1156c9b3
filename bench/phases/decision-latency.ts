/**
 * (2) Decision latency: an officer's decision through the API (POST …/decision) beside a raw
 * executeUpdate on the floor workflow, both on cases already waiting (the open cases of the
 * footprint phase), a few at a time, the two sides in turns; `runs` times, each on cases of its own.
 */
import type { BenchContext } from '../context';
import { floorDecideUpdate } from '../floor/floor.workflow';
import { decide, mapPool, type DecisionBody } from '../lib/api-driver';
import { latencies, spread, type Latencies, type Spread } from '../lib/measure';
import { say } from '../lib/progress';

export interface LatencySpread {
  p50: Spread;
  p95: Spread;
  p99: Spread;
  /** Samples per run. */
  n: number;
}

export interface DecisionLatencyFigures {
  api: LatencySpread;
  rawUpdate: LatencySpread;
  ratioP50: Spread;
  concurrency: number;
  runs: number;
}

export function latencySpread(runs: Latencies[]): LatencySpread {
  return {
    p50: spread(runs.map((l) => l.p50)),
    p95: spread(runs.map((l) => l.p95)),
    p99: spread(runs.map((l) => l.p99)),
    n: runs[0]?.n ?? 0,
  };
}

export async function measureDecisionLatency(
  ctx: BenchContext,
  floorOpen: string[],
  openIds: string[],
): Promise<DecisionLatencyFigures> {
  const { sizes } = ctx;
  const perRun = Math.min(sizes.latencySamples, Math.floor(Math.min(floorOpen.length, openIds.length) / ctx.runs));
  say(`(2) decision latency: ${perRun} decisions each side, ${sizes.latencyConcurrency} at a time, ${ctx.runs} run(s)`);
  const raws: Latencies[] = [];
  const apis: Latencies[] = [];
  const approve: DecisionBody = { decision: 'approve' };
  for (let run = 0; run < ctx.runs; run++) {
    const slice = <T>(xs: T[]) => xs.slice(run * perRun, (run + 1) * perRun);
    const [floorIds, caseIds] = [slice(floorOpen), slice(openIds)];
    const raw: number[] = [];
    const api: number[] = [];
    // The two sides take turns, a pool's worth each: whatever else loads the machine (the work
    // earlier decisions left behind, other processes) falls on both alike, where measuring all
    // raw Updates and then all API decisions let it drift between the halves (±0.5× run to run).
    const chunk = sizes.latencyConcurrency;
    for (let i = 0; i < perRun; i += chunk) {
      raw.push(
        ...(await mapPool(floorIds.slice(i, i + chunk), chunk, async (id) => {
          const started = performance.now();
          await ctx.floorClient.workflow.getHandle(id).executeUpdate(floorDecideUpdate, { args: [0] });
          return performance.now() - started;
        })),
      );
      api.push(
        ...(await mapPool(caseIds.slice(i, i + chunk), chunk, async (id) => {
          const res = await decide(ctx.stack.apiUrl, ctx.officerTokens.police, id, 'police', approve);
          if (res.status !== 200) throw new Error(`decision refused: ${res.status} ${JSON.stringify(res.body)}`);
          return res.ms;
        })),
      );
    }
    const [r, a] = [latencies(raw), latencies(api)];
    raws.push(r);
    apis.push(a);
    say(
      `    run ${run + 1}: raw executeUpdate p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} p99 ${r.p99.toFixed(1)} ms; API decision p50 ${a.p50.toFixed(1)} p95 ${a.p95.toFixed(1)} p99 ${a.p99.toFixed(1)} ms`,
    );
  }
  return {
    api: latencySpread(apis),
    rawUpdate: latencySpread(raws),
    ratioP50: spread(apis.map((a, i) => a.p50 / raws[i]!.p50)),
    concurrency: sizes.latencyConcurrency,
    runs: ctx.runs,
  };
}
