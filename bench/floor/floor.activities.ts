/**
 * The floor workflow's activities. Bare, they do nothing, so only Temporal's own round trip is
 * measured. Given a collection (the floor with a store), each writes one small document by its
 * own `_id`: the least a case that keeps any record of its steps could store, so the difference
 * between the two floors is what a store costs at all, and ours above it is what we add.
 */
import { Context } from '@temporalio/activity';
import type { mongo } from 'mongoose';

/** Where the floor with a store writes (in the app's database). */
export const FLOOR_STORE_COLLECTION = 'bench_floor_writes';

/** MongoDB's duplicate-key error: a retried activity finds its own write already there. */
const DUPLICATE_KEY = 11000;

export function createFloorActivities(store?: mongo.Collection<{ _id: string; workflowId: string; at: Date }>) {
  return {
    async noop(): Promise<void> {
      if (!store) return;
      const { workflowExecution, activityId } = Context.current().info;
      const workflowId = workflowExecution?.workflowId ?? 'unknown';
      try {
        await store.insertOne({ _id: `${workflowId}:${activityId}`, workflowId, at: new Date() });
      } catch (err) {
        if ((err as { code?: unknown }).code !== DUPLICATE_KEY) throw err;
      }
    },
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
