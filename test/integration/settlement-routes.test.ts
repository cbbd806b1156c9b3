/**
 * Each route settles end to end on the real stack: Temporal dev server, FerretDB, the
 * department systems simulator over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditEventModel } from '../../models/audit-event.model';
import { caseModel } from '../../models/case.model';
import { noticeModel } from '../../models/notice.model';
import { registrationModel } from '../../models/registration.model';
import { reservationModel } from '../../models/reservation.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { caseInput, decide, startCase } from '../support/cases';
import { closeRoundOf } from '../support/rounds';
import { startStack, type TestStack } from '../support/stack';

describe('settlement routes end to end', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('routes');
  });
  after(async () => {
    await stack.close();
  });

  it('§1 when a town owner and both departments approve, then the household is registered as 居民户口 and the applicant is told', async () => {
    const input = caseInput(DEMO_PEOPLE.townOwner);
    const handle = await startCase(stack, input);
    await Promise.all([decide(handle, 'police'), decide(handle, 'housing')]);
    const result = await handle.result();

    assert.equal(result.status, 'settled');
    const registration = await registrationModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(registration?.householdType, '居民户口');
    assert.equal(registration?.collectiveHousehold, false);
    const view = await caseModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(view?.status, 'settled');
    assert.deepEqual(view?.pendingDepartments, []);
    const events = (await noticeModel(stack.mongo).find({ caseId: input.caseId }).lean())
      .map((n) => `${n.event}:${n.channel}`)
      .sort();
    // HR completed the social-insurance transfer after settling: the follow-up notice (issue 14).
    assert.deepEqual(events, [
      'case_received:email',
      'case_received:sms',
      'settled:email',
      'settled:sms',
      'social_insurance_transferred:email',
      'social_insurance_transferred:sms',
    ]);
    const reservations = await reservationModel(stack.mongo).find({ caseId: input.caseId }).lean();
    assert.deepEqual(reservations.map((r) => `${r.kind}:${r.status}`).sort(), [
      'provisional_registration:held',
      'residence_confirmation:held',
    ]);
  });

  it('§2 when a points applicant passes and all four departments approve, then a quota slot is held and the score breakdown is visible', async () => {
    const input = caseInput(DEMO_PEOPLE.pointsHigh);
    const handle = await startCase(stack, input);
    await Promise.all((['police', 'hrss', 'housing', 'education'] as const).map((d) => decide(handle, d)));
    await closeRoundOf(stack.client, handle);
    const result = await handle.result();

    assert.equal(result.status, 'settled');
    const view = await caseModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(view?.score?.policyVersion, 'xian-2016-v1');
    assert.equal(view?.score?.passed, true);
    assert.equal(
      view?.score?.breakdown.reduce((sum, l) => sum + l.points, 0),
      view?.score?.total,
    );
    assert.ok(view?.reservations.some((r) => r.kind === 'quota_slot' && r.status === 'held'));
    const history = await handle.fetchHistory();
    assert.ok((history.events?.length ?? 0) < 300, `history has ${history.events?.length} events`);
  });

  it('§16 when housing finds no own residence, then a collective-household slot is reserved instead of a residence', async () => {
    const input = caseInput(DEMO_PEOPLE.noHousing);
    const handle = await startCase(stack, input);
    await Promise.all((['police', 'hrss', 'housing', 'education'] as const).map((d) => decide(handle, d)));
    await closeRoundOf(stack.client, handle);
    assert.equal((await handle.result()).status, 'settled');

    const registration = await registrationModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(registration?.collectiveHousehold, true);
    const kinds = (await reservationModel(stack.mongo).find({ caseId: input.caseId }).lean()).map((r) => r.kind).sort();
    assert.deepEqual(kinds, ['collective_household_slot', 'provisional_registration', 'quota_slot']);
  });

  it('§21–23 when a family with two children settles, then each child holds a school place and the notice names it', async () => {
    const input = caseInput(DEMO_PEOPLE.parentWithChildren);
    const handle = await startCase(stack, input);
    await Promise.all((['police', 'hrss', 'housing', 'education'] as const).map((d) => decide(handle, d)));
    assert.equal((await handle.result()).status, 'settled');

    const places = (await reservationModel(stack.mongo).find({ caseId: input.caseId, kind: 'school_place' }).lean())
      .map((r) => r.pool)
      .sort();
    assert.deepEqual(places, ['school:yanta:kindergarten', 'school:yanta:primary']);
    const settled = await noticeModel(stack.mongo).findOne({ caseId: input.caseId, event: 'settled', channel: 'email' }).lean();
    const body = settled?.body ?? '';
    // Each child by name, its place confirmed (not the waiting list's wording), once each.
    const children = input.application.family.filter((m) => m.schoolLevel);
    assert.equal(children.length, 2);
    for (const child of children) assert.match(body, new RegExp(`<li>${child.name}：[^<]*学位已落实`), child.name);
    assert.equal(body.match(/学位已落实/g)?.length, 2);
    assert.doesNotMatch(body, /轮候名单/);
    assert.match(body, /学杂费/);
    const registration = await registrationModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(registration?.members.length, 4);
    const audit = await auditEventModel(stack.mongo).find({ caseId: input.caseId, type: 'social_insurance_transfer' }).lean();
    assert.equal(audit.length, 1, '§25: the social-insurance transfer is audited');
  });
});
