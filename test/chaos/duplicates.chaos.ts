/**
 * Impatient or racing clients: ten identical submissions at once with one Idempotency-Key make
 * one case (every caller gets its id); two officers deciding the same step at the same moment
 * have one effect (one wins, the other is told the step is no longer awaiting a decision).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppStack } from '../../scripts/lib/app-stack';
import { decide, submit, until } from '../../bench/lib/api-driver';
import { applicationFor, makePeople, seedPeople } from '../../bench/lib/people';
import { auditEventModel } from '../../models/audit-event.model';
import { caseModel } from '../../models/case.model';
import { connectMongo } from '../../models/connection';
import { caseStatusQuery, settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { QUICK, drive, expectConverged, startChaosStack } from './support';

describe('chaos: duplicate and racing requests', () => {
  let stack: AppStack;
  before(async () => {
    stack = await startChaosStack('duplicates');
  });
  after(async () => {
    await stack?.stop();
  });

  it('when ten identical submissions with one Idempotency-Key arrive at once, then exactly one case exists and every caller gets it', async () => {
    const rounds = QUICK ? 2 : 5;
    const mongo = await connectMongo({ uri: stack.mongoUri, serverSelectionTimeoutMS: 5000 });
    try {
      for (let round = 0; round < rounds; round++) {
        const [person] = makePeople('town', 1);
        await seedPeople(stack.mongoUri, [person!]);
        const token = await stack.token({ sub: `chaos-dup-${person!.idNumber}`, role: 'applicant', idNumber: person!.idNumber });
        const key = `chaos-dup-${round}-${person!.idNumber}`;
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => submit(stack.apiUrl, token, applicationFor(person!), key)),
        );
        const accepted = answers.filter((a) => a.status === 202);
        // A replay still waiting for the first request may answer 409 "in progress": never a second case.
        assert.ok(accepted.length >= 1, `no submission accepted: ${answers.map((a) => a.status).join(',')}`);
        assert.deepEqual(
          answers.filter((a) => a.status !== 202 && a.status !== 409).map((a) => `${a.status} ${JSON.stringify(a.body)}`),
          [],
        );
        const ids = new Set(accepted.map((a) => a.body.caseId));
        assert.equal(ids.size, 1, `several case ids: ${[...ids].join(', ')}`);
        const [caseId] = ids;
        const client = await stack.client();
        await client.workflow.getHandle(settlementCaseWorkflowId(caseId!)).describe();
        const cases = await until(
          async () => {
            const docs = await caseModel(mongo)
              .find({ applicantUserId: `chaos-dup-${person!.idNumber}` })
              .lean();
            return docs.length > 0 ? docs : undefined;
          },
          'the case in the read model',
          60_000,
        );
        assert.deepEqual(
          cases.map((c) => c._id),
          [caseId],
        );
        const running = await client.workflow.count(`WorkflowType = 'settlementCase'`);
        assert.equal(running.count, round + 1, 'one workflow per round of ten submissions');
      }
    } finally {
      await mongo.close();
    }
  });

  it('when two officers decide the same step at the same moment, then one decision wins and has one effect', async () => {
    const mongo = await connectMongo({ uri: stack.mongoUri, serverSelectionTimeoutMS: 5000 });
    const client = await stack.client();
    const driver = await drive(
      stack,
      makePeople('town', QUICK ? 3 : 6).map((person) => ({ person, plan: 'hold' as const })),
    );
    try {
      await driver.submitted; // the pool decides nothing ('hold'): the racing officers below decide police
      const officerA = await stack.token({ sub: 'chaos-officer-a', role: 'officer', department: 'police' });
      const officerB = await stack.token({ sub: 'chaos-officer-b', role: 'officer', department: 'police' });
      for (const caseId of driver.caseIds()) {
        const handle = client.workflow.getHandle(settlementCaseWorkflowId(caseId));
        await until(
          async () => ((await handle.query(caseStatusQuery)).steps.police?.status === 'awaiting_decision' ? true : undefined),
          'police awaiting a decision',
          60_000,
        );
        const [a, b] = await Promise.all([
          decide(stack.apiUrl, officerA, caseId, 'police', { decision: 'approve' }),
          decide(stack.apiUrl, officerB, caseId, 'police', { decision: 'approve' }),
        ]);
        assert.deepEqual([a.status, b.status].sort(), [200, 409], `answers ${a.status} ${JSON.stringify(a.body)} / ${b.status}`);
        const loser = a.status === 409 ? a : b;
        assert.match(String(loser.body.type), /step-not-awaiting-decision|case-not-open/);
        await until(
          async () => {
            const decisions = await auditEventModel(mongo).find({ caseId, type: 'decision', department: 'police' }).lean();
            return decisions.length === 1 ? decisions : undefined;
          },
          'one police decision in the audit trail',
          30_000,
        );
      }
      // Police approved once each: one provisional registration each; housing still waits.
      await expectConverged(stack, driver);
      const decisions = await auditEventModel(mongo).countDocuments({ type: 'decision', department: 'police' });
      assert.equal(decisions, driver.caseIds().length);
    } finally {
      await driver.stop();
      await mongo.close();
    }
  });
});
