/**
 * Whether a given worker process polls its task queue: the readiness of a worker, which serves
 * nothing of its own to probe (npm start, the test and bench stacks).
 */
import type { Client } from '@temporalio/client';

/** True when a poller whose identity starts with `identityPrefix` polls the workflow task queue. */
export async function pollsTaskQueue(
  // A Client or a bare Connection: both carry the workflow service.
  temporal: Pick<Client, 'workflowService'>,
  namespace: string,
  taskQueue: string,
  identityPrefix: string,
): Promise<boolean> {
  const res = await temporal.workflowService.describeTaskQueue({
    namespace,
    // TASK_QUEUE_KIND_NORMAL = 1, TASK_QUEUE_TYPE_WORKFLOW = 1 (@temporalio/proto enums).
    taskQueue: { name: taskQueue, kind: 1 },
    taskQueueType: 1,
  });
  return (res.pollers ?? []).some((p) => (p.identity ?? '').startsWith(identityPrefix));
}
