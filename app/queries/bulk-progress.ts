/**
 * Issue 11 "Interventions": how far a bulk intervention has come, or its final report. While it
 * runs, the bulkProgress Query answers; once it has ended, its result is the report.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { bulkInterventionWorkflowId, bulkProgressQuery, type BulkProgress } from '../../workflows/bulk-intervention/messages';
import type { SupervisorActor } from '../actor';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { withTemporalDeadline } from '../workflow-calls';
import { BULK_ID_PATTERN } from '../commands/bulk-intervention';

const notFound = () => new AppError('not_found', 'not-found', 'No such bulk intervention');

export async function bulkProgress(deps: AppDeps, input: { actor: SupervisorActor; id: string }): Promise<BulkProgress> {
  if (!BULK_ID_PATTERN.test(input.id)) throw notFound();
  const handle = deps.temporal.workflow.getHandle(bulkInterventionWorkflowId(input.id));
  try {
    return await withTemporalDeadline(deps, async () => {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') return handle.query(bulkProgressQuery);
      if (status.name === 'COMPLETED') return (await handle.result()) as BulkProgress;
      throw new AppError('conflict', 'bulk-not-completed', `The bulk intervention ended ${status.name.toLowerCase()}`);
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound();
    throw err;
  }
}
