/**
 * The daily retention sweep's Temporal Schedule (issue 15 part 5; README "Retention"): made by
 * every worker at start, beside the admission rounds' Schedules. One per task queue (one
 * deployment), at RETENTION_SWEEP_AT Asia/Shanghai; overlap SKIP, so a sweep still running at
 * the next night's time is not doubled. Idempotent: a Schedule that exists is brought to the
 * configured time and left otherwise as it is (paused by an operator stays paused).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleSpec } from '@temporalio/client';
import type { Config } from '../config/config';
import { retentionScheduleId, type RetentionSweepInput } from '../workflows/retention/messages';

export function retentionScheduleSpec(sweepAt: string): ScheduleSpec {
  const [hour, minute] = sweepAt.split(':').map(Number) as [number, number];
  return { calendars: [{ hour, minute, comment: 'retention sweep, nightly' }], timezone: 'Asia/Shanghai' };
}

/** Creates the Schedule, or updates an existing one's time; returns its id and whether it was created. */
export async function ensureRetentionSchedule(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'RETENTION_SWEEP_AT'>,
): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = retentionScheduleId(config.TEMPORAL_TASK_QUEUE);
  const spec = retentionScheduleSpec(config.RETENTION_SWEEP_AT);
  const input: RetentionSweepInput = {};
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: 'retentionSweep',
        args: [input],
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `${scheduleId}-run`,
      },
      // A night missed while the cluster was down is made up once, not skipped.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { purpose: 'retention' },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec }));
  return { scheduleId, created: false };
}
