/**
 * Issue 11 "Interventions": the one side effect of a bulk intervention, one case's action. It
 * sends the case workflow's own Update (supervisorAction or terminate) through the worker's
 * Temporal client, so the case validates and audits it (with the supervisor's reason) as if the
 * supervisor had acted on that case alone. The Update id and request id are
 * `bulk:<bulkId>:<caseId>`: a retried activity, or the run resumed after a crash, acts once.
 * A case's refusal (ended, action not applicable) is an outcome, not a failure.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure as CommonApplicationFailure } from '@temporalio/common';
import { bulkRequestId, type BulkCaseActionInput, type BulkCaseOutcome } from '../workflows/bulk-intervention/messages';
import {
  handledRequestQuery,
  settlementCaseWorkflowId,
  supervisorActionUpdate,
  terminateUpdate,
} from '../workflows/settlement-case/messages';

export interface BulkInterventionActivityDeps {
  /** The worker's Temporal client; without it a bulk intervention cannot act (fails each case). */
  temporal?: Client;
}

export function createBulkInterventionActivities(deps: BulkInterventionActivityDeps) {
  return {
    async applyBulkCaseAction(a: BulkCaseActionInput): Promise<BulkCaseOutcome> {
      if (!deps.temporal) throw ApplicationFailure.nonRetryable('the worker has no Temporal client', 'NoTemporalClient');
      const requestId = bulkRequestId(a.bulkId, a.caseId);
      const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(a.caseId));
      try {
        if (a.action === 'terminate') {
          await handle.executeUpdate(terminateUpdate, {
            updateId: requestId,
            args: [{ requestId, supervisorId: a.supervisorId, note: a.note }],
          });
        } else {
          await handle.executeUpdate(supervisorActionUpdate, {
            updateId: requestId,
            args: [
              {
                requestId,
                supervisorId: a.supervisorId,
                department: a.department,
                action: a.action,
                ...(a.extendByMs !== undefined ? { extendByMs: a.extendByMs } : {}),
                ...(a.extendByWorkingDays !== undefined ? { extendByWorkingDays: a.extendByWorkingDays } : {}),
                ...(a.officerId !== undefined ? { officerId: a.officerId } : {}),
                ...(a.officerScope !== undefined ? { officerScope: a.officerScope } : {}),
                note: a.note,
              },
            ],
          });
        }
        return { outcome: 'succeeded' };
      } catch (err) {
        const refusal = refusalOf(err);
        // An earlier attempt terminated the case (its completion was lost): that is this run's doing.
        if (refusal === 'CaseNotOpen' && a.action === 'terminate') {
          const before = await handle.query(handledRequestQuery, requestId);
          if (before.answered) return { outcome: 'succeeded' };
        }
        if (refusal) return { outcome: 'refused', detail: refusal };
        throw err;
      }
    },
  };
}

/** The case's refusal, if the error is one: its validator's failure type, or an ended / unknown case. */
function refusalOf(err: unknown): string | undefined {
  if (err instanceof WorkflowNotFoundError) return /already completed/i.test(err.message) ? 'CaseNotOpen' : 'CaseNotFound';
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof CommonApplicationFailure)
    return err.cause.type ?? 'Refused';
  const e = err as { name?: string; message?: string; cause?: { code?: number } };
  if (e.name === 'ServiceError' && /already completed|closed/i.test(e.message ?? '') && e.cause?.code !== 14)
    return 'CaseNotOpen';
  return undefined;
}
