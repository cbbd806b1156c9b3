/**
 * Starts the notice dispatchers (issue 14): one workflow per channel, under a fixed id, started
 * by every worker when it starts; one that runs already is left alone (USE_EXISTING), so any
 * number of workers may call this. A dispatcher that ended (terminated by hand, say) is started
 * anew.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { CHANNELS, type Channel } from '../domain/vocabulary';
import { noticeDispatcherWorkflowId, type NoticeDispatcherInput } from '../workflows/notice-dispatcher/messages';

export interface DispatcherStart {
  client: Client;
  taskQueue: string;
  runForMs?: number;
  runsPerHistory?: number;
}

export async function ensureNoticeDispatchers(s: DispatcherStart): Promise<string[]> {
  const ids: string[] = [];
  for (const channel of CHANNELS) {
    const workflowId = noticeDispatcherWorkflowId(channel, s.taskQueue);
    const input: NoticeDispatcherInput = { channel, runForMs: s.runForMs ?? 60_000, runsPerHistory: s.runsPerHistory ?? 50 };
    try {
      await s.client.workflow.start('noticeDispatcher', {
        taskQueue: s.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    ids.push(workflowId);
  }
  return ids;
}

/** Stops a task queue's dispatchers (test stacks closing). */
export async function stopNoticeDispatchers(
  client: Client,
  taskQueue: string,
  channels: readonly Channel[] = CHANNELS,
): Promise<void> {
  await Promise.allSettled(
    channels.map((c) => client.workflow.getHandle(noticeDispatcherWorkflowId(c, taskQueue)).terminate('stopped')),
  );
}
