/**
 * The retention sweep (issue 15 part 5; README "Retention"), started daily by a Temporal
 * Schedule (temporal/retention-schedule.ts): anonymises the case files that have passed their
 * period, class by class, then deletes the access-record days that have passed theirs, and
 * leaves a `retention_runs` record of what it did.
 *
 * Cases are found month by month of their end, through the dashboard's `ended` facts (a `month`
 * + `kind` equality FerretDB pushes down), not by a filter over every closed case, which FerretDB
 * would evaluate over all of them on every page. A bookmark per class remembers the last month
 * with nothing left waiting, so a night walks only the months from there to the cut-off's.
 * Resumable like key rotation: the position travels in the workflow's state, each page is
 * idempotent, and the run continues as new before its history grows long.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { CASE_RETENTION_CLASSES, nextMonth, shanghaiMonth } from '../../domain/retention';
import type { RetentionSweepInput, RetentionSweepResult } from './messages';

const {
  beginRetentionRun,
  firstMonthToSweep,
  anonymiseExpiredCases,
  markSweptThrough,
  deleteExpiredAccessDays,
  finishRetentionRun,
} = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function retentionSweep(input: RetentionSweepInput): Promise<RetentionSweepResult> {
  const run =
    input.run ?? (await beginRetentionRun({ runId: workflowInfo().workflowId, ...(input.asOf ? { asOf: input.asOf } : {}) }));
  // A run measured from another instant than now (a test's `asOf`) never moves the bookmarks.
  const keepsBookmarks = input.asOf === undefined;
  let cls = input.from?.cls ?? 0;
  let month = input.from?.month;
  let afterId = input.from?.afterId;
  let clean = input.from?.clean ?? true;
  const nextClass = () => {
    cls += 1;
    month = undefined;
    afterId = undefined;
    clean = true;
  };
  while (cls < CASE_RETENTION_CLASSES.length) {
    const retentionClass = CASE_RETENTION_CLASSES[cls]!;
    const cutoff = run.caseCutoffs[retentionClass];
    const lastMonth = shanghaiMonth(cutoff);
    month ??= await firstMonthToSweep({ cls: retentionClass });
    if (month === undefined || month > lastMonth) {
      nextClass();
      continue;
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2000) {
      await continueAsNew<typeof retentionSweep>({
        ...input,
        run,
        from: { cls, month, ...(afterId ? { afterId } : {}), clean },
      });
    }
    const page = await anonymiseExpiredCases({
      runId: run.runId,
      cls: retentionClass,
      cutoff,
      month,
      lastMonth,
      afterId,
      limit: run.batchSize,
    });
    month = page.month;
    // Every page's skipped cases hold the month back, not only its last page's.
    clean &&= page.pending === 0;
    if (page.more) {
      afterId = page.lastId;
      continue;
    }
    // The cut-off's own month is never done: cases that end later in it are not yet due.
    if (clean && keepsBookmarks && month < lastMonth) await markSweptThrough({ cls: retentionClass, month });
    month = nextMonth(month);
    afterId = undefined;
  }
  // Whole days, a bounded number per activity, until none is left before the first day kept.
  while ((await deleteExpiredAccessDays({ runId: run.runId, before: run.firstAccessDayKept })).more);
  return finishRetentionRun({ runId: run.runId });
}
