/**
 * The worker dies with kill -9 while activities are running (a batch in full flow), and a new
 * worker process takes over: every case still ends exactly once or waits, with one notice per
 * event, no reservation leaked or counted twice, and the audit trail complete.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppStack } from '../../scripts/lib/app-stack';
import { sleep, until } from '../../bench/lib/api-driver';
import { settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { QUICK, drive, expectConverged, mixedBatch, startChaosStack } from './support';

/** Running cases with an activity in flight right now (Temporal's view). */
async function activitiesInFlight(stack: AppStack, caseIds: string[]): Promise<number> {
  const client = await stack.client();
  let n = 0;
  for (const id of caseIds.slice(-12)) {
    const d = await client.workflow
      .getHandle(settlementCaseWorkflowId(id))
      .describe()
      .catch(() => undefined);
    if (d?.status.name === 'RUNNING') n += d.raw.pendingActivities?.length ?? 0;
  }
  return n;
}

describe('chaos: worker killed with SIGKILL under load', () => {
  let stack: AppStack;
  before(async () => {
    stack = await startChaosStack('worker-crash');
  });
  after(async () => {
    await stack?.stop();
  });

  it('when the worker is killed (kill -9) during activities and restarted, then every case converges and the invariants hold', async () => {
    const driver = await drive(stack, mixedBatch(QUICK ? 10 : 40));
    const kills = QUICK ? 1 : 3;
    let killedDuringActivities = 0;
    try {
      for (let k = 0; k < kills; k++) {
        // Wait until activities are in flight, so the crash interrupts them.
        const inFlight = await until(
          async () => {
            const n = await activitiesInFlight(stack, driver.caseIds());
            return n > 0 ? n : undefined;
          },
          'activities in flight',
          60_000,
          100,
        );
        const pid = stack.worker.child.pid;
        await stack.killWorker();
        killedDuringActivities += inFlight > 0 ? 1 : 0;
        console.log(`# killed worker pid ${pid} (SIGKILL) with ${inFlight} activities in flight`);
        await sleep(QUICK ? 1000 : 3000);
        await stack.startWorker();
      }
      await expectConverged(stack, driver);
    } finally {
      await driver.stop();
    }
    assert.equal(killedDuringActivities, kills);
    const ended = driver.cases.filter((c) => c.plan !== 'wait').length;
    assert.ok(ended > 0);
  });
});
