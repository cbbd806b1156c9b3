/**
 * /metrics is not public in production (issue 15 §6): it lives on the internal METRICS_PORT
 * listener (api/metrics-app.ts), the public port answers 404, and the API will not start in
 * production without METRICS_PORT. METRICS_TOKEN guards it wherever it is served. There too the
 * readiness report in full; the public /readyz says only what is up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createMetrics } from '../../api/metrics';
import { readinessReport, readyzHandler, type ReadinessReport } from '../../api/health.router';
import { createMetricsApp } from '../../api/metrics-app';
import { apiConfigIssues, loadConfig } from '../../config/config';
import { createLogger } from '../../config/logger';
import { startStack, TEST_JWT_SECRET, type TestStack } from '../support/stack';
import { testKey } from '../support/test-keys';

const TOKEN = 'metrics-token-of-the-test-run-32-characters';
const logger = createLogger({ level: 'silent', name: 'test-metrics' });

describe('API: /metrics behind a token, and off the public port in production', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('api_metrics_guard', { env: { METRICS_TOKEN: TOKEN } });
  });
  after(async () => {
    await stack?.close();
  });

  /** A production configuration; a variable given as undefined is left unset. */
  const productionConfig = (env: Record<string, string | undefined> = {}) =>
    loadConfig(
      Object.fromEntries(
        Object.entries({
          NODE_ENV: 'production',
          AUTH_JWT_SECRET: TEST_JWT_SECRET,
          PAYLOAD_ENCRYPTION_KEYS: testKey('payload'),
          DATA_ENCRYPTION_KEYS: `t:${testKey(4)}`,
          BLIND_INDEX_KEY: testKey(5),
          SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
          METRICS_PORT: '9100',
          WEB_BASE_URL: 'https://hukou.example.gov.cn',
          ...env,
        }).filter(([, v]) => v !== undefined),
      ),
    );
  /** The two apps api/main.ts builds, over one registry. */
  const productionApps = (env: Record<string, string> = {}) => {
    const config = productionConfig(env);
    const metrics = createMetrics(stack.mongo, config);
    const readiness = readinessReport({ config, logger, temporal: stack.client, mongo: stack.mongo });
    return {
      publicApp: createApp({ config, logger, temporal: stack.client, mongo: stack.mongo, metrics, readiness }),
      metricsApp: createMetricsApp({ config, logger, metrics, readiness }),
    };
  };

  it('when METRICS_TOKEN is set (development, test), then /metrics answers only to that Bearer token', async () => {
    assert.equal((await request(stack.app).get('/metrics')).status, 401);
    assert.equal(
      (await request(stack.app).get('/metrics').set('authorization', 'Bearer wrong-token-of-same-size-x')).status,
      401,
    );
    const ok = await request(stack.app).get('/metrics').set('authorization', `Bearer ${TOKEN}`);
    assert.equal(ok.status, 200);
    assert.match(ok.text, /cases_by_status/);
  });

  it('when production runs, then the public port answers 404 for /metrics and the internal listener serves them', async () => {
    const { publicApp, metricsApp } = productionApps();
    assert.equal((await request(publicApp).get('/metrics')).status, 404);
    // A request the public app answered shows on the internal listener: one registry, two doors.
    await request(publicApp).get('/healthz');
    const internal = await request(metricsApp).get('/metrics');
    assert.equal(internal.status, 200);
    assert.match(internal.text, /http_request_duration_seconds_count\{[^}]*route="\/healthz"/);
    assert.equal(
      (await request(metricsApp).get('/api/v1/openapi.json')).status,
      404,
      'the internal listener serves metrics only',
    );
  });

  it('when production has METRICS_TOKEN too, then the internal listener asks for it and the public port still answers 404', async () => {
    const { publicApp, metricsApp } = productionApps({ METRICS_TOKEN: TOKEN });
    assert.equal((await request(publicApp).get('/metrics').set('authorization', `Bearer ${TOKEN}`)).status, 404);
    assert.equal((await request(metricsApp).get('/metrics')).status, 401);
    assert.equal((await request(metricsApp).get('/metrics').set('authorization', `Bearer ${TOKEN}`)).status, 200);
  });

  it('when production runs, then the public /readyz says what is up and the warnings’ codes, and the internal listener says why', async () => {
    const { publicApp, metricsApp } = productionApps({ METRICS_TOKEN: TOKEN });
    const shown = await request(publicApp).get('/readyz');
    assert.equal(shown.status, 200);
    // No sign-in provider in this configuration: warned of by code alone on the public port.
    assert.deepEqual(shown.body.checks, { temporal: { status: 'up' }, mongodb: { status: 'up' } });
    const codes = (shown.body.warnings as Array<Record<string, unknown>>).map((w) => {
      assert.deepEqual(Object.keys(w), ['code'], 'a warning’s code, nothing else');
      return w.code;
    });
    assert.ok(codes.includes('sign-in-not-configured'), codes.join());
    assert.equal((await request(metricsApp).get('/readyz')).status, 401, 'behind METRICS_TOKEN like /metrics');
    const full = await request(metricsApp).get('/readyz').set('authorization', `Bearer ${TOKEN}`);
    assert.equal(full.status, 200);
    const signIn = (full.body.warnings as Array<{ code: string; message: string }>).find(
      (w) => w.code === 'sign-in-not-configured',
    );
    assert.match(signIn?.message ?? '', /WEB_OIDC_ISSUER/);
    // Development keeps every detail on its one port.
    assert.match((await request(stack.app).get('/readyz')).text, /"message"/);
  });

  it('when a dependency is down, then the public /readyz answers 503 without the error, which only the internal one gives', async () => {
    const down = async (): Promise<ReadinessReport> => ({
      ready: false,
      checks: { temporal: { status: 'up' }, mongodb: { status: 'down', error: 'connect ECONNREFUSED mongo.internal:27017' } },
      warnings: [{ code: 'policy-files-invalid', message: '/srv/hukou/policy/points/2026.json: not JSON' }],
    });
    const summary = express().get('/readyz', readyzHandler(down, 'summary'));
    const res = await request(summary).get('/readyz');
    assert.equal(res.status, 503);
    assert.doesNotMatch(res.text, /mongo\.internal|\/srv\/hukou/);
    assert.deepEqual(res.body.checks.mongodb, { status: 'down' });
    const full = await request(express().get('/readyz', readyzHandler(down, 'full'))).get('/readyz');
    assert.equal(full.status, 503);
    assert.match(full.text, /mongo\.internal/);
  });

  it('when production has no METRICS_PORT, then the API refuses to start, naming it', () => {
    assert.match(apiConfigIssues(productionConfig({ METRICS_PORT: undefined })).join('\n'), /METRICS_PORT/);
    assert.deepEqual(apiConfigIssues(productionConfig()), []);
    assert.deepEqual(apiConfigIssues(loadConfig({ NODE_ENV: 'test' })), [], 'development and test keep /metrics on the API port');
  });
});
