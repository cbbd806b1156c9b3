/**
 * Cases must survive a Temporal restart: the dev server keeps its state in a SQLite file
 * (--db-filename). This test kills a server of its own with SIGKILL, restarts it through the
 * project's launcher on the same file, and finds the workflow still there and able to finish.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { connectMongo } from '../../models/connection';
import { freePort, stopAll } from '../../scripts/lib/processes';
import { readBinaries, startTemporal } from '../../scripts/lib/services';
import { diagnosticProbe } from '../../workflows/diagnostic-probe.workflow';
import { createLogger } from '../../config/logger';
import { loadConfig } from '../../config/config';
import { createActivityDeps } from '../../worker/activity-deps';
import { createWorker } from '../../worker/create-worker';
import { installTemporalRuntime } from '../../worker/runtime';
import { mongoUriFor } from '../support/services';
import { TEST_DATA_CONVERTER, TEST_PAYLOAD_KEYS } from '../support/stack';

describe('Temporal file persistence', () => {
  const dir = mkdtempSync(join(process.env.TEST_RUN_DIR ?? tmpdir(), 'persistence-'));
  after(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  installTemporalRuntime(createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'test-persistence' }));

  it('when the dev server is killed and restarted by our launcher, then a started workflow is still there and completes', async () => {
    const bins = readBinaries();
    const port = await freePort();
    const options = { binary: bins.temporal, port, dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log') };
    const first = await startTemporal(options);
    const taskQueue = `persistence-${randomUUID()}`;
    const workflowId = `DiagnosticProbe:${randomUUID()}`;
    {
      const connection = await Connection.connect({ address: first.address });
      const client = new Client({ connection, dataConverter: TEST_DATA_CONVERTER });
      // No worker polls this queue yet, so the workflow can only be waiting when the server dies.
      await client.workflow.start(diagnosticProbe, {
        taskQueue,
        workflowId,
        args: [{ probeId: workflowId, message: 'survive' }],
      });
      await connection.close();
    }

    await first.proc.kill(); // SIGKILL: no graceful flush
    const second = await startTemporal(options);

    const connection = await Connection.connect({ address: second.address });
    const client = new Client({ connection, dataConverter: TEST_DATA_CONVERTER });
    const handle = client.workflow.getHandle(workflowId);
    assert.equal((await handle.describe()).status.name, 'RUNNING');

    const mongo = await connectMongo({
      uri: mongoUriFor(`test_persistence_${randomUUID().slice(0, 8)}`),
      serverSelectionTimeoutMS: 5000,
    });
    const native = await NativeConnection.connect({ address: second.address });
    const worker = await createWorker({
      connection: native,
      namespace: 'default',
      taskQueue,
      deps: createActivityDeps(mongo, loadConfig()),
      payloadKeys: TEST_PAYLOAD_KEYS,
      workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    });
    const result = await worker.runUntil(handle.result());
    assert.equal(result.probeId, workflowId);

    await mongo.dropDatabase();
    await Promise.allSettled([connection.close(), native.close(), mongo.close()]);
    await second.proc.stop();
  });
});
