/**
 * The floor of the throughput benchmark: a workflow with the shape of a settlement case and
 * nothing else — the same number of activity calls (no-ops) and officer updates, in the same
 * order (a first write; per department in parallel: work, wait for the decision, work; a
 * final stretch) — so its speed is what Temporal and the SDK cost on this server. Our case's
 * extra cost (API, MongoDB writes, simulator lookups, search attributes) is the difference.
 */
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler, allHandlersFinished } from '@temporalio/workflow';
import type { FloorActivities } from './floor.activities';

export const FLOOR_TASK_QUEUE = 'bench-floor';
/** The same workflow, served by a worker whose activities each write one document (floor.activities.ts). */
export const FLOOR_STORE_TASK_QUEUE = 'bench-floor-store';

export interface FloorInput {
  /** Parallel branches (departments), each waiting for one decision. */
  branches: number;
  /** Activities before the branches start. */
  start: number;
  /** Activities per branch before it waits for its decision. */
  before: number;
  /** Activities per branch after its decision. */
  after: number;
  /** Activities once every branch is done. */
  end: number;
}

export const floorDecideUpdate = defineUpdate<string, [number]>('decide');
/** Branches waiting for their decision right now. */
export const floorWaitingQuery = defineQuery<number[]>('waiting');

const { noop } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '20 seconds' },
});

export async function floorCase(input: FloorInput): Promise<'settled'> {
  const decided = new Set<number>();
  const waiting = new Set<number>();
  setHandler(floorDecideUpdate, (branch: number) => {
    decided.add(branch);
    return 'approved';
  });
  setHandler(floorWaitingQuery, () => [...waiting]);

  for (let i = 0; i < input.start; i++) await noop();
  await Promise.all(
    Array.from({ length: input.branches }, async (_, b) => {
      for (let i = 0; i < input.before; i++) await noop();
      waiting.add(b);
      await condition(() => decided.has(b));
      waiting.delete(b);
      for (let i = 0; i < input.after; i++) await noop();
    }),
  );
  for (let i = 0; i < input.end; i++) await noop();
  await condition(allHandlersFinished);
  return 'settled';
}
