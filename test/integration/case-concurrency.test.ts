/**
 * Exactly one effect: officer decisions delivered twice or raced by two officers, decisions
 * from the wrong department, and cases racing for the last slots of a district's points
 * quota (§2 总量控制: never over-admitted).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createReservationActivities } from '../../activities/reservations.activities';
import { poolKey } from '../../domain/capacity';
import { reservationModel } from '../../models/reservation.model';
import { poolUse } from '../../models/pool-use';
import { reservationSlotModel } from '../../models/reservation-slot.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { decideUpdate, type DecideInput } from '../../workflows/settlement-case/messages';
import type { WorkflowHandle } from '@temporalio/client';
import { auditTrail, refusal, reservationsOf } from '../support/case-records';
import { awaitingDecision, caseInput, decide, startCase } from '../support/cases';
import { testCapacities } from '../support/capacities';
import { startStack, type TestStack } from '../support/stack';

// Small figures for the quota race; the shipped file's for everything else.
const capacities = testCapacities((t) => {
  t.pointsQuota.gaoling = 3;
  t.pointsQuota.yanliang = 5;
});

function decideAs(handle: WorkflowHandle, d: Partial<DecideInput> & Pick<DecideInput, 'department'>, updateId?: string) {
  const requestId = d.requestId ?? randomUUID();
  return handle.executeUpdate(decideUpdate, {
    updateId: updateId ?? requestId,
    args: [
      {
        requestId,
        officerDepartment: d.department,
        officerId: `officer-${d.department}`,
        decision: 'approve',
        ...d,
      },
    ],
  });
}

describe('concurrent and duplicate actions', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('concurrency', { capacityDir: capacities.dir });
  });
  after(async () => {
    await stack.close();
  });

  it('when the same decision is delivered twice (same request id), then it has one effect and both callers get the same state', async () => {
    const input = caseInput(DEMO_PEOPLE.townOwner);
    const handle = await startCase(stack, input);
    await awaitingDecision(handle, 'police');
    const requestId = randomUUID();
    const first = await decideAs(handle, { department: 'police', requestId });
    // Same update id: Temporal deduplicates; a new update id with the same request id: the workflow does.
    const sameUpdate = await decideAs(handle, { department: 'police', requestId });
    const sameRequest = await decideAs(handle, { department: 'police', requestId }, randomUUID());
    assert.equal(first.status, 'approved');
    assert.deepEqual(sameUpdate, first);
    assert.deepEqual(sameRequest, first);

    await decide(handle, 'housing');
    assert.equal((await handle.result()).status, 'settled');
    const decisions = (await auditTrail(stack, input.caseId)).filter((e) => e.type === 'decision' && e.department === 'police');
    assert.equal(decisions.length, 1);
    const provisional = (await reservationsOf(stack, input.caseId)).filter((r) => r.kind === 'provisional_registration');
    assert.equal(provisional.length, 1);
  });

  it('when two officers decide the same step at once, then exactly one decision wins and the other is refused as StepNotAwaitingDecision', async () => {
    const input = caseInput(DEMO_PEOPLE.townOwner);
    const handle = await startCase(stack, input);
    await awaitingDecision(handle, 'housing');
    const outcomes = await Promise.allSettled([
      decideAs(handle, { department: 'housing', officerId: 'officer-a' }),
      decideAs(handle, {
        department: 'housing',
        officerId: 'officer-b',
        decision: 'reject',
        reasonCode: 'no_legal_residence',
        reasonText: '房屋已出售',
      }),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.equal(await refusal(Promise.reject((lost[0] as PromiseRejectedResult).reason)), 'StepNotAwaitingDecision');

    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof decideAs>>>).value;
    if (winner.status === 'approved') {
      await decide(handle, 'police');
      assert.equal((await handle.result()).status, 'settled');
    } else {
      assert.equal((await handle.result()).status, 'rejected');
    }
    const decisions = (await auditTrail(stack, input.caseId)).filter((e) => e.type === 'decision' && e.department === 'housing');
    assert.deepEqual(
      decisions.map((e) => e.actor.id),
      [winner.decision?.by],
    );
  });

  it('when an officer of another department, or a malformed decision, reaches a step, then the validator refuses it and the step keeps waiting', async () => {
    const input = caseInput(DEMO_PEOPLE.townOwner);
    const handle = await startCase(stack, input);
    await awaitingDecision(handle, 'police');
    assert.equal(await refusal(decideAs(handle, { department: 'police', officerDepartment: 'housing' })), 'WrongDepartment');
    assert.equal(await refusal(decideAs(handle, { department: 'education' })), 'StepNotFound');
    assert.equal(await refusal(decideAs(handle, { department: 'police', decision: 'reject' })), 'InvalidDecision');
    assert.equal(
      await refusal(decideAs(handle, { department: 'police', decision: 'request_supplement', missing: [] })),
      'InvalidDecision',
    );
    // Whatever the applicant's notice must carry has to fit it, or the notice could never be written.
    const refused = [
      { decision: 'reject', reasonCode: 'other' },
      { decision: 'reject', reasonCode: 'criminal_record', reasonText: '   ' },
      { decision: 'reject', reasonCode: 'criminal_record', reasonText: '理'.repeat(201) },
      { decision: 'request_supplement', missing: Array.from({ length: 21 }, (_, n) => `材料${n}`) },
      { decision: 'request_supplement', missing: ['居住证', ''] },
    ] as const;
    for (const d of refused) {
      assert.equal(
        await refusal(decideAs(handle, { department: 'police', ...d, missing: 'missing' in d ? [...d.missing] : undefined })),
        'InvalidDecision',
        JSON.stringify(d).slice(0, 80),
      );
    }
    await decide(handle, 'police');
    assert.equal(await refusal(decideAs(handle, { department: 'police' })), 'StepNotAwaitingDecision');
    await decide(handle, 'housing');
    assert.equal((await handle.result()).status, 'settled');
    assert.equal(
      (await auditTrail(stack, input.caseId)).filter((e) => e.type === 'decision' && e.department === 'police').length,
      1,
    );
  });

  // More passing cases than places no longer race for slots first come, first served: they are
  // ranked in their admission round and the top N admitted (test/integration/admission-rounds.test.ts).

  it('§2 when many reservations race for a small pool, then the pool is never over-committed', async () => {
    const { reserve, release } = createReservationActivities({ mongo: stack.mongo, capacityDir: capacities.dir });
    const ref = { kind: 'quota_slot', district: 'yanliang' } as const; // quota 5 in this file
    const pool = poolKey(ref);
    const attempts = await Promise.allSettled(
      Array.from({ length: 30 }, (_, n) => reserve({ caseId: `case-${n}`, kind: 'quota_slot', pool, item: 'household', ref })),
    );
    assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 5);
    for (const a of attempts) {
      if (a.status === 'rejected') assert.equal((a.reason as { type?: string }).type, 'CapacityExhausted');
    }
    const holders = (await reservationSlotModel(stack.mongo).find({ pool }).lean()).map((s) => s.holder);
    assert.equal(await poolUse(stack.mongo, pool), 5);
    assert.equal(new Set(holders).size, 5);
    assert.equal(await reservationModel(stack.mongo).countDocuments({ pool, status: 'held' }), 5);

    // A retried reserve of a holder is idempotent; releases free exactly the slots held.
    const holder = holders[0]!.split(':')[0]!;
    await reserve({ caseId: holder, kind: 'quota_slot', pool, item: 'household', ref });
    assert.equal(await poolUse(stack.mongo, pool), 5);
    await Promise.all(
      Array.from({ length: 30 }, (_, n) => release({ caseId: `case-${n}`, kind: 'quota_slot', pool, item: 'household' })),
    );
    assert.equal(await poolUse(stack.mongo, pool), 0);
  });
});
