/**
 * The notice providers are down (issue 14): the mail sink is stopped and the SMS gateway answers
 * 503 for 30 s while a batch of cases runs. Cases never wait for delivery, so they converge as
 * usual; the dispatchers keep retrying with backoff, and once the providers are back every
 * notice is delivered by exactly one message at its provider, with exactly one proof of service.
 */
import { after, before, describe, it } from 'node:test';
import { until } from '../../bench/lib/api-driver';
import { connectMongo } from '../../models/connection';
import type { AppStack } from '../../scripts/lib/app-stack';
import { checkDeliveredOnce, describeViolations, loadDeliverySnapshot, type Violation } from './invariants';
import { QUICK, drive, expectConverged, mixedBatch, startChaosStack } from './support';

const OUTAGE_MS = 30_000;

async function smsDown(stack: AppStack, down: boolean): Promise<void> {
  const res = await fetch(
    `${stack.simulatorUrl}/__sms/faults`,
    down
      ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down: true }) }
      : { method: 'DELETE' },
  );
  if (!res.ok) throw new Error(`SMS faults: ${res.status} ${await res.text()}`);
}

describe('chaos: SMTP and SMS gateway down for 30 s', () => {
  let stack: AppStack;
  before(async () => {
    stack = await startChaosStack('delivery-outage');
  });
  after(async () => {
    await stack?.stop();
  });

  it('when the mail sink and the SMS gateway are down for 30 s, then every notice is delivered afterwards, exactly once, with one proof of service', async () => {
    // Arrange: both providers down while the cases run.
    await stack.stopMailSink();
    await smsDown(stack, true);
    const driver = await drive(stack, mixedBatch(QUICK ? 6 : 12));
    try {
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
    } finally {
      // Act: the providers come back.
      await stack.startMailSink();
      await smsDown(stack, false);
    }

    // Assert
    const mongo = await connectMongo({ uri: stack.mongoUri, serverSelectionTimeoutMS: 5000 });
    let last: Violation[] = [];
    try {
      await expectConverged(stack, driver);
      await until(
        async () => {
          last = checkDeliveredOnce(await loadDeliverySnapshot(mongo));
          return last.length === 0 ? true : undefined;
        },
        'every notice delivered once',
        QUICK ? 120_000 : 240_000,
        2000,
      ).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${describeViolations(last)}\n${stack.logTails()}`);
      });
    } finally {
      await driver.stop();
      await mongo.close();
    }
  });
});
