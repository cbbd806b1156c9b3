/**
 * What the README shows, run against a real stack served over HTTP:
 * - the curl walk-through runs as written, top to bottom: its shell block is taken from
 *   README.md and run by bash with `set -euo pipefail`, with `API` pointing at the stack and
 *   `npm run token` signing with the stack's secret (AUTH_JWT_SECRET). The block's own `call`
 *   stops at the first non-2xx answer, so a command that no longer makes sense in its place
 *   (e.g. acting on a case that has already settled) fails this test;
 * - "Trying it out": the example person, seeded from its file as `SIMULATOR_PEOPLE` would, is
 *   rejected for insufficient points, one under the threshold (§2).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { DEMO_CASE_PERSONAS } from '../../scripts/lib/demo-cases';
import { ALL_DEMO_PEOPLE, DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { everyoneIn, PEOPLE_DIR, readPeopleFile } from '../../tools/simulator/people-file';
import { decideViaApi, submitCase, waitForWorkflow } from '../support/api';
import { codeBlocks, readmeSection } from '../support/readme';
import { eventually, startStack, TEST_JWT_SECRET, type TestStack } from '../support/stack';

const ROOT = join(__dirname, '..', '..');
const WALKTHROUGH_TIMEOUT_MS = 180_000;
const EXAMPLE = readPeopleFile(join(PEOPLE_DIR, 'examples', 'points-one-below.json'));

function walkthrough(): string {
  const blocks = codeBlocks(readmeSection('Using the API'), 'sh');
  assert.equal(blocks.length, 1, 'the walk-through section has exactly one sh block');
  return blocks[0]!;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBash(script: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), WALKTHROUGH_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('README, run against a real stack', () => {
  let stack: TestStack;
  let server: Server;
  let api: string;

  before(async () => {
    stack = await startStack('readme', { people: [...ALL_DEMO_PEOPLE, ...everyoneIn(EXAMPLE)] });
    server = createServer(stack.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await stack.close();
  });

  it('when the walk-through applies, then its applicant is a demo persona no npm start demo case uses (no 409)', () => {
    const ids = [...walkthrough().matchAll(/"idNumber":"(\w{18})"/g)].map((m) => m[1]);
    assert.deepEqual(ids, [DEMO_PEOPLE.townPublicRental.idNumber], 'the walk-through applies for townPublicRental');
    for (const name of DEMO_CASE_PERSONAS) {
      assert.notEqual(DEMO_PEOPLE[name].idNumber, DEMO_PEOPLE.townPublicRental.idNumber, `npm start's demo case ${name}`);
    }
  });

  it('when the shell block runs top to bottom with set -euo pipefail, then every call answers 2xx and the case settles', async () => {
    const run = await runBash(`set -euo pipefail\n${walkthrough()}`, {
      ...process.env,
      API: api,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      AUTH_ISSUER: stack.config.AUTH_ISSUER,
      AUTH_AUDIENCE: stack.config.AUTH_AUDIENCE,
    });
    const transcript = `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    assert.equal(run.code, 0, transcript);
    assert.doesNotMatch(run.stderr, /curl: \(\d+\)/, transcript);

    const caseId = /"caseId":"([0-9a-f-]{36})"/.exec(run.stdout)?.[1];
    assert.ok(caseId, transcript);
    const sv = `Bearer ${await stack.token({ sub: 'sv-readme', role: 'supervisor' })}`;
    const view = await request(stack.app).get(`/api/v1/supervisor/cases/${caseId}`).set('authorization', sv).expect(200);
    assert.equal(view.body.status, 'settled');
    const audit = await request(stack.app).get(`/api/v1/supervisor/cases/${caseId}/audit`).set('authorization', sv).expect(200);
    const whats = (audit.body.items as { type: string; what?: string; department?: string }[]).map(
      (e) => `${e.type}:${e.department ?? ''}:${e.what ?? ''}`,
    );
    assert.ok(whats.includes('supervisor_action:housing:extend_deadline'), whats.join('\n'));
  });

  it('§2 when the "Trying it out" example person applies on the points route, then HR is recommended to refuse one point short and the refusal ends the case', async () => {
    const [entry] = EXAMPLE;
    assert.ok(entry);
    const p = entry.persona;
    const auth = `Bearer ${await stack.token({ sub: 'readme-example', role: 'applicant' })}`;
    const caseId = await submitCase(stack, auth, {
      route: p.target.route,
      district: p.target.district,
      applicant: { idNumber: p.idNumber, name: p.name },
      family: [],
      contact: { phone: '13800138000', locale: 'zh-CN' },
    });
    const hr = `Bearer ${await stack.token({ sub: 'hr-1', role: 'officer', department: 'hrss' })}`;
    // The recommendation is made before the step's deadline is computed (an activity), so the
    // step may not await a decision yet when the recommendation first shows.
    await waitForWorkflow(
      stack,
      caseId,
      (c) => c.steps.hrss?.status === 'awaiting_decision' && c.steps.hrss.recommendation !== undefined,
      'HR recommendation, awaiting a decision',
    );
    const approve = await request(stack.app)
      .post(`/api/v1/officer/cases/${caseId}/steps/hrss/decision`)
      .set('authorization', hr)
      .send({ decision: 'approve' });
    assert.equal(approve.status, 422, 'a score below the threshold cannot be approved');
    await decideViaApi(stack, hr, caseId, 'hrss', { decision: 'reject', reasonCode: 'insufficient_points' });
    const view = await eventually(async () => {
      const res = await request(stack.app).get(`/api/v1/applicant/cases/${caseId}`).set('authorization', auth).expect(200);
      return res.body.status === 'rejected' ? res.body : undefined;
    }, 'the example case to be rejected');
    assert.equal(view.score.total, view.score.threshold - 1);
    assert.equal(view.score.passed, false);
    assert.match(JSON.stringify(view), /insufficient_points/);
  });
});
