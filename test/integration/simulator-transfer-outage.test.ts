/**
 * HR's social-insurance transfer in the department-systems simulator completes at its time even
 * when the simulator's own store is away at that moment: it tries again and then calls back. The
 * chaos run's FerretDB outage once fell on a transfer's completion, which was then dropped, and
 * four cases waited for their hourly status check instead of settling.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mongoose';
import { DEVELOPMENT_SIMULATOR_API_KEY } from '../../config/config';
import { connectMongo } from '../../models/connection';
import { createSimulatorApp } from '../../tools/simulator/app';
import { mongoUriFor } from '../support/services';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

describe('simulator: an HR transfer whose completion meets a store outage', () => {
  let proxy: TcpProxy;
  let conn: Connection;
  let simulator: Server;
  let receiver: Server;
  let simulatorUrl: string;
  const callbacks: Array<{ caseId: string; status: string }> = [];

  before(async () => {
    // The simulator reaches FerretDB through a proxy the test can cut: only its connection fails.
    const direct = new URL(mongoUriFor(`test_sim_outage_${process.pid}`));
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port) });
    const viaProxy = new URL(direct);
    viaProxy.host = proxy.address;
    conn = await connectMongo({ uri: viaProxy.toString(), serverSelectionTimeoutMS: 1000, heartbeatFrequencyMS: 500 });
    // Where HR calls back: the API's callback route, here a receiver that records what arrives.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        callbacks.push(JSON.parse(body) as { caseId: string; status: string });
        res.writeHead(204).end();
      });
    });
    const receiverUrl = await listen(receiver);
    simulator = createServer(
      createSimulatorApp({
        conn,
        registers: { transferDelayMs: 300, callback: { url: `${receiverUrl}/callback`, secret: 'test-secret' } },
        apiKeys: [DEVELOPMENT_SIMULATOR_API_KEY],
        faultInjection: false,
      }),
    );
    simulatorUrl = await listen(simulator);
  });

  after(async () => {
    proxy.restore();
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
    await new Promise((r) => simulator?.close(r));
    await new Promise((r) => receiver?.close(r));
    await proxy?.close();
  });

  it('when the store is away at the transfer’s time, then the transfer completes once it is back, and HR calls back once', async () => {
    // Arrange: a transfer written, then the store cut before its 300 ms are up.
    const caseId = randomUUID();
    const written = await fetch(`${simulatorUrl}/registers/hrss/social-insurance-transfers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${DEVELOPMENT_SIMULATOR_API_KEY}`,
        'content-type': 'application/json',
        'idempotency-key': `transfer-${caseId}`,
      },
      body: JSON.stringify({ caseId, item: 'social_insurance_transfer' }),
    });
    assert.equal(written.status, 201, await written.text());

    // Act: away across the transfer's time, for longer than an operation waits for the server.
    proxy.cut();
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(callbacks.length, 0, 'nothing completes while the store is away');
    proxy.restore();

    // Assert
    const deadline = Date.now() + 30_000;
    while (callbacks.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      callbacks.map((c) => [c.caseId, c.status]),
      [[caseId, 'completed']],
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(callbacks.length, 1, 'called back once');
  });
});
