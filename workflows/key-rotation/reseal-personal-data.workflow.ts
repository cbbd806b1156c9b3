/**
 * Re-seals every sealed value of the app's MongoDB with the current key and suite, collection
 * by collection in `_id` order, one batch per activity (issue 15). Resumable: the position
 * travels in the workflow's own state, a batch is idempotent (values already current are left
 * as they are), and the run continues as new before its history grows long, so a worker crash
 * or a restart loses at most one batch's work, done again.
 */
import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { resealProgressQuery, type ResealInput, type ResealResult } from './messages';

const { resealBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function resealPersonalData(input: ResealInput): Promise<ResealResult> {
  let collection = input.from?.collection ?? 0;
  let afterId = input.from?.afterId;
  let read = input.read ?? 0;
  let resealed = input.resealed ?? 0;
  setHandler(resealProgressQuery, () => ({ collection, ...(afterId ? { afterId } : {}), read, resealed }));

  while (collection < input.collections.length) {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2000) {
      await continueAsNew<typeof resealPersonalData>({
        ...input,
        from: { collection, ...(afterId ? { afterId } : {}) },
        read,
        resealed,
      });
    }
    const batch = await resealBatch({ collection: input.collections[collection]!, afterId, limit: input.batchSize });
    read += batch.read;
    resealed += batch.resealed;
    if (batch.lastId === undefined || batch.read < input.batchSize) {
      collection += 1;
      afterId = undefined;
    } else afterId = batch.lastId;
  }
  return { read, resealed };
}
