/**
 * The MongoDB watchdog (issue 12, `mongo-no-reconnect`): a process whose client has had no
 * successful heartbeat for 5 periods tries to reopen it (again every 5 periods while it cannot) and reports itself unhealthy on `/healthz` (the
 * API's and the worker's) until a heartbeat succeeds again; afterwards the same models work.
 * The database is cut off by a TCP proxy, as a network partition would.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { Registry } from 'prom-client';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { healthRouter } from '../../api/health.router';
import { loadConfig } from '../../config/config';
import { createLogger } from '../../config/logger';
import { caseModel } from '../../models/case.model';
import { connectMongo, mongoOpenOptions } from '../../models/connection';
import { diagnosticProbeModel } from '../../models/diagnostic-probe.model';
import { watchMongo, type MongoWatchdog } from '../../models/mongo-watchdog';
import { serveWorkerMetrics, type WorkerMetricsServer } from '../../worker/metrics-server';
import { mongoUriFor } from '../support/services';
import { eventually } from '../support/stack';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const HEARTBEAT_MS = 300;

describe('MongoDB watchdog', () => {
  let proxy: TcpProxy;
  let conn: Connection;
  let watchdog: MongoWatchdog;
  let worker: WorkerMetricsServer;
  let api: express.Express;

  before(async () => {
    const direct = new URL(mongoUriFor(`test_watchdog_${randomUUID().slice(0, 8)}`));
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port) });
    const viaProxy = new URL(direct);
    viaProxy.host = proxy.address;
    const opts = { uri: viaProxy.toString(), serverSelectionTimeoutMS: 500, heartbeatFrequencyMS: HEARTBEAT_MS };
    conn = await connectMongo(opts);
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'test-watchdog' });
    watchdog = watchMongo(conn, {
      uri: opts.uri,
      openOptions: mongoOpenOptions(opts),
      heartbeatMs: HEARTBEAT_MS,
      logger,
      reopen: true,
    });
    const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
    api = express();
    // /healthz reads only the health function; /readyz is not called here.
    api.use(healthRouter({ config, logger, mongo: conn, temporal: undefined as never, mongoHealth: watchdog.health }));
    worker = await serveWorkerMetrics({ address: '127.0.0.1:0', registry: new Registry(), logger, mongoHealth: watchdog.health });
  });
  after(async () => {
    watchdog?.stop();
    proxy?.restore();
    await worker?.close();
    await conn?.dropDatabase().catch(() => undefined);
    await Promise.allSettled([conn?.close(), proxy?.close()]);
  });

  const workerHealth = async () => {
    const res = await fetch(`http://${worker.address}/healthz`);
    return { status: res.status, body: (await res.json()) as { status: string; checks?: { mongodb: { reopens: number } } } };
  };

  it('when the database is cut off for longer than 5 heartbeats, then /healthz fails on the API and the worker, the client is reopened, and once it is back both are up and the models work', async () => {
    // Arrange: healthy, with a document written.
    await eventually(async () => (watchdog.health().lastHeartbeatAt ? true : undefined), 'a first heartbeat', 10_000);
    await request(api).get('/healthz').expect(200, { status: 'up' });
    await conn.collection('probe').insertOne({ _id: 'before' as never });
    const probes = diagnosticProbeModel(conn);
    await probes.init();
    const lean = await probes.find({}).limit(1).lean();

    // Act: cut off.
    proxy.cut();
    const down = await eventually(
      async () => {
        const res = await request(api).get('/healthz');
        return res.status === 503 ? res : undefined;
      },
      'the API liveness failing',
      15_000,
    );
    const workerDown = await workerHealth();
    await eventually(async () => (watchdog.health().reopenAttempts >= 1 ? true : undefined), 'a reopen tried', 15_000);
    proxy.restore();
    await eventually(
      async () => ((await request(api).get('/healthz')).status === 200 ? true : undefined),
      'the API liveness back',
      20_000,
    );

    // Assert
    assert.equal(down.body.status, 'down');
    assert.equal(down.body.checks.mongodb.healthy, false);
    assert.ok(down.body.checks.mongodb.failingSince, JSON.stringify(down.body));
    assert.equal(workerDown.status, 503);
    assert.equal(workerDown.body.status, 'down');
    assert.equal((await workerHealth()).status, 200);
    assert.ok(watchdog.health().reopens >= 1, 'the client was reopened once the server answered');
    const found = await conn.collection('probe').findOne({ _id: 'before' as never });
    assert.ok(found, 'the reopened client reads what was written before');
    await conn.collection('probe').insertOne({ _id: 'after' as never });
    assert.equal(await conn.collection('probe').countDocuments(), 2);
    assert.deepEqual(await probes.find({}).limit(1).lean(), lean, 'a model made before the reopen still works');
    assert.equal(await caseModel(conn).countDocuments({ open: true }), 0);
  });
});
