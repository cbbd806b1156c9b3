/**
 * Builds the worker that runs every workflow and activity. Shared by worker/main.ts, the tests
 * and the benchmarks, so all run the same registration.
 */
import { type ActivityInterceptorsFactory, type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActivities, type ActivityDeps } from '../activities';
import type { SuiteId } from '../security/cipher-suites';
import { dataConverterFor } from '../temporal/payload-codec';

export const WORKFLOWS_PATH = join(__dirname, '..', 'workflows', 'index.ts');

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** PAYLOAD_ENCRYPTION_KEYS (current first); empty: payloads unencrypted (not in production). */
  payloadKeys: readonly string[];
  /** DATA_CIPHER: the suite new payloads are sealed with (any suite opens); AES-256-GCM when unset. */
  payloadCipher?: SuiteId;
  /** A bundle prepared once (tests, benchmarks); without it the worker bundles at start. */
  workflowBundlePath?: string;
  /** E.g. the metrics' failure counter (worker/metrics.ts); none by default. */
  activityInterceptors?: ActivityInterceptorsFactory[];
  tuning?: Partial<
    Pick<
      WorkerOptions,
      | 'maxConcurrentActivityTaskExecutions'
      | 'maxConcurrentWorkflowTaskExecutions'
      | 'maxCachedWorkflows'
      | 'shutdownGraceTime'
      | 'shutdownForceTime'
    >
  >;
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const workflowSource = opts.workflowBundlePath
    ? { workflowBundle: { code: readFileSync(opts.workflowBundlePath, 'utf8') } }
    : { workflowsPath: WORKFLOWS_PATH };
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts.deps),
    dataConverter: dataConverterFor(opts.payloadKeys, opts.payloadCipher),
    ...workflowSource,
    ...(opts.activityInterceptors?.length ? { interceptors: { activity: opts.activityInterceptors } } : {}),
    ...opts.tuning,
  });
}
