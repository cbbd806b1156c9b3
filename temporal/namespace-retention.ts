/**
 * Temporal history retention (issue 15 part 5; README "Retention"): how long a closed
 * workflow's history — sealed payloads, but a case's whole story — stays in Temporal. One knob,
 * TEMPORAL_HISTORY_RETENTION_DAYS, applied to the namespace by whoever sets Temporal up: `npm
 * start` for the dev server and the cluster (scripts/lib/temporal-cluster.ts), docker-compose's
 * temporal-setup for a deployment.
 */
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import type { Connection } from '@temporalio/client';

export const DAY_MS = 24 * 3_600_000;

/** Sets the namespace's retention to `days` when it differs; returns the retention it had, in days. */
export async function applyHistoryRetention(
  conn: Pick<Connection, 'workflowService'>,
  namespace: string,
  days: number,
): Promise<number> {
  const described = await conn.workflowService.describeNamespace({ namespace });
  const current = tsToMs(described.config?.workflowExecutionRetentionTtl) / DAY_MS;
  if (current !== days) {
    await conn.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(days * DAY_MS) },
    });
  }
  return current;
}
