/**
 * (2) Decision latency: an officer's decision through the API (POST …/decision) beside a raw
 * executeUpdate on the floor workflow, both on cases already waiting (the open cases of the
 * footprint phase), a few at a time.
 */
import type { BenchContext } from '../context';
import { floorDecideUpdate } from '../floor/floor.workflow';
import { decide, mapPool, type DecisionBody } from '../lib/api-driver';
import { latencies } from '../lib/measure';
import { say } from '../lib/progress';
import type { Results } from '../results';

export async function measureDecisionLatency(
  ctx: BenchContext,
  floorOpen: string[],
  openIds: string[],
): Promise<Results['decisionLatencyMs']> {
  const { sizes } = ctx;
  say(`(2) decision latency: ${sizes.latencySamples} decisions each side, ${sizes.latencyConcurrency} at a time`);
  const raw = await mapPool(floorOpen.slice(0, sizes.latencySamples), sizes.latencyConcurrency, async (id) => {
    const started = performance.now();
    await ctx.floorClient.workflow.getHandle(id).executeUpdate(floorDecideUpdate, { args: [0] });
    return performance.now() - started;
  });
  const rawLat = latencies(raw);
  say(`    raw executeUpdate: p50 ${rawLat.p50.toFixed(1)} p95 ${rawLat.p95.toFixed(1)} p99 ${rawLat.p99.toFixed(1)} ms`);
  const approve: DecisionBody = { decision: 'approve' };
  const api = await mapPool(openIds.slice(0, sizes.latencySamples), sizes.latencyConcurrency, async (id) => {
    const res = await decide(ctx.stack.apiUrl, ctx.officerTokens.police, id, 'police', approve);
    if (res.status !== 200) throw new Error(`decision refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.ms;
  });
  const apiLat = latencies(api);
  say(`    API decision:      p50 ${apiLat.p50.toFixed(1)} p95 ${apiLat.p95.toFixed(1)} p99 ${apiLat.p99.toFixed(1)} ms`);
  return { api: apiLat, rawUpdate: rawLat, ratioP50: apiLat.p50 / rawLat.p50, concurrency: sizes.latencyConcurrency };
}
