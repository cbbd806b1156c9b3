/**
 * FerretDB (the MongoDB the API, the worker and the simulator share) is stopped for 10–30 s in
 * the middle of a batch, then started again on the same port and database. Meanwhile
 * the API must answer quickly with a 503 problem (bounded request time, no hanging request);
 * activities fail and are retried; after the restart everything converges.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AppStack } from '../../scripts/lib/app-stack';
import { sleep, until } from '../../bench/lib/api-driver';
import { applicationFor, makePeople } from '../../bench/lib/people';
import { CHAOS_ENV, QUICK, drive, expectConverged, mixedBatch, startChaosStack, timedCall } from './support';

/** What a caller may wait at most during the outage: the server-selection timeout plus slack. */
const BOUND_MS = Number(CHAOS_ENV.MONGODB_SERVER_SELECTION_TIMEOUT_MS) + 3000;
/**
 * A decision the workflow accepts is answered once its transition is written to the read model,
 * which cannot happen while MongoDB is down: the API gives up at its Temporal call deadline
 * (TEMPORAL_CALL_TIMEOUT_MS, 10 s by default) and answers 503; the decision stands, and a retry
 * with the same Idempotency-Key is the same decision. Whether a round's decision is accepted or
 * refused (already decided) depends on timing, so its bound is that deadline plus slack (one CI
 * run saw 10.2 s).
 */
const DECISION_BOUND_MS = Number(CHAOS_ENV.TEMPORAL_CALL_TIMEOUT_MS ?? 10_000) + 3000;

/** Activity failures in the worker log since `sinceMs` that say MongoDB cannot be selected. */
function workerMongoFailuresSince(stack: AppStack, sinceMs: number): number {
  let n = 0;
  for (const line of readFileSync(stack.worker.logFile, 'utf8').split('\n')) {
    if (!line.includes('"Activity failed"') || !line.includes('"type":"Unknown"')) continue;
    const at = Date.parse((JSON.parse(line) as { time: string }).time);
    if (at >= sinceMs) n++;
  }
  return n;
}

/**
 * Every process is back on MongoDB soon after FerretDB returns (issue 12, formerly the known bug
 * mongo-no-reconnect): the API is ready again within 30 s, and the worker's activities no longer
 * fail on server selection 15–30 s after the restart. A process that stays disconnected fails the
 * scenario; the watchdog (models/mongo-watchdog.ts) reopens a client silent for 5 heartbeats.
 */
async function expectReconnected(stack: AppStack, restartedAt: number): Promise<void> {
  const apiReady = await until(
    async () => ((await timedCall(`${stack.apiUrl}/readyz`, {})).status === 200 ? true : undefined),
    'the API ready again',
    30_000,
    1000,
  ).then(
    () => true,
    () => false,
  );
  const ready = await timedCall(`${stack.apiUrl}/readyz`, {});
  assert.ok(apiReady, `API: 30 s after FerretDB returned, /readyz answers ${ready.status} ${JSON.stringify(ready.body)}`);
  // The worker has no readiness probe: its log tells whether activities still cannot reach MongoDB.
  await sleep(Math.max(0, restartedAt + (QUICK ? 15_000 : 30_000) - Date.now()));
  const failures = workerMongoFailuresSince(stack, Date.now() - 10_000);
  assert.equal(failures, 0, `worker: ${failures} activities failed on server selection in the 10 s before this check`);
}

describe('chaos: FerretDB down for a while', () => {
  let stack: AppStack;
  before(async () => {
    stack = await startChaosStack('ferretdb-outage');
  });
  after(async () => {
    await stack?.stop();
  });

  it('when FerretDB stops mid-run, then the API answers 503 problems within a bounded time, and after it returns every case converges', async () => {
    const driver = await drive(stack, mixedBatch(QUICK ? 10 : 20));
    const [stranger] = makePeople('town', 1);
    const applicant = await stack.token({ sub: 'chaos-outage-applicant', role: 'applicant', idNumber: stranger!.idNumber });
    const officer = await stack.token({ sub: 'chaos-outage-officer', role: 'officer', department: 'police' });
    const outageMs = QUICK ? 12_000 : 25_000;
    const answers: Array<{ what: string; status: number; ms: number; type?: unknown; contentType?: string; error?: string }> = [];
    try {
      await until(async () => (driver.caseIds().length >= 3 ? true : undefined), 'three cases submitted', 120_000);
      const someCase = driver.caseIds()[0]!;
      await stack.stopFerretdb();
      const outageEnds = Date.now() + outageMs;
      // Every kind of request while the database is gone: reads, a submission, a decision.
      while (Date.now() < outageEnds) {
        const calls = [
          { what: 'GET case', url: `${stack.apiUrl}/api/v1/applicant/cases/${someCase}`, init: { token: applicant } },
          {
            what: 'POST case',
            url: `${stack.apiUrl}/api/v1/applicant/cases`,
            init: {
              method: 'POST',
              token: applicant,
              body: applicationFor(stranger!),
              headers: { 'idempotency-key': 'chaos-outage-1' },
            },
          },
          {
            what: 'POST decision',
            url: `${stack.apiUrl}/api/v1/officer/cases/${someCase}/steps/police/decision`,
            init: { method: 'POST', token: officer, body: { decision: 'approve' } },
          },
          { what: 'GET inbox', url: `${stack.apiUrl}/api/v1/officer/inbox`, init: { token: officer } },
        ];
        // At once, as concurrent users would: each must come back on its own within the bound.
        const round = await Promise.all(calls.map((c) => timedCall(c.url, c.init)));
        round.forEach((r, i) =>
          answers.push({ what: calls[i]!.what, status: r.status, ms: r.ms, type: r.body.type, error: r.error }),
        );
        await sleep(250);
      }
      await stack.startFerretdb();
      console.log(`# FerretDB was down ${outageMs} ms; ${answers.length} API calls made meanwhile`);
      await expectReconnected(stack, Date.now());
      await expectConverged(stack, driver);
    } finally {
      await driver.stop();
    }

    // The first calls may still find a pooled connection closing; after that: 503 problems, fast.
    const slow = answers.filter((a) => a.ms > (a.what === 'POST decision' ? DECISION_BOUND_MS : BOUND_MS) || a.status === 0);
    assert.deepEqual(
      slow,
      [],
      `requests exceeding ${BOUND_MS} ms (a decision ${DECISION_BOUND_MS} ms) or failing at the transport level`,
    );
    const settled = answers.slice(4);
    const not503 = settled.filter((a) => a.status !== 503 || !String(a.type).endsWith('/dependency-unavailable'));
    assert.deepEqual(not503, [], 'every request during the outage answers 503 dependency-unavailable');
    assert.ok(settled.length >= 8, `only ${settled.length} calls during the outage`);
    const slowest = Math.max(...answers.map((a) => a.ms));
    console.log(`# during the outage: ${answers.length} calls, all 503 problems, slowest ${Math.round(slowest)} ms`);
  });
});
