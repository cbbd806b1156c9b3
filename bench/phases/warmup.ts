/**
 * Warm-up (not measured): JIT, connections and caches on both sides; and the floor's shape,
 * read from the history of one of our settled town cases so the floor does the same amount of
 * Temporal work (activities and updates) with none of our logic.
 */
import { settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import type { BenchContext } from '../context';
import { countEvents, runFloorCases, runOurCases } from '../drive';
import type { FloorInput } from '../floor/floor.workflow';
import { say } from '../lib/progress';

export async function warmUp(ctx: BenchContext): Promise<FloorInput> {
  say(`warm-up: ${ctx.sizes.warmup} cases each side (not measured)`);
  const warm = await runOurCases(ctx, ctx.people.warmup, 'warm-up');
  const shapeFromHistory = countEvents(
    await ctx.client.workflow.getHandle(settlementCaseWorkflowId(warm.ids[0]!)).fetchHistory(),
  );
  // Our town case: 1 write at submission; per department a lookup and a write, then (after the
  // decision) a reservation and a write; then the registration stretch. The rest goes to `end`.
  const branches = shapeFromHistory.updates;
  const floorShape: FloorInput = { branches, start: 1, before: 2, after: 2, end: 0 };
  floorShape.end = Math.max(
    0,
    shapeFromHistory.activities - floorShape.start - branches * (floorShape.before + floorShape.after),
  );
  say(
    `    a settled town case: ${shapeFromHistory.activities} activities, ${branches} updates → floor shape ${JSON.stringify(floorShape)}`,
  );
  await runFloorCases(ctx, ctx.sizes.warmup, floorShape, 'floor warm-up');
  return floorShape;
}
