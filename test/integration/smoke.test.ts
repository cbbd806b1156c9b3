import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../api/app';
import { createLogger } from '../../config/logger';
import { calendarCoverage, deadlineHorizon } from '../../app/queries/calendar-coverage';
import { loadConfig, webSignInIssuer } from '../../config/config';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { diagnosticProbeModel } from '../../models/diagnostic-probe.model';
import { eventually, startStack, type TestStack } from '../support/stack';

describe('smoke: API → Temporal → worker → activity → MongoDB → API', () => {
  let stack: TestStack;
  let auth: string;
  before(async () => {
    stack = await startStack('smoke');
    auth = `Bearer ${await stack.token({ sub: 'sv-1', role: 'supervisor' })}`;
  });
  after(async () => {
    await stack.close();
  });

  it('when a probe is started through the API, then its activity write is read back through the API', async () => {
    const started = await request(stack.app)
      .post('/api/v1/diagnostics/probes')
      .set('authorization', auth)
      .send({ message: 'hello 你好 𠀾' })
      .expect(202);
    const probeId = started.body.probeId as string;
    assert.match(probeId, /^[0-9a-f-]{36}$/);
    assert.equal(started.headers.location, `/api/v1/diagnostics/probes/${probeId}`);

    const recorded = await eventually(async () => {
      const res = await request(stack.app).get(`/api/v1/diagnostics/probes/${probeId}`).set('authorization', auth).expect(200);
      return res.body.status === 'recorded' ? res.body : undefined;
    }, 'the probe to be recorded');

    assert.equal(recorded.message, 'hello 你好 𠀾');
    const doc = await diagnosticProbeModel(stack.mongo).findById(probeId).lean();
    assert.equal(doc?.workflowId, `DiagnosticProbe:${probeId}`);
    const result = await stack.client.workflow.getHandle(`DiagnosticProbe:${probeId}`).result();
    assert.equal(result.recordedAt, recorded.recordedAt);
  });

  it('when the readiness probe runs with both dependencies up, then it answers 200 naming both', async () => {
    const res = await request(stack.app).get('/readyz').expect(200);
    assert.deepEqual(res.body.status, 'ready');
    assert.deepEqual(res.body.checks, { temporal: { status: 'up' }, mongodb: { status: 'up' } });
    // A warning (deadlines counted over a year without its holiday calendar) never fails readiness.
    // Nor does a stack whose pages cannot sign anyone in (one that serves the JSON API only).
    const expected = calendarCoverage(deadlineHorizon(loadConfig()));
    assert.deepEqual(
      (res.body.warnings ?? []).map((w: { code: string; missing?: number[] }) => [w.code, w.missing]),
      [
        ...(webSignInIssuer(stack.config) ? [] : [['sign-in-not-configured', undefined]]),
        ...(expected.provisional ? [['calendar-provisional', expected.missing]] : []),
      ],
    );
    await request(stack.app).get('/healthz').expect(200, { status: 'up' });
  });

  it('when no worker polls the task queue or a policy file does not load, then readiness holds and warns of each, naming the file', async () => {
    // An API of the same stack told to use a task queue nobody polls and a capacity folder with a cut-short file.
    const dir = mkdtempSync(join(tmpdir(), 'hukou-capacities-'));
    writeFileSync(join(dir, 'city-capacity-2027.json'), '{"version": ');
    try {
      const app = createApp({
        config: { ...stack.config, TEMPORAL_TASK_QUEUE: `nobody-polls-${Date.now()}`, CAPACITY_DIR: dir },
        logger: createLogger({ level: 'silent', name: 'smoke' }),
        temporal: stack.client,
        mongo: stack.mongo,
      });
      const res = await request(app).get('/readyz').expect(200);
      const warnings = res.body.warnings as Array<{ code: string; message: string }>;
      assert.deepEqual(
        warnings
          .map((w) => w.code)
          .filter((c) => c === 'no-workers' || c === 'policy-files-invalid')
          .sort(),
        ['no-workers', 'policy-files-invalid'],
      );
      assert.match(warnings.find((w) => w.code === 'policy-files-invalid')!.message, /city-capacity-2027\.json: not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a probe id is unknown, then the API answers a 404 problem', async () => {
    const res = await request(stack.app)
      .get('/api/v1/diagnostics/probes/00000000-0000-4000-8000-000000000000')
      .set('authorization', auth)
      .expect(404);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.body.status, 404);
  });

  it('when the body is invalid, then the API answers a 400 problem naming the field', async () => {
    const res = await request(stack.app)
      .post('/api/v1/diagnostics/probes')
      .set('authorization', auth)
      .send({ message: '', extra: 1 })
      .expect(400);
    const paths = (res.body.invalidParams as { path: string }[]).map((p) => p.path).sort();
    assert.deepEqual(paths, ['/extra', '/message']);
  });
});
