/** The notice dispatcher's contract (issue 14): its input and workflow id, shared by the workflow and its starters. */
import type { Channel } from '../../domain/vocabulary';

export interface NoticeDispatcherInput {
  channel: Channel;
  /** How long each dispatch activity runs before it returns. */
  runForMs: number;
  /** Activity runs per history before continuing as new. */
  runsPerHistory: number;
}

/** One per channel and task queue: `notice-dispatcher-sms`, or `notice-dispatcher-sms@<queue>` off the default queue. */
export function noticeDispatcherWorkflowId(channel: Channel, taskQueue: string, defaultQueue = 'settlement-cases'): string {
  return taskQueue === defaultQueue ? `notice-dispatcher-${channel}` : `notice-dispatcher-${channel}@${taskQueue}`;
}
