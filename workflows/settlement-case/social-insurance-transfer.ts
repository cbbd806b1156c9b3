/**
 * HR's social-insurance transfer after settlement (§25, issue 14). HR's system takes the
 * transfer `pending` and completes it later: the case waits for HR's completion callback (relayed
 * by the API as a Signal) and, in case a callback is lost, asks HR every poll interval. The
 * applicant gets a follow-up notice when it completes; past the deadline the wait becomes an
 * incident for supervisors (escalated to HR), and the case goes on waiting.
 */
import { condition, isCancellation, setHandler } from '@temporalio/workflow';
import type { TransferStatus } from '../../activities/registration.activities';
import type { SocialInsuranceTransferInfo } from '../../domain/case-state';
import * as notices from './notices';
import { socialInsuranceTransferCompletedSignal, type TransferCompletedInput } from './messages';
import { lookups, SYSTEM } from './activity-proxies';
import type { CaseRun } from './case-run';

const DAY_MS = 24 * 3600_000;

export interface TransferWait {
  /** Records HR's first answer in the state (with the deadline): before the case settles. */
  begin(started: TransferStatus): void;
  /** Waits until HR has completed the transfer; tells the applicant. Returns if the case is cancelled meanwhile. */
  awaitCompletion(): Promise<void>;
}

export function createTransferWait(run: CaseRun): TransferWait {
  const { input, state, now, audit, notify, flush } = run;
  let signalled: TransferCompletedInput | undefined;
  // Installed with the case, so a callback arriving early (even before the case settles) is kept.
  setHandler(socialInsuranceTransferCompletedSignal, (c) => {
    if (!ours()) signalled = c;
  });
  // Only HR's completion of this case's record counts (the callback is authenticated, but names a record).
  const ours = () => signalled !== undefined && signalled.recordId === state.socialInsuranceTransfer?.recordId;

  let t: (SocialInsuranceTransferInfo & { dueAt: string }) | undefined;
  let completedAt: string | undefined;
  const begin = (started: TransferStatus): void => {
    const deadlineMs = input.sla.socialInsuranceTransferMs ?? 30 * DAY_MS;
    t = { status: 'pending', at: now(), recordId: started.recordId, dueAt: new Date(Date.now() + deadlineMs).toISOString() };
    state.socialInsuranceTransfer = t;
    if (started.status === 'completed') completedAt = started.completedAt ?? now();
  };

  const awaitCompletion = async (): Promise<void> => {
    if (!t) return;
    try {
      await waitForHr(t);
    } catch (err) {
      // An operator cancelled the settled case: nothing of ours to undo, stop waiting.
      if (isCancellation(err)) return;
      throw err;
    }
  };

  const waitForHr = async (t: SocialInsuranceTransferInfo & { dueAt: string }): Promise<void> => {
    const pollMs = input.sla.socialInsuranceTransferPollMs ?? 3600_000;
    let nextPoll = Date.now() + pollMs;
    // Past the deadline the case may wait long (HR is escalated, not the case): the pause between
    // polls doubles up to a day, so the history stays far below Temporal's limits.
    let overduePolls = 0;
    while (completedAt === undefined) {
      const at = Date.now();
      const due = Date.parse(t.dueAt);
      if (!t.overdue && at >= due) {
        t.overdue = true;
        t.escalatedAt = now();
        notify(notices.escalation(state, 'hrss', t.dueAt, 'social_insurance_transfer', 'transfer'));
        audit({
          type: 'escalation',
          actor: SYSTEM,
          department: 'hrss',
          what: 'social-insurance transfer not completed by its deadline',
          data: { dueAt: t.dueAt, recordId: t.recordId },
        });
        await flush({ watch: true });
        continue;
      }
      if (at >= nextPoll) {
        nextPoll = at + (t.overdue ? Math.min(DAY_MS, pollMs * 2 ** Math.min(++overduePolls, 30)) : pollMs);
        try {
          const s = await lookups.socialInsuranceTransferStatus({ caseId: input.caseId });
          if (s.status === 'completed') completedAt = s.completedAt ?? now();
        } catch (err) {
          if (isCancellation(err)) throw err;
          // HR's system is down: the next poll, or its callback, tells.
        }
        continue;
      }
      const wakeAt = Math.min(nextPoll, t.overdue ? Infinity : due);
      if (await condition(ours, Math.max(1, wakeAt - at))) completedAt = signalled!.completedAt;
    }
    t.status = 'completed';
    t.completedAt = completedAt;
    t.overdue = false;
    audit({
      type: 'social_insurance_transferred',
      actor: SYSTEM,
      department: 'hrss',
      what: 'social-insurance transfer completed',
      data: { recordId: t.recordId, completedAt },
    });
    notify(notices.socialInsuranceTransferred(state, completedAt));
    await flush();
  };

  return { begin, awaitCompletion };
}
