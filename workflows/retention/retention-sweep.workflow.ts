/**
 * The retention sweep (issue 15 part 5; README "Retention"), started daily by a Temporal
 * Schedule (temporal/retention-schedule.ts): anonymises the case files that have passed their
 * period, class by class in pages of cases, then deletes the access-record days that have
 * passed theirs, and leaves a `retention_runs` record of what it did. Resumable like key
 * rotation: the position travels in the workflow's state, each page is idempotent, and the run
 * continues as new before its history grows long.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { CASE_RETENTION_CLASSES } from '../../domain/retention';
import type { RetentionSweepInput, RetentionSweepResult } from './messages';

const { beginRetentionRun, anonymiseExpiredCases, deleteExpiredAccessDays, finishRetentionRun } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function retentionSweep(input: RetentionSweepInput): Promise<RetentionSweepResult> {
  const run =
    input.run ?? (await beginRetentionRun({ runId: workflowInfo().workflowId, ...(input.asOf ? { asOf: input.asOf } : {}) }));
  let cls = input.from?.cls ?? 0;
  let afterId = input.from?.afterId;
  while (cls < CASE_RETENTION_CLASSES.length) {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2000) {
      await continueAsNew<typeof retentionSweep>({ ...input, run, from: { cls, ...(afterId ? { afterId } : {}) } });
    }
    const retentionClass = CASE_RETENTION_CLASSES[cls]!;
    const batch = await anonymiseExpiredCases({
      runId: run.runId,
      cls: retentionClass,
      cutoff: run.caseCutoffs[retentionClass],
      afterId,
      limit: run.batchSize,
    });
    if (batch.lastId === undefined || batch.read < run.batchSize) {
      cls += 1;
      afterId = undefined;
    } else afterId = batch.lastId;
  }
  // Whole days, a bounded number per activity, until none is left before the first day kept.
  while ((await deleteExpiredAccessDays({ runId: run.runId, before: run.firstAccessDayKept })).more);
  return finishRetentionRun({ runId: run.runId });
}
