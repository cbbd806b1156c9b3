/**
 * Issue 15 §6 at the department systems: the ID number travels in a body, never in a URL; the
 * simulator wants a caller's key for lookups, register writes and the SMS gateway; and its fault
 * endpoints do not exist in production — checked on the app and on the real entry point.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mongoose';
import {
  createDepartmentSystemsClient,
  DepartmentSystemUnavailableError,
} from '../../activities/adapters/department-systems.client';
import { createRegistersClient } from '../../activities/adapters/registers.client';
import { DeliveryError } from '../../activities/notifications/delivery-error';
import { createSmsGatewayClient } from '../../activities/notifications/sms-gateway.client';
import { loadSmsTemplates } from '../../policy/sms-templates';
import { connectMongo } from '../../models/connection';
import { freePort } from '../../scripts/lib/processes';
import { createSimulatorApp } from '../../tools/simulator/app';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { seedDepartmentSystems } from '../../tools/simulator/seed';
import { mongoUriFor } from '../support/services';
import { testKey } from '../support/test-keys';

const ROOT = join(__dirname, '..', '..');
const KEY = randomBytes(32).toString('base64url');
const { pointsHigh } = DEMO_PEOPLE;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('department systems: personal data out of URLs, a credential required, no fault endpoints in production', () => {
  let conn: Connection;
  let server: Server;
  let baseUrl: string;

  before(async () => {
    conn = await connectMongo({
      uri: mongoUriFor(`test_sim_hardening_${randomUUID().slice(0, 8)}`),
      serverSelectionTimeoutMS: 5000,
    });
    await seedDepartmentSystems(conn);
    // As main.ts builds it in production: one caller key, no fault injection.
    server = createServer(createSimulatorApp({ conn, apiKeys: [KEY], faultInjection: false }));
    baseUrl = await listen(server);
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await conn?.dropDatabase();
    await conn?.close();
  });

  it('when the adapter looks a person up, then the ID number is in the POST body and in no URL, and the key is sent', async () => {
    const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];
    const spy = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        res.writeHead(404, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'https://example.test/problems/person-not-found' }));
      });
    });
    const spyUrl = await listen(spy);
    try {
      const client = createDepartmentSystemsClient({ baseUrl: spyUrl, timeoutMs: 2000, apiKey: KEY });
      assert.deepEqual(await client.check('education', pointsHigh.idNumber, 'yanta'), { found: false });
      const [call] = seen;
      assert.equal(call?.method, 'POST');
      assert.equal(call?.url, '/systems/education/lookups');
      assert.ok(!call.url.includes(pointsHigh.idNumber.slice(0, 6)), 'no part of the ID number in the URL');
      assert.deepEqual(JSON.parse(call.body), { idNumber: pointsHigh.idNumber, area: 'yanta' });
      assert.equal(call.auth, `Bearer ${KEY}`);
    } finally {
      await new Promise<void>((resolve) => spy.close(() => resolve()));
    }
  });

  it('when a lookup, a register write or an SMS comes without the key (or with another), then the simulator answers 401', async () => {
    const lookup = { idNumber: pointsHigh.idNumber, area: 'yanta' };
    const wrong = { authorization: `Bearer ${randomBytes(32).toString('base64url')}` };
    for (const headers of [{}, wrong, { authorization: KEY }]) {
      const res = await post(`${baseUrl}/systems/police/lookups`, lookup, headers);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    }
    const write = await post(
      `${baseUrl}/registers/police/provisional-registrations`,
      { caseId: 'c-1', item: 'x' },
      { 'idempotency-key': 'key-of-the-test-1' },
    );
    assert.equal(write.status, 401);
    assert.equal((await fetch(`${baseUrl}/registers/police/provisional-registrations?caseId=c-1`)).status, 401);
    const sms = await post(`${baseUrl}/sms/v1/SendSms`, {
      PhoneNumberSet: ['+8613800000000'],
      SmsSdkAppId: '1400000000',
      SignName: 'x',
      TemplateId: '1',
      TemplateParamSet: [],
      SessionContext: 'n-1',
    });
    assert.equal(sms.status, 401);

    // The engine's adapters without the key: an outage to retry (the key can be fixed), naming the cause.
    const keyless = createDepartmentSystemsClient({ baseUrl, timeoutMs: 2000 });
    await assert.rejects(keyless.check('police', pointsHigh.idNumber, 'yanta'), (err: unknown) => {
      assert.ok(err instanceof DepartmentSystemUnavailableError);
      assert.equal(err.status, 401);
      assert.match(err.message, /DEPARTMENT_SYSTEMS_API_KEY/);
      return true;
    });
    await assert.rejects(
      createSmsGatewayClient({ url: baseUrl, appId: '1400000000', timeoutMs: 2000 }).send({
        noticeId: 'n-2',
        phone: '+8613800000000',
        templateId: '1',
        params: [],
        signName: 'x',
      }),
      /HTTP 401/,
    );
  });

  it('when the key is presented, then lookups, register writes and SMS are answered', async () => {
    const client = createDepartmentSystemsClient({ baseUrl, timeoutMs: 2000, apiKey: KEY });
    const police = await client.check('police', pointsHigh.idNumber, 'yanta');
    assert.equal(police.found, true);
    const registers = createRegistersClient({ baseUrl, timeoutMs: 2000, apiKey: KEY });
    const record = await registers.write('provisional_registration', `hardening-${randomUUID()}`, { caseId: 'c-2', item: 'x' });
    assert.ok(record.recordId);
    const sms = createSmsGatewayClient({ url: baseUrl, appId: '1400000000', timeoutMs: 2000, apiKey: KEY });
    // An approved template with its one variable (case_received: the case number).
    const received = loadSmsTemplates().templates.case_received['zh-CN'].id;
    assert.ok(
      (
        await sms.send({
          noticeId: 'n-3',
          phone: '+8613800000000',
          templateId: received,
          params: ['HK-2026-000001'],
          signName: 'x',
        })
      ).serialNo,
    );
    // As a provider refuses them, for good: a template it never approved, or parameters that do not fit it.
    await assert.rejects(
      sms.send({ noticeId: 'n-4', phone: '+8613800000000', templateId: '1', params: [], signName: 'x' }),
      (err: unknown) => err instanceof DeliveryError && err.permanent && /TemplateIncorrectOrUnapproved/.test(err.message),
    );
    await assert.rejects(
      sms.send({ noticeId: 'n-5', phone: '+8613800000000', templateId: received, params: [], signName: 'x' }),
      (err: unknown) =>
        err instanceof DeliveryError && err.permanent && /TemplateParamSetNotMatchApprovedTemplate/.test(err.message),
    );
  });

  it('when fault injection is off (production), then the fault and inspection endpoints do not exist', async () => {
    for (const [method, path] of [
      ['GET', '/__faults'],
      ['PUT', '/__faults'],
      ['DELETE', '/__faults'],
      ['GET', '/__sms/faults'],
      ['PUT', '/__sms/faults'],
      ['GET', '/__sms/messages'],
    ] as const) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        ...(method === 'PUT' ? { body: JSON.stringify({ failNext: 1 }) } : {}),
      });
      assert.equal(res.status, 404, `${method} ${path}`);
    }
  });

  describe('the real entry point (tools/simulator/main.ts) in production', () => {
    const productionEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // Only its own secrets: a stand-in needs none of the app's sealing keys (config/process-secrets.ts).
      MONGODB_URI: mongoUriFor('unused'),
      ...extra,
    });
    const start = (env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/simulator/main.ts')], { cwd: ROOT, env });
      let out = '';
      child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      return { child, output: () => out, exited };
    };

    it('when SIMULATOR_API_KEYS is unset, then it exits non-zero naming the variable', async () => {
      const run = start(productionEnv({}));
      const code = await run.exited;
      assert.notEqual(code, 0);
      assert.match(run.output(), /SIMULATOR_API_KEYS/);
    });

    it('when it runs, then /__faults and /__sms/faults answer 404 and a lookup without the key 401', async () => {
      const port = await freePort();
      // Given a key of the app's besides its own, as one shared environment file would.
      const dataKey = `k1:${testKey(41)}`;
      const run = start(productionEnv({ SIMULATOR_API_KEYS: KEY, SIMULATOR_PORT: String(port), DATA_ENCRYPTION_KEYS: dataKey }));
      const url = `http://127.0.0.1:${port}`;
      try {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const up = await fetch(`${url}/healthz`).then(
            (r) => r.ok,
            () => false,
          );
          if (up) break;
          if (run.child.exitCode !== null || Date.now() > deadline) assert.fail(`the simulator did not start:\n${run.output()}`);
          await new Promise((r) => setTimeout(r, 250));
        }
        assert.equal((await fetch(`${url}/__faults`)).status, 404);
        assert.equal((await fetch(`${url}/__faults`, { method: 'DELETE' })).status, 404);
        assert.equal((await fetch(`${url}/__sms/faults`)).status, 404);
        assert.equal((await post(`${url}/systems/police/lookups`, { idNumber: pointsHigh.idNumber })).status, 401);
        const ok = await post(
          `${url}/systems/police/lookups`,
          { idNumber: pointsHigh.idNumber },
          { authorization: `Bearer ${KEY}` },
        );
        assert.equal(ok.status, 200);
        // It says it was given a secret it does not read, by name only.
        assert.match(run.output(), /"secrets":\["DATA_ENCRYPTION_KEYS"\].*does not use/);
        assert.ok(!run.output().includes(dataKey.slice(3)), 'never the value');
      } finally {
        run.child.kill('SIGTERM');
        await run.exited;
      }
    });
  });
});
