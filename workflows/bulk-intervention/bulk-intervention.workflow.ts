/**
 * Issue 11 "Interventions": one supervisor action applied to many cases, as a workflow of its
 * own, so it is durable (a worker restart resumes where it stopped: progress is workflow
 * state), idempotent per case (each case's Update carries `bulk:<bulkId>:<caseId>`),
 * rate-limited (a few cases at a time, a pause between batches, so the case workers are not
 * swamped), visible while it runs (the bulkProgress Query) and ends with a report.
 *
 * A workflow cannot send an Update to another workflow in the TypeScript SDK, so an activity
 * does it through the worker's Temporal client (activities/bulk-intervention.activities.ts).
 */
import { ApplicationFailure, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  BULK_DEFAULT_CONCURRENCY,
  BULK_DEFAULT_PAUSE_MS,
  BULK_MAX_CASES,
  BULK_MAX_CONCURRENCY,
  bulkProgressQuery,
  type BulkInterventionInput,
  type BulkInterventionResult,
  type BulkProgress,
} from './messages';

const { applyBulkCaseAction } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Bounded: a case that keeps failing is reported as failed, the run goes on.
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
});

export async function bulkIntervention(input: BulkInterventionInput): Promise<BulkInterventionResult> {
  const caseIds = [...new Set(input.caseIds)];
  if (caseIds.length === 0 || caseIds.length > BULK_MAX_CASES)
    throw ApplicationFailure.nonRetryable(`between 1 and ${BULK_MAX_CASES} cases`, 'InvalidBulk');
  const concurrency = Math.min(Math.max(1, input.concurrency ?? BULK_DEFAULT_CONCURRENCY), BULK_MAX_CONCURRENCY);
  const pauseMs = Math.max(0, input.pauseMs ?? BULK_DEFAULT_PAUSE_MS);

  const progress: BulkProgress = {
    bulkId: input.bulkId,
    supervisorId: input.supervisorId,
    action: input.action,
    department: input.department,
    note: input.note,
    total: caseIds.length,
    done: 0,
    succeeded: 0,
    refused: 0,
    failed: 0,
    finished: false,
    items: caseIds.map((caseId) => ({ caseId, outcome: 'pending' })),
  };
  setHandler(bulkProgressQuery, () => progress);

  for (let start = 0; start < progress.items.length; start += concurrency) {
    if (start > 0 && pauseMs > 0) await sleep(pauseMs);
    const batch = progress.items.slice(start, start + concurrency);
    await Promise.all(
      batch.map(async (item) => {
        try {
          const r = await applyBulkCaseAction({
            bulkId: input.bulkId,
            caseId: item.caseId,
            supervisorId: input.supervisorId,
            action: input.action,
            department: input.department,
            ...(input.extendByMs !== undefined ? { extendByMs: input.extendByMs } : {}),
            ...(input.extendByWorkingDays !== undefined ? { extendByWorkingDays: input.extendByWorkingDays } : {}),
            ...(input.officerId !== undefined ? { officerId: input.officerId } : {}),
            ...(input.officerScope !== undefined ? { officerScope: input.officerScope } : {}),
            note: input.note,
          });
          item.outcome = r.outcome;
          if (r.detail !== undefined) item.detail = r.detail;
        } catch (err) {
          item.outcome = 'failed';
          item.detail = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
        }
        progress.done += 1;
        progress[item.outcome === 'succeeded' ? 'succeeded' : item.outcome === 'refused' ? 'refused' : 'failed'] += 1;
      }),
    );
  }
  progress.finished = true;
  return progress;
}
