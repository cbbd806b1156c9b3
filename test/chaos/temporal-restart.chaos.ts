/**
 * The Temporal dev server is killed (SIGKILL) mid-run and restarted on the same --db-filename
 * (under `npm run test:cluster`: Temporal's own server, restarted on the same PostgreSQL
 * databases): every open case resumes and the batch converges. The restart is only meaningful
 * with persistence, so it is guarded: a sentinel workflow started before the kill must be there
 * after the restart, or the scenario fails loudly — and a second test proves the guard fires
 * on a dev server without persistence.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { AppStack } from '../../scripts/lib/app-stack';
import { sleep, until } from '../../bench/lib/api-driver';
import { diagnosticProbe } from '../../workflows/diagnostic-probe.workflow';
import { QUICK, drive, expectConverged, mixedBatch, startChaosStack, timedCall } from './support';

export class TemporalLostStateError extends Error {
  override name = 'TemporalLostStateError';
}

/**
 * Kills and restarts the Temporal server; throws TemporalLostStateError when a workflow started
 * before the kill is gone afterwards (a server without --db-filename keeps nothing).
 */
export async function restartTemporalKeepingState(stack: AppStack, downMs: number): Promise<void> {
  const client = await stack.client();
  // Sentinel: started on a task queue nobody polls, so it can only be waiting when the server dies.
  const sentinel = `ChaosSentinel:${randomUUID()}`;
  await client.workflow.start(diagnosticProbe, {
    taskQueue: 'chaos-sentinel',
    workflowId: sentinel,
    args: [{ probeId: sentinel, message: 'must survive the restart' }],
  });
  await stack.killTemporal();
  await sleep(downMs);
  await stack.startTemporal();
  const handle = client.workflow.getHandle(sentinel);
  const deadline = Date.now() + 30_000;
  for (;;) {
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new TemporalLostStateError(
          `Temporal lost its state across the restart: workflow ${sentinel}, started before the kill, is gone. ` +
            'The dev server runs without persistence (no --db-filename, everything in memory), so this restart ' +
            'scenario proves nothing: start it with --db-filename (scripts/lib/services.ts startTemporal).',
        );
      }
      // The client reconnects to the restarted server: transient errors for a moment.
      if (Date.now() > deadline) throw err;
      await sleep(500);
      continue;
    }
    assert.equal(status, 'RUNNING', `sentinel ${sentinel} is ${status} after the restart`);
    await handle.terminate('chaos sentinel done');
    return;
  }
}

describe('chaos: Temporal dev server killed and restarted', () => {
  const stacks: AppStack[] = [];
  after(async () => {
    for (const s of stacks) await s.stop();
  });

  it('when the server is killed mid-run and restarted on the same database file, then every open case resumes and converges', async () => {
    const stack = await startChaosStack('temporal-restart');
    stacks.push(stack);
    const driver = await drive(stack, mixedBatch(QUICK ? 10 : 40));
    try {
      // Mid-run: some cases ended, others in flight.
      await until(async () => (driver.caseIds().length >= driver.cases.length / 2 ? true : undefined), 'half submitted', 120_000);
      const downMs = QUICK ? 3000 : 10_000;
      const probe = setInterval(() => {
        // While Temporal is down the API answers quickly with a problem, never hangs.
        // Fire-and-forget: one probe a second, each reporting on its own; timedCall never rejects.
        void timedCall(`${stack.apiUrl}/readyz`, {}).then((r) => {
          if (r.ms > 6000) console.log(`# slow readyz during the outage: ${Math.round(r.ms)} ms`);
        });
      }, 1000);
      try {
        await restartTemporalKeepingState(stack, downMs);
      } finally {
        clearInterval(probe);
      }
      console.log(`# Temporal killed, down ${downMs} ms, restarted on ${stack.temporalState}`);
      await expectConverged(stack, driver);
    } finally {
      await driver.stop();
    }
  });

  it('when the server runs without persistence, then the restart scenario fails loudly (the guard)', async () => {
    const stack = await startChaosStack('temporal-in-memory', { temporalPersistence: false });
    stacks.push(stack);
    await assert.rejects(restartTemporalKeepingState(stack, 500), (err: unknown) => {
      assert.ok(err instanceof TemporalLostStateError, `expected TemporalLostStateError, got ${String(err)}`);
      assert.match(err.message, /without persistence/);
      return true;
    });
  });
});
