/**
 * Who polls the case task queue: the readiness of a worker process (npm start, the test and bench
 * stacks, which serve nothing of the worker's own to probe) and the API's `no-workers` warning.
 */
import type { Client } from '@temporalio/client';

/** A Client or a bare Connection: both carry the workflow service. */
type WorkflowService = Pick<Client, 'workflowService'>;

/** The identities (pid@host) of the workers polling `taskQueue`'s workflow tasks lately. */
export async function taskQueuePollers(temporal: WorkflowService, namespace: string, taskQueue: string): Promise<string[]> {
  const res = await temporal.workflowService.describeTaskQueue({
    namespace,
    // TASK_QUEUE_KIND_NORMAL = 1, TASK_QUEUE_TYPE_WORKFLOW = 1 (@temporalio/proto enums).
    taskQueue: { name: taskQueue, kind: 1 },
    taskQueueType: 1,
  });
  return (res.pollers ?? []).map((p) => p.identity ?? '');
}

/** True when a poller whose identity starts with `identityPrefix` polls the workflow task queue. */
export async function pollsTaskQueue(
  temporal: WorkflowService,
  namespace: string,
  taskQueue: string,
  identityPrefix: string,
): Promise<boolean> {
  return (await taskQueuePollers(temporal, namespace, taskQueue)).some((id) => id.startsWith(identityPrefix));
}
