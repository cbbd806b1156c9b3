/**
 * Supplementary material (补正): an officer asks, the applicant answers before a deadline, or
 * the deadline passes and the case ends as withdrawn with its reservations released; and the
 * applicant withdrawing mid-review.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { caseModel } from '../../models/case.model';
import { noticeModel } from '../../models/notice.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { caseStatusQuery, provideSupplementUpdate } from '../../workflows/settlement-case/messages';
import {
  assertCompensatedInReverse,
  auditTrail,
  noticeEvents,
  noticesOf,
  poolUsage,
  provideSupplement,
  refusal,
  reservationsOf,
  supervise,
  untilHeld,
  untilState,
  withdraw,
} from '../support/case-records';
import { ROOM_TO_ACT_MS, caseInput, decide, startCase } from '../support/cases';
import { eventually, startStack, type TestStack } from '../support/stack';

describe('supplements and withdrawals', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('supplements');
  });
  after(async () => {
    await stack.close();
  });

  it('§1 when housing requests material and the applicant provides it in time, then housing can approve and the case settles', async () => {
    const input = caseInput(DEMO_PEOPLE.townOwner);
    const handle = await startCase(stack, input);
    await decide(handle, 'housing', 'request_supplement', { missing: ['房屋产权证明'] });
    const asked = await untilState(
      handle,
      (s) => (s.status === 'supplement_requested' && s.steps.housing?.supplement ? s : undefined),
      'supplement requested',
    );
    assert.deepEqual(asked.steps.housing?.supplement?.missing, ['房屋产权证明']);
    await eventually(
      async () => ((await caseModel(stack.mongo).findById(input.caseId).lean())?.supplementDueAt ? true : undefined),
      'read model shows the supplement deadline',
    );

    const provide = (applicantUserId: string, requestId = randomUUID()) =>
      handle.executeUpdate(provideSupplementUpdate, {
        updateId: requestId,
        args: [{ requestId, department: 'housing', applicantUserId, items: [{ name: '房屋产权证明', reference: 'upload-1' }] }],
      });
    assert.equal(await refusal(provide('someone-else')), 'NotApplicant');
    const requestId = randomUUID();
    const provided = await provide(input.applicantUserId, requestId);
    assert.ok(provided.supplement?.providedAt);
    assert.deepEqual(await provide(input.applicantUserId, requestId), provided, 'the same request twice has one effect');
    assert.equal(await refusal(provide(input.applicantUserId)), 'NoSupplementAwaited');

    await decide(handle, 'housing');
    await decide(handle, 'police');
    assert.equal((await handle.result()).status, 'settled');

    const trail = await auditTrail(stack, input.caseId);
    const housing = trail.filter((e) => e.department === 'housing' && e.type !== 'commit').map((e) => `${e.type}:${e.what}`);
    assert.deepEqual(housing, [
      'check_completed:housing lookup completed',
      'decision:request_supplement',
      'supplement_requested:supplement requested',
      'supplement_provided:1 item(s) provided',
      'decision:approve',
    ]);
    assert.deepEqual(await noticeEvents(stack, input.caseId), [
      'case_received:email',
      'case_received:sms',
      'settled:email',
      'settled:sms',
      'social_insurance_transferred:email',
      'social_insurance_transferred:sms',
      'supplement_requested:email',
      'supplement_requested:sms',
    ]);
    const letter = (await noticesOf(stack, input.caseId)).find(
      (n) => n.event === 'supplement_requested' && n.channel === 'email',
    );
    assert.match(letter?.body ?? '', /房屋产权证明/);
  });

  it('when the supplement deadline passes, then the case is withdrawn and what was committed is released in reverse order', async () => {
    const base = caseInput(DEMO_PEOPLE.parentWithChildren);
    // Nothing here has to beat the deadline, but the workflow has to wake up between the
    // reminder and the deadline, or it expires the wait without reminding: half-way gives it
    // 1.5 s (the usual 80 % of 1.5 s gave it 0.3 s, less than one slow workflow task).
    const input = { ...base, sla: { ...base.sla, supplementResponseMs: 3000, reminderFraction: 0.5 } };
    const handle = await startCase(stack, input);
    await Promise.all([decide(handle, 'housing'), decide(handle, 'education')]);
    // residence + two school places (a points case takes its quota slot only in its round)
    await untilHeld(handle, 3);
    await decide(handle, 'police', 'request_supplement', { missing: ['居住证'] });

    const result = await handle.result();
    assert.equal(result.status, 'withdrawn');
    assert.equal(result.compensated.length, 3);
    await assertCompensatedInReverse(stack, input.caseId, 3);
    assert.ok((await reservationsOf(stack, input.caseId)).every((r) => r.status === 'released'));
    assert.deepEqual(await poolUsage(stack, ['residence:yanta', 'school:yanta:kindergarten', 'school:yanta:primary']), {
      'residence:yanta': 0,
      'school:yanta:kindergarten': 0,
      'school:yanta:primary': 0,
    });
    const view = await caseModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(view?.status, 'withdrawn');
    assert.equal(view?.outcome?.note, 'supplement_deadline_passed');
    // The step's expiry and the case's ending are one line each, not two `withdrawn`s.
    const endings = (await auditTrail(stack, input.caseId)).filter((e) => ['supplement_expired', 'withdrawn'].includes(e.type));
    assert.deepEqual(
      endings.map((e) => `${e.type}:${e.department ?? ''}`),
      ['supplement_expired:police', 'withdrawn:'],
    );
    assert.equal(view?.supplementDueAt, null);
    assert.deepEqual(await noticeEvents(stack, input.caseId), [
      'case_received:email',
      'case_received:sms',
      'reservations_released:email',
      'reservations_released:sms',
      'supplement_reminder:email',
      'supplement_reminder:sms',
      'supplement_requested:email',
      'supplement_requested:sms',
      'withdrawn:email',
      'withdrawn:sms',
    ]);
    // DOMAIN: every wait has a reminder — the applicant's too, before the deadline passes.
    const reminder = (await noticesOf(stack, input.caseId)).find((n) => n.event === 'supplement_reminder' && n.channel === 'sms');
    assert.match(reminder?.body ?? '', /尚待补正材料/);
    assert.match(reminder?.letter ?? '', /居住证/, 'the full notice the SMS points to lists what is missing');
    const trail = await auditTrail(stack, input.caseId);
    const remindedAt = trail.find((e) => e.type === 'reminder' && e.department === 'police')?.at;
    const expiredAt = trail.find((e) => e.type === 'supplement_expired')?.at;
    assert.ok(remindedAt && expiredAt && remindedAt < expiredAt, 'the reminder comes before the expiry');
  });

  it('when a supervisor extends the supplement deadline before it passes, then the applicant can still provide the material and the case settles', async () => {
    const base = caseInput(DEMO_PEOPLE.townOwner);
    const input = { ...base, sla: { ...base.sla, supplementResponseMs: ROOM_TO_ACT_MS } };
    const handle = await startCase(stack, input);
    // The decision's answer carries the deadline it started: the extension follows at once.
    const asked = (await decide(handle, 'police', 'request_supplement', { missing: ['居住证明'] })).supplement!;

    // Refused (CaseNotOpen) if the set-up was too slow and the original deadline passed first.
    const extended = await supervise(handle, { department: 'police', action: 'extend_deadline', extendByMs: 10 * 60_000 });
    assert.ok(Date.parse(extended.supplement!.dueAt) > Date.parse(asked.dueAt) + 9 * 60_000);
    await eventually(async () => {
      const view = await caseModel(stack.mongo).findById(input.caseId).lean();
      return view && view.supplementDueAt && view.supplementDueAt.getTime() === Date.parse(extended.supplement!.dueAt)
        ? true
        : undefined;
    }, 'read model shows the extended deadline');
    // The applicant is told the new deadline at once, not only by the page or a later reminder.
    const told = await eventually(
      async () =>
        (
          await noticeModel(stack.mongo).find({ caseId: input.caseId, event: 'supplement_reminder', channel: 'email' }).lean()
        ).find((n) => n.body.includes('补正期限已延长至')),
      'a letter naming the extended deadline',
    );
    assert.match(told.body, /居住证明/, 'it lists what is still needed');
    // Past the original deadline, the case is still waiting for the applicant.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(asked.dueAt) + 500 - Date.now())));
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    assert.equal((await handle.query(caseStatusQuery)).steps.police?.status, 'supplement_requested');

    await provideSupplement(handle, input, 'police', [{ name: '居住证明', reference: 'u-2' }]);
    await decide(handle, 'police');
    await decide(handle, 'housing');
    assert.equal((await handle.result()).status, 'settled');
  });

  it('when the applicant withdraws mid-review, then the case is withdrawn, committed reservations are released and a withdrawn notice is queued', async () => {
    const input = caseInput(DEMO_PEOPLE.noHousing);
    const handle = await startCase(stack, input);
    await Promise.all([decide(handle, 'housing'), decide(handle, 'police')]);
    // collective-household slot (§16) + provisional registration
    await untilHeld(handle, 2);
    assert.equal(await refusal(withdraw(handle, { ...input, applicantUserId: 'someone-else' })), 'NotApplicant');

    assert.deepEqual(await withdraw(handle, input, 'moving elsewhere'), { status: 'withdrawn' });
    const result = await handle.result();
    assert.equal(result.status, 'withdrawn');
    await assertCompensatedInReverse(stack, input.caseId, 2);
    const kinds = (await reservationsOf(stack, input.caseId)).map((r) => `${r.kind}:${r.status}`).sort();
    assert.deepEqual(kinds, ['collective_household_slot:released', 'provisional_registration:released']);
    const view = await caseModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(view?.status, 'withdrawn');
    assert.equal(view?.outcome?.by, input.applicantUserId);
    assert.equal(view?.steps.hrss?.status, 'cancelled');
    assert.deepEqual(await noticeEvents(stack, input.caseId), [
      'case_received:email',
      'case_received:sms',
      'reservations_released:email',
      'reservations_released:sms',
      'withdrawn:email',
      'withdrawn:sms',
    ]);
  });
});
