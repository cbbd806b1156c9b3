/**
 * A rejection by any department ends the case, and every side effect already committed is
 * undone in reverse order, audited, and told to the applicant (DOMAIN "Case lifecycle").
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RejectionReason } from '../../domain/codes';
import { DEPARTMENTS, type Department } from '../../domain/vocabulary';
import { caseModel } from '../../models/case.model';
import { noticeModel } from '../../models/notice.model';
import { caseStatusQuery } from '../../workflows/settlement-case/messages';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import {
  assertCompensatedInReverse,
  auditTrail,
  noticeEvents,
  noticesOf,
  poolUsage,
  reservationsOf,
  untilHeld,
} from '../support/case-records';
import { caseInput, decide, startCase } from '../support/cases';
import { startStack, type TestStack } from '../support/stack';

const REASON: Record<Department, RejectionReason> = {
  police: 'criminal_record',
  hrss: 'fraudulent_material',
  housing: 'no_legal_residence',
  // Material found false: "incomplete" is a refusal only after a supplement round (一次性告知).
  education: 'fraudulent_material',
};
/** Reservations each department's approval commits for the family of parentWithChildren. */
const COMMITS: Record<Department, string[]> = {
  police: ['provisional_registration'],
  hrss: [],
  housing: ['residence:yanta'],
  education: ['school:yanta:kindergarten', 'school:yanta:primary'],
};

describe('a department rejects after the others committed', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('rejections');
  });
  after(async () => {
    await stack.close();
  });

  for (const rejecting of DEPARTMENTS) {
    const others = DEPARTMENTS.filter((d) => d !== rejecting);
    it(`§2 §21–23 when ${others.join(', ')} approved and ${rejecting} rejects, then every reservation is released in reverse order and the applicant is told`, async () => {
      const input = caseInput(DEMO_PEOPLE.parentWithChildren);
      const handle = await startCase(stack, input);
      await Promise.all(others.map((d) => decide(handle, d)));
      // No quota slot: a points case takes one only when its admission round admits it (issue 13).
      const pools = others.flatMap((d) => COMMITS[d]);
      await untilHeld(handle, pools.length);
      assert.deepEqual(
        Object.values(await poolUsage(stack, pools)),
        pools.map(() => 1),
      );

      await decide(handle, rejecting, 'reject', { reasonCode: REASON[rejecting], reasonText: 'test rejection' });
      const result = await handle.result();

      assert.equal(result.status, 'rejected');
      assert.equal(result.compensated.length, pools.length);
      const reservations = await reservationsOf(stack, input.caseId);
      assert.equal(reservations.length, pools.length);
      assert.deepEqual(
        reservations.filter((r) => r.status !== 'released'),
        [],
      );
      assert.deepEqual(await poolUsage(stack, pools), Object.fromEntries(pools.map((p) => [p, 0])));
      await assertCompensatedInReverse(stack, input.caseId, pools.length);

      const view = await caseModel(stack.mongo).findById(input.caseId).lean();
      assert.equal(view?.status, 'rejected');
      assert.deepEqual(
        view?.outcome?.reasons.map((r) => `${r.department}:${r.code}`),
        [`${rejecting}:${REASON[rejecting]}`],
      );
      assert.ok(view?.reservations.every((r) => r.status === 'released'));
      assert.deepEqual(view?.pendingDepartments, []);
      const trail = await auditTrail(stack, input.caseId);
      assert.equal(trail.filter((e) => e.type === 'rejected').length, 1);

      assert.deepEqual(await noticeEvents(stack, input.caseId), [
        'case_received:email',
        'case_received:sms',
        'rejected:email',
        'rejected:sms',
        'reservations_released:email',
        'reservations_released:sms',
      ]);
      const letter = (await noticesOf(stack, input.caseId)).find((n) => n.event === 'rejected' && n.channel === 'email');
      assert.match(letter?.body ?? '', /60日内/, 'appeal rights: administrative reconsideration');
      assert.match(letter?.body ?? '', /6个月内/, 'appeal rights: litigation');
      const history = await handle.fetchHistory();
      assert.ok((history.events?.length ?? 0) < 300, `history has ${history.events?.length} events`);
    });
  }

  it('§2 when the points score is below the threshold and HR refuses on it, then the case is rejected with insufficient_points and nothing stays reserved', async () => {
    const input = caseInput(DEMO_PEOPLE.pointsLow);
    const handle = await startCase(stack, input);
    await decide(handle, 'hrss', 'reject', { reasonCode: 'insufficient_points' });
    const result = await handle.result();
    assert.equal(result.status, 'rejected');
    assert.deepEqual(result.compensated, []);
    const view = await caseModel(stack.mongo).findById(input.caseId).lean();
    assert.deepEqual(
      view?.outcome?.reasons.map((r) => r.code),
      ['insufficient_points'],
    );
    assert.deepEqual(await reservationsOf(stack, input.caseId), []);
    assert.deepEqual(await noticeEvents(stack, input.caseId), [
      'case_received:email',
      'case_received:sms',
      'rejected:email',
      'rejected:sms',
    ]);
    // The letter says how far short the score fell (the breakdown is on the case page).
    const letter = await noticeModel(stack.mongo).findOne({ caseId: input.caseId, event: 'rejected', channel: 'email' }).lean();
    const { total, threshold } = (await handle.query(caseStatusQuery)).score!;
    assert.ok(total < threshold, `${total} < ${threshold}`);
    assert.ok(letter?.body.includes(`积分总分为${total}分，落户分值线为${threshold}分`), letter?.body);
  });
});
