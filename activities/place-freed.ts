/**
 * Tells the cases at the head of a school pool's waiting list that a place was given back
 * (`schoolPlaceFreed`), so a freed place is taken now rather than at their next recheck. Each
 * signal has a short deadline: it runs inside the `release` activity, which must not spend its
 * own timeout on a slow Temporal frontend for a wake that the cases' rechecks make up for.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { schoolPlaceFreedSignal, settlementCaseWorkflowId } from '../workflows/settlement-case/messages';

const SIGNAL_DEADLINE_MS = 2000;

export function placeFreedTeller(client: Client) {
  return async (pool: string, caseIds: readonly string[]): Promise<void> => {
    await Promise.all(
      caseIds.map(async (caseId) => {
        try {
          await client.connection.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
            client.workflow.getHandle(settlementCaseWorkflowId(caseId)).signal(schoolPlaceFreedSignal, { pool }),
          );
        } catch (err) {
          // A case that ended has left the list with its release: nobody to tell.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }),
    );
  };
}
