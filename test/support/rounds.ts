/**
 * Admission rounds of a test stack's own (issue 13). Round workflow ids are global in the Temporal
 * namespace, so every stack writes rounds files whose round ids carry its own suffix: cases of
 * one test file never join another's round (whose worker may be gone). By default there is a
 * one-day round for every day from today to the end of next year, each with room for everyone,
 * and the stack closes a round a second after its first case joined (ROUND_CLOSE_AFTER_MS): a
 * test about something else sees a points case admitted and settled without touching rounds,
 * and a case that comes later joins the next day's round.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { CaseState } from '../../domain/case-state';
import { admissionRoundWorkflowId, closeRoundUpdate, type RoundView } from '../../workflows/admission-round/messages';
import { caseStatusQuery } from '../../workflows/settlement-case/messages';
import { eventually } from './stack';

export { quotaOf, testRounds, type TestRounds } from './round-files';

/** Waits until the case has joined a round (it may be ranked already), and returns its state then. */
export async function untilInRound(handle: WorkflowHandle, timeoutMs = 60_000): Promise<CaseState> {
  return eventually(
    async () => {
      const s = await handle.query(caseStatusQuery);
      return s.round?.roundId ? s : undefined;
    },
    'the case joins an admission round',
    timeoutMs,
  );
}

/** Closes a round now, as a supervisor would (the round ranks and publishes at once). */
export async function closeRound(
  client: { workflow: { getHandle(id: string): WorkflowHandle } },
  roundId: string,
  by = { id: 'supervisor-test', role: 'supervisor' as const },
): Promise<RoundView> {
  return client.workflow
    .getHandle(admissionRoundWorkflowId(roundId))
    .executeUpdate(closeRoundUpdate, { args: [{ by, reason: 'closed by the test' }] });
}

/**
 * Waits for the case to join its round, then closes that round: the case is ranked (and, with
 * room for all, admitted; settled once the short test notice is over). A round that closed by
 * itself meanwhile is left as it is.
 */
export async function closeRoundOf(
  client: { workflow: { getHandle(id: string): WorkflowHandle } },
  handle: WorkflowHandle,
): Promise<void> {
  const s = await untilInRound(handle);
  if (s.round?.status !== 'waiting') return;
  await closeRoundIfOpen(client, s.round.roundId!);
}

/** Closes a round now unless it has closed already (by itself, or by a supervisor on its page). */
export async function closeRoundIfOpen(
  client: { workflow: { getHandle(id: string): WorkflowHandle } },
  roundId: string,
): Promise<void> {
  try {
    await closeRound(client, roundId);
  } catch (err) {
    const cause = (err as { cause?: { type?: string } }).cause;
    if (cause?.type !== 'RoundNotOpen') throw err;
  }
}
