/**
 * Warm-up (not measured): JIT, connections and caches on both sides; and the floor's shapes,
 * read from the histories of our settled warm-up cases — one per kind of the throughput mix
 * (town, points, family with children) — so the floor does the same amount of Temporal work
 * (activities and updates) for the same mix, with none of our logic.
 */
import { settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import type { BenchContext } from '../context';
import { countEvents, runFloorCases, runOurCases } from '../drive';
import { FLOOR_STORE_TASK_QUEUE, type FloorInput } from '../floor/floor.workflow';
import type { PersonKind } from '../lib/people';
import { say } from '../lib/progress';

/** The floor's shapes in the order of the throughput mix (bench/lib/people.ts mixedPeople). */
export interface FloorShapes {
  kinds: PersonKind[];
  shapes: FloorInput[];
}

export async function warmUp(ctx: BenchContext): Promise<FloorShapes> {
  say(`warm-up: ${ctx.sizes.warmup} mixed cases each side (not measured)`);
  const warm = await runOurCases(ctx, ctx.people.warmup, 'warm-up');
  const kinds: PersonKind[] = [];
  const shapes: FloorInput[] = [];
  for (const [i, person] of ctx.people.warmup.entries()) {
    if (kinds.includes(person.kind)) continue;
    const shapeFromHistory = countEvents(
      await ctx.client.workflow.getHandle(settlementCaseWorkflowId(warm.ids[i]!)).fetchHistory(),
    );
    // E.g. a town case: 1 write at submission; per department a lookup and a write, then (after
    // the decision) a reservation and a write; then the registration stretch. The rest goes to `end`.
    const branches = shapeFromHistory.updates;
    const shape: FloorInput = { branches, start: 1, before: 2, after: 2, end: 0 };
    shape.end = Math.max(0, shapeFromHistory.activities - shape.start - branches * (shape.before + shape.after));
    say(
      `    a settled ${person.kind} case: ${shapeFromHistory.activities} activities, ${branches} updates → floor shape ${JSON.stringify(shape)}`,
    );
    kinds.push(person.kind);
    shapes.push(shape);
  }
  await runFloorCases(ctx, ctx.sizes.warmup, shapes, 'floor warm-up');
  await runFloorCases(ctx, ctx.sizes.warmup, shapes, 'floor with a store warm-up', FLOOR_STORE_TASK_QUEUE);
  return { kinds, shapes };
}
