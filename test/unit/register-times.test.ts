/**
 * The times a department register answers with (date review, 2026-12-07): a system in the city
 * may write Beijing wall time without a zone, which read in the worker's zone (UTC in our image)
 * would move a registration, and the social-insurance transfer's notice, by eight hours.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createRegistersClient, RegisterUnavailableError } from '../../activities/adapters/registers.client';

describe('register times', () => {
  let server: Server;
  let answer: Record<string, unknown>;
  let baseUrl: string;
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const write = () =>
    createRegistersClient({ baseUrl, timeoutMs: 5000 }).write('residence_confirmation', 'k-1', {
      caseId: 'c-1',
      item: 'residence',
      area: 'beilin',
    });

  it('when a register writes Beijing time without a zone, then the record holds that instant; with an offset, as written', async () => {
    answer = {
      recordId: 'r-1',
      idempotencyKey: 'k-1',
      status: 'completed',
      createdAt: '2026-03-10 19:00:00',
      completedAt: '2026-03-10T19:05:00+08:00',
    };
    const record = await write();
    assert.equal(record.createdAt, '2026-03-10T11:00:00.000Z');
    assert.equal(record.completedAt, '2026-03-10T11:05:00.000Z');
  });

  it('when a register’s time is not a time, then the answer is malformed and the call is retried like an unavailable register', async () => {
    answer = { recordId: 'r-1', idempotencyKey: 'k-1', status: 'active', createdAt: '2026-02-30 10:00:00' };
    await assert.rejects(write(), (e: unknown) => e instanceof RegisterUnavailableError && /malformed/.test(e.message));
  });
});
