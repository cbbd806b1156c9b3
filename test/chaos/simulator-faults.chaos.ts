/**
 * The department systems are slow or failing (the simulator's fault switches). Short trouble is
 * absorbed by the lookups' retries with backoff; trouble that lasts makes the step fail its
 * rounds, escalates to supervisors once (one escalation notice per channel), and the case goes
 * on as soon as the system answers again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppStack } from '../../scripts/lib/app-stack';
import { until } from '../../bench/lib/api-driver';
import { auditEventModel } from '../../models/audit-event.model';
import { connectMongo } from '../../models/connection';
import { noticeModel } from '../../models/notice.model';
import { settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { QUICK, drive, expectConverged, mixedBatch, startChaosStack } from './support';

async function setFaults(stack: AppStack, body?: Record<string, unknown>): Promise<void> {
  const res = await fetch(
    `${stack.simulatorUrl}/__faults`,
    body ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : { method: 'DELETE' },
  );
  if (!res.ok) throw new Error(`simulator faults: ${res.status} ${await res.text()}`);
}

async function counters(stack: AppStack) {
  const res = await fetch(`${stack.simulatorUrl}/__faults`);
  return ((await res.json()) as { counters: Record<string, { failed: number; abandoned: number; ok: number }> }).counters;
}

describe('chaos: department systems slow or failing', () => {
  let stack: AppStack;
  before(async () => {
    stack = await startChaosStack('simulator-faults');
  });
  after(async () => {
    await stack?.stop();
  });

  it('when every other lookup fails, then the retries absorb it and the batch converges', async () => {
    await setFaults(stack, { department: '*', failureRate: 0.5 });
    const driver = await drive(stack, mixedBatch(QUICK ? 6 : 12));
    let failed = 0;
    try {
      await expectConverged(stack, driver);
      const c = await counters(stack);
      failed = Object.values(c).reduce((n, x) => n + x.failed, 0);
      console.log(
        `# injected failures answered: ${Object.entries(c)
          .map(([d, x]) => `${d} ${x.failed}`)
          .join(', ')}`,
      );
    } finally {
      await driver.stop();
      await setFaults(stack);
    }
    assert.ok(failed > 0, 'the simulator injected failures');
  });

  it('when the police system is slower than the lookup timeout for a while, then the step escalates once and the case goes on once it recovers', async () => {
    const mongo = await connectMongo({ uri: stack.mongoUri, serverSelectionTimeoutMS: 5000 });
    const client = await stack.client();
    try {
      // Slower than DEPARTMENT_SYSTEMS_TIMEOUT_MS (1.5 s): every police lookup times out.
      await setFaults(stack, { department: 'police', delayMs: 2500 });
      const driver = await drive(stack, mixedBatch(QUICK ? 4 : 8));
      let abandoned = 0;
      try {
        // Lasting trouble: wait until the police lookups have escalated (2 failed rounds) on
        // every case still open (a housing rejection may end a case before).
        await until(
          async () => {
            const ids = driver.caseIds();
            if (ids.length < driver.cases.length) return undefined;
            const escalated = await auditEventModel(mongo).distinct('caseId', { type: 'escalation', department: 'police' });
            for (const id of ids) {
              if (escalated.includes(id)) continue;
              const d = await client.workflow.getHandle(settlementCaseWorkflowId(id)).describe();
              if (d.status.name === 'RUNNING') return undefined;
            }
            return escalated.length > 0 ? true : undefined;
          },
          'police lookups escalated on every open case',
          QUICK ? 90_000 : 150_000,
          1000,
        );
        abandoned = (await counters(stack)).police!.abandoned;
        await setFaults(stack); // the system recovers
        await expectConverged(stack, driver);
      } finally {
        await driver.stop();
      }
      assert.ok(abandoned > 0, 'the adapter gave up on slow answers (timeouts)');
      const escalated = await auditEventModel(mongo).distinct('caseId', { type: 'escalation', department: 'police' });
      for (const id of driver.caseIds()) {
        const escalations = await noticeModel(mongo).find({ caseId: id, event: 'escalation' }).lean();
        const expected = escalated.includes(id) ? ['email', 'sms'] : [];
        assert.deepEqual(escalations.map((n) => n.channel).sort(), expected, `case ${id}: one escalation per channel, or none`);
        assert.ok(
          escalations.every((n) => n._id.includes(':police:lookup:')),
          `case ${id}: escalations are the police lookup's`,
        );
      }
    } finally {
      await setFaults(stack).catch(() => undefined);
      await mongo.close();
    }
  });
});
