/** /metrics is not public in production: a Bearer token (METRICS_TOKEN), or off. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config/config';
import { createLogger } from '../../config/logger';
import { startStack, TEST_JWT_SECRET, TEST_PAYLOAD_KEYS, type TestStack } from '../support/stack';

const TOKEN = 'metrics-token-of-the-test-run';

describe('API: /metrics behind a token', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('api_metrics_guard', { env: { METRICS_TOKEN: TOKEN } });
  });
  after(async () => {
    await stack?.close();
  });

  const productionApp = (env: Record<string, string> = {}) =>
    createApp({
      config: loadConfig({
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS.join(','),
        DATA_ENCRYPTION_KEYS: `t:${Buffer.alloc(32, 4).toString('base64')}`,
        BLIND_INDEX_KEY: Buffer.alloc(32, 5).toString('base64'),
        SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
        ...env,
      }),
      logger: createLogger({ level: 'silent', name: 'test-metrics' }),
      temporal: stack.client,
      mongo: stack.mongo,
    });

  it('when METRICS_TOKEN is set, then /metrics answers only to that Bearer token', async () => {
    assert.equal((await request(stack.app).get('/metrics')).status, 401);
    assert.equal(
      (await request(stack.app).get('/metrics').set('authorization', 'Bearer wrong-token-of-same-size-x')).status,
      401,
    );
    const ok = await request(stack.app).get('/metrics').set('authorization', `Bearer ${TOKEN}`);
    assert.equal(ok.status, 200);
    assert.match(ok.text, /cases_by_status/);
  });

  it('when production runs without METRICS_TOKEN, then /metrics is off (404); with it, it asks for the token', async () => {
    assert.equal((await request(productionApp()).get('/metrics')).status, 404);
    const guarded = productionApp({ METRICS_TOKEN: TOKEN });
    assert.equal((await request(guarded).get('/metrics')).status, 401);
    assert.equal((await request(guarded).get('/metrics').set('authorization', `Bearer ${TOKEN}`)).status, 200);
  });
});
