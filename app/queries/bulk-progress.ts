/**
 * Issue 11 "Interventions": how far a bulk intervention has come, or its final report. While it
 * runs, the bulkProgress Query answers; once it has ended, its result is the report.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { trusted } from 'mongoose';
import { caseModel } from '../../models/case.model';
import { bulkInterventionWorkflowId, bulkProgressQuery, type BulkProgress } from '../../workflows/bulk-intervention/messages';
import type { SupervisorActor } from '../actor';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { refusalCode, withTemporalDeadline } from '../workflow-calls';
import { BULK_ID_PATTERN } from '../commands/bulk-intervention';

const notFound = () => new AppError('not_found', 'not-found', 'No such bulk intervention');

/**
 * The report with each case's number (受理编号), as a supervisor reads and quotes it; the run's
 * `id` as the POST answered it (`bulkId` kept); a refused case's problem code, as the API would
 * have answered that case alone.
 */
export type BulkProgressView = Omit<BulkProgress, 'items'> & {
  id: string;
  items: Array<BulkProgress['items'][number] & { caseNumber?: string; code?: string }>;
};

export async function bulkProgress(deps: AppDeps, input: { actor: SupervisorActor; id: string }): Promise<BulkProgressView> {
  const progress = await workflowProgress(deps, input.id);
  const ids = progress.items.map((i) => i.caseId);
  // Ids a supervisor never saw are the workflow's; the numbers are the read model's (one query).
  const rows = await caseModel(deps.mongo)
    .find({ _id: trusted({ $in: ids }) })
    .select({ caseNumber: 1 })
    .lean();
  const numbers = new Map(rows.map((r) => [r._id, r.caseNumber]));
  return {
    id: progress.bulkId,
    ...progress,
    items: progress.items.map((i) => {
      const caseNumber = numbers.get(i.caseId);
      const code = i.outcome === 'refused' && i.detail ? refusalCode(i.detail) : undefined;
      return { ...i, ...(caseNumber ? { caseNumber } : {}), ...(code ? { code } : {}) };
    }),
  };
}

async function workflowProgress(deps: AppDeps, id: string): Promise<BulkProgress> {
  if (!BULK_ID_PATTERN.test(id)) throw notFound();
  const handle = deps.temporal.workflow.getHandle(bulkInterventionWorkflowId(id));
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
