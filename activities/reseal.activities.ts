/**
 * One batch of re-sealing (issue 15, workflows/key-rotation): reads raw documents with the plain
 * driver (the model hooks would open them), re-seals what is stale or still clear, and writes
 * back only the top-level fields that changed, on condition that they still hold what was read:
 * a document the app rewrote meanwhile was sealed with the current key by that write, and is
 * left alone. Idempotent: a retried batch finds its documents current and changes nothing.
 */
import type { Connection } from 'mongoose';
import { SEALED_COLLECTIONS, resealDeep } from '../models/sealed-fields.plugin';
import type { ResealBatchResult } from '../workflows/key-rotation/messages';

export function createResealActivities(deps: { mongo: Connection }) {
  return {
    async resealBatch(input: { collection: string; afterId?: string | undefined; limit: number }): Promise<ResealBatchResult> {
      const keys = SEALED_COLLECTIONS.get(input.collection);
      if (!keys) throw new Error(`${input.collection} is not a sealed collection`);
      const raw = deps.mongo.collection<{ _id: string } & Record<string, unknown>>(input.collection);
      const docs = await raw
        .find(input.afterId === undefined ? {} : { _id: { $gt: input.afterId } })
        .sort({ _id: 1 })
        .limit(input.limit)
        .toArray();
      let resealed = 0;
      for (const doc of docs) {
        const next = resealDeep(doc, keys) as Record<string, unknown>;
        if (next === doc) continue;
        const changed = Object.keys(next).filter((k) => next[k] !== doc[k]);
        const unchanged = Object.fromEntries(changed.map((k) => [k, doc[k]]));
        const set = Object.fromEntries(changed.map((k) => [k, next[k]]));
        const res = await raw.updateOne({ _id: doc._id, ...unchanged }, { $set: set });
        resealed += res.modifiedCount;
      }
      const last = docs[docs.length - 1];
      return { ...(last ? { lastId: String(last._id) } : {}), read: docs.length, resealed };
    },
  };
}
