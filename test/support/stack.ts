/**
 * One in-process slice of the real system for an integration test file: a MongoDB database of
 * its own on the run's FerretDB, a worker on a task queue of its own on the run's Temporal dev
 * server, and the Express app — all real, nothing mocked.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Express } from 'express';
import type { Connection as MongoConnection } from 'mongoose';
import { createApp } from '../../api/app';
import { createLogger } from '../../config/logger';
import { connectMongo } from '../../models/connection';
import { createWorker } from '../../worker/create-worker';
import { installTemporalRuntime } from '../../worker/runtime';
import { mongoUriFor, temporalAddress, temporalNamespace } from './services';

export interface TestStack {
  app: Express;
  client: Client;
  mongo: MongoConnection;
  worker: Worker;
  taskQueue: string;
  /** Runs the worker in the background until close(). */
  workerRun: Promise<void>;
  close(): Promise<void>;
}

export async function startStack(name: string): Promise<TestStack> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: `test-${name}` });
  installTemporalRuntime(logger);
  const suffix = randomUUID().slice(0, 8);
  const taskQueue = `test-${name}-${suffix}`;
  const mongo = await connectMongo({
    uri: mongoUriFor(`test_${name.replace(/\W/g, '_')}_${suffix}`),
    serverSelectionTimeoutMS: 5000,
  });
  const connection = await Connection.connect({ address: temporalAddress() });
  const client = new Client({ connection, namespace: temporalNamespace() });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: temporalNamespace(),
    taskQueue,
    deps: { mongo },
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
  });
  const workerRun = worker.run();
  const app = createApp({
    config: {
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_NAMESPACE: temporalNamespace(),
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: 5000,
      NODE_ENV: 'test',
    },
    logger,
    temporal: client,
    mongo,
  });
  return {
    app,
    client,
    mongo,
    worker,
    taskQueue,
    workerRun,
    async close() {
      worker.shutdown();
      await workerRun;
      await mongo.dropDatabase().catch(() => undefined);
      await Promise.allSettled([connection.close(), nativeConnection.close(), mongo.close()]);
    },
  };
}

/** Polls until `fn` returns a value other than undefined (bounded; a test must end). */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
