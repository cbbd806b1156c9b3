/**
 * One dispatcher per channel (issue 14): runs the long-running dispatch activity over and over,
 * and continues as new every so often so its history stays short. Started idempotently by every
 * worker (temporal/notice-dispatchers.ts) under a fixed workflow id, so exactly one runs per
 * channel and task queue, which is what makes the per-channel rate limit hold. The settlement
 * case never waits for it: notices are an outbox the case writes and this drains.
 */
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { NoticeDispatcherInput } from './messages';

export async function noticeDispatcher(input: NoticeDispatcherInput): Promise<void> {
  const { dispatchNotices } = proxyActivities<Activities>({
    startToCloseTimeout: input.runForMs + 60_000,
    // A worker that dies mid-run is noticed within this; the claims' lease covers its notices.
    heartbeatTimeout: '20 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
  for (let run = 0; run < input.runsPerHistory; run++) {
    await dispatchNotices({ channel: input.channel, runForMs: input.runForMs });
  }
  await continueAsNew<typeof noticeDispatcher>(input);
}
