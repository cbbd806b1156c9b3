/**
 * The floor workflow's own worker process, started by bench/run.ts beside the app's worker with
 * the same SDK defaults, so both sides pay for a process of their own. Env: TEMPORAL_ADDRESS,
 * BENCH_FLOOR_BUNDLE (a bundle built once) if set, and for the floor with a store
 * BENCH_FLOOR_MONGODB_URI (its activities write there) and BENCH_FLOOR_TASK_QUEUE.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createConnection } from 'mongoose';
import { createFloorActivities, FLOOR_STORE_COLLECTION } from './floor.activities';
import { FLOOR_TASK_QUEUE } from './floor.workflow';

const FLOOR_WORKFLOWS_PATH = join(__dirname, 'floor.workflow.ts');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set');
  const connection = await NativeConnection.connect({ address });
  const bundle = process.env.BENCH_FLOOR_BUNDLE;
  const storeUri = process.env.BENCH_FLOOR_MONGODB_URI;
  const mongo = storeUri ? await createConnection(storeUri).asPromise() : undefined;
  // A floor with a store that wrote nothing would pass for a cheap store: refuse to start instead.
  if (mongo && !mongo.db) throw new Error(`no database in BENCH_FLOOR_MONGODB_URI ${storeUri}`);
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.BENCH_FLOOR_TASK_QUEUE ?? FLOOR_TASK_QUEUE,
    activities: createFloorActivities(mongo?.db?.collection(FLOOR_STORE_COLLECTION)),
    ...(bundle ? { workflowBundle: { code: readFileSync(bundle, 'utf8') } } : { workflowsPath: FLOOR_WORKFLOWS_PATH }),
  });
  await worker.run();
  await mongo?.close();
  await connection.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`floor worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
