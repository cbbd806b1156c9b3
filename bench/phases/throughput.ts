/**
 * (1) Throughput: cases to settled per second, ours (town cases through the API, an officer
 * pool deciding through the API) beside the floor (minimal workflows of the same shape through
 * the Temporal client).
 */
import type { BenchContext } from '../context';
import { runFloorCases, runOurCases } from '../drive';
import type { FloorInput } from '../floor/floor.workflow';
import { say } from '../lib/progress';

export async function measureThroughput(ctx: BenchContext, floorShape: FloorInput) {
  const { cases } = ctx.sizes;
  say(`(1) throughput: floor — ${cases} minimal workflows through the Temporal client`);
  const floor = await runFloorCases(ctx, cases, floorShape, 'floor');
  say(`    floor: ${floor.casesPerSecond.toFixed(2)} cases/s (${floor.seconds.toFixed(1)} s)`);
  say(`(1) throughput: ours — ${cases} town cases through the API, officer pool deciding through the API`);
  const ours = await runOurCases(ctx, ctx.people.throughput, 'ours');
  say(`    ours: ${ours.casesPerSecond.toFixed(2)} cases/s (${ours.seconds.toFixed(1)} s)`);
  return { ours, floor };
}
