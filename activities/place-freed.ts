/**
 * Tells the cases at the head of a school pool's waiting list that a place was given back
 * (`schoolPlaceFreed`), so a freed place is taken now rather than at their next recheck.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { schoolPlaceFreedSignal, settlementCaseWorkflowId } from '../workflows/settlement-case/messages';

export function placeFreedTeller(client: Client) {
  return async (pool: string, caseIds: readonly string[]): Promise<void> => {
    await Promise.all(
      caseIds.map(async (caseId) => {
        try {
          await client.workflow.getHandle(settlementCaseWorkflowId(caseId)).signal(schoolPlaceFreedSignal, { pool });
        } catch (err) {
          // A case that ended has left the list with its release: nobody to tell.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }),
    );
  };
}
