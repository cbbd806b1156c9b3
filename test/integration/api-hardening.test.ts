import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createLogger } from '../../config/logger';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import {
  applicationBody,
  assertProblem,
  bearer,
  submitCase,
  tokens,
  waitForWorkflow,
  asApplicantOf,
  problemType,
} from '../support/api';
import { startStack, type TestStack } from '../support/stack';

const LIMIT = 5;

/** A GET from a chosen loopback address (127.0.0.x), so per-IP and per-token limits can be told apart. */
function getFrom(server: Server, localAddress: string, path: string, headers: Record<string, string> = {}) {
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, localAddress, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('API: rate limits per client address and per token', () => {
  let stack: TestStack;
  let server: Server;
  before(async () => {
    stack = await startStack('api_rate_limit', { env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    server = createServer(stack.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stack.close();
  });

  it(`when one client sends more than ${LIMIT} requests a minute, then the next is a 429 problem and health checks still answer`, async () => {
    // Arrange
    const auth = await bearer(stack, { sub: 'busy-applicant', role: 'applicant' });
    for (let i = 0; i < LIMIT; i++) {
      const ok = await getFrom(server, '127.0.0.2', '/api/v1/applicant/cases', { authorization: auth });
      assert.equal(ok.status, 200);
    }

    // Act
    const limited = await getFrom(server, '127.0.0.2', '/api/v1/applicant/cases', { authorization: auth });
    const health = await getFrom(server, '127.0.0.2', '/healthz');

    // Assert
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(limited.body.status, 429);
    assert.equal(limited.body.type, problemType(stack, 'rate-limited'));
    assert.ok(limited.headers.ratelimit, 'RateLimit header (draft-8)');
    assert.ok(limited.headers['ratelimit-policy'], 'RateLimit-Policy header');
    assert.equal(health.status, 200);
  });

  it('when one token is used from many addresses, then the token’s own limit stops it', async () => {
    // Arrange
    const auth = await bearer(stack, { sub: 'spread-out-applicant', role: 'applicant' });
    const addresses = Array.from({ length: LIMIT }, (_, i) => `127.0.1.${i + 1}`);
    for (const address of addresses) {
      const ok = await getFrom(server, address, '/api/v1/applicant/cases', { authorization: auth });
      assert.equal(ok.status, 200);
    }

    // Act
    const limited = await getFrom(server, '127.0.1.99', '/api/v1/applicant/cases', { authorization: auth });
    const someoneElse = await getFrom(server, '127.0.1.99', '/api/v1/applicant/cases', {
      authorization: await bearer(stack, { sub: 'another-applicant', role: 'applicant' }),
    });

    // Assert
    assert.equal(limited.status, 429);
    assert.equal(limited.body.status, 429);
    assert.equal(someoneElse.status, 200, 'the address itself is not limited yet');
    // Both policies in one header each, told apart by name: the address has room, the person none.
    const rateLimit = String(limited.headers.ratelimit);
    assert.match(rateLimit, /"per-address"; r=[1-9]\d*; t=\d+/);
    assert.match(rateLimit, /"per-person"; r=0; t=\d+/);
    assert.match(String(limited.headers['ratelimit-policy']), new RegExp(`"per-person"; q=${LIMIT}; w=60`));
  });

  it('when requests come without a token, then they count against the address too', async () => {
    for (let i = 0; i < LIMIT; i++) assert.equal((await getFrom(server, '127.0.2.1', '/api/v1/applicant/cases')).status, 401);
    const limited = await getFrom(server, '127.0.2.1', '/api/v1/applicant/cases');
    assert.equal(limited.status, 429);
  });
});

describe('API: rate limits behind a gateway (TRUST_PROXY)', () => {
  let stack: TestStack;
  let server: Server;
  before(async () => {
    // The gateway is 127.0.0.5; a client reaching the API directly from elsewhere is not trusted.
    stack = await startStack('api_trust_proxy', { env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: '127.0.0.5' } });
    server = createServer(stack.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stack.close();
  });

  it('when many clients come through one gateway, then each has its own limit, and a client that names another address directly is not believed', async () => {
    // Arrange: one client uses up its limit through the gateway.
    const via = (client: string) => ({ 'x-forwarded-for': client });
    for (let i = 0; i < LIMIT; i++)
      assert.equal((await getFrom(server, '127.0.0.5', '/api/v1/applicant/cases', via('203.0.113.1'))).status, 401);

    // Act
    const same = await getFrom(server, '127.0.0.5', '/api/v1/applicant/cases', via('203.0.113.1'));
    const other = await getFrom(server, '127.0.0.5', '/api/v1/applicant/cases', via('203.0.113.2'));
    const direct = [];
    for (let i = 0; i <= LIMIT; i++)
      direct.push((await getFrom(server, '127.0.0.6', '/api/v1/applicant/cases', via(`198.51.100.${i + 1}`))).status);

    // Assert
    assert.equal(same.status, 429, 'the client behind the gateway is limited');
    assert.equal(other.status, 401, 'another client behind the same gateway is not');
    assert.deepEqual(direct.slice(-1), [429], `an untrusted peer's X-Forwarded-For is ignored: ${direct.join()}`);
  });

  it('when TRUST_PROXY names no address, then the app refuses to start, saying why', () => {
    assert.throws(
      () =>
        createApp({
          config: { ...stack.config, TRUST_PROXY: 'gateway.example' },
          logger: createLogger({ level: 'silent', name: 'test-trust-proxy' }),
          temporal: stack.client,
          mongo: stack.mongo,
        }),
      /TRUST_PROXY: invalid IP address: gateway\.example/,
    );
  });
});

describe('API: request logs', () => {
  let stack: TestStack;
  const lines: string[] = [];
  before(async () => {
    const logger = createLogger({
      level: 'info',
      name: 'test-api-logs',
      destination: { write: (line: string) => void lines.push(line) },
    });
    stack = await startStack('api_logs', { logger });
  });
  after(async () => {
    await stack.close();
  });

  it('when cases are submitted and read, even with ID numbers in URLs, then no log line carries an 18-character ID number', async () => {
    // Arrange
    const t = await tokens(stack);
    const person = DEMO_PEOPLE.parentWithChildren;

    // Act
    const caseId = await submitCase(stack, t.applicant, applicationBody(person));
    await waitForWorkflow(stack, caseId, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');
    await request(stack.app).get(`/api/v1/applicant/cases/${caseId}`).set('authorization', t.applicant).expect(200);
    await request(stack.app).get(`/api/v1/officer/cases/${caseId}`).set('authorization', t.police).expect(200);
    await request(stack.app).get(`/api/v1/supervisor/cases/${caseId}/audit`).set('authorization', t.supervisor).expect(200);
    const again = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, t.applicant, applicationBody(person)))
      .send(applicationBody(person));
    assertProblem(again, 409);
    await request(stack.app)
      .get(`/api/v1/applicant/cases?cursor=${person.idNumber}`)
      .set('authorization', t.applicant)
      .expect(400);
    await request(stack.app).get(`/api/v1/people/${person.idNumber}`).set('authorization', t.applicant).expect(404);
    await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, t.applicant, applicationBody(person)))
      .send({ ...applicationBody(person), idNumber: person.idNumber })
      .expect(400);

    // Assert
    assert.ok(lines.length >= 8, `expected request logs, got ${lines.length}`);
    const leaking = lines.filter((l) => /\d{17}[\dXx]/.test(l));
    assert.deepEqual(leaking, [], 'no log line may carry an ID number');
    assert.ok(
      lines.some((l) => l.includes(`/api/v1/people/${person.idNumber.slice(0, 4)}**********${person.idNumber.slice(-4)}`)),
      'the URL was logged, masked',
    );
    const parsed = lines.map(
      (l) => JSON.parse(l) as { msg: string; reqId?: string; status?: number; url?: string; userId?: string; role?: string },
    );
    assert.ok(
      parsed.filter((l) => l.msg === 'request').every((l) => typeof l.reqId === 'string' && typeof l.status === 'number'),
    );
    // Issue 15: who asked, not only in which role.
    const officerRead = parsed.find((l) => l.msg === 'request' && l.url === `/api/v1/officer/cases/${caseId}`);
    assert.equal(officerRead?.userId, 'officer-police');
    assert.equal(officerRead?.role, 'officer');
  });

  it('when a client sends a sane X-Request-Id, then it is echoed and logged; an unsafe one is replaced', async () => {
    // Act
    const sane = await request(stack.app).get('/healthz').set('x-request-id', 'trace-0123.abc');
    const unsafe = await request(stack.app).get('/healthz').set('x-request-id', '<script>alert(1)</script>');

    // Assert
    assert.equal(sane.headers['x-request-id'], 'trace-0123.abc');
    assert.ok(lines.some((l) => (JSON.parse(l) as { reqId?: string }).reqId === 'trace-0123.abc'));
    assert.match(String(unsafe.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });
});
