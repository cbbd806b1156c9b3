/**
 * Correct to the policy (issue 8), on the real stack: capacities are policy data (§2, §16,
 * §21–23), children never block settlement (§21–23), the town route asks only what §1 asks,
 * reason codes belong to a route and department, a score below the threshold is HR's refusal
 * on the system's recommendation (§2), and what is missing is asked for once (一次性告知).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { computeCheckDigit } from '../../domain/id-number';
import type { Person } from '../../domain/vocabulary';
import { caseModel } from '../../models/case.model';
import { noticeModel } from '../../models/notice.model';
import { schoolWaitlistModel } from '../../models/school-waitlist.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { assignSchoolPlaceUpdate, caseStatusQuery, terminateUpdate } from '../../workflows/settlement-case/messages';
import { auditTrail, provideSupplement, refusal, supervise, untilState } from '../support/case-records';
import { RELAXED_SLA, awaitingDecision, caseInput, decide, startCase } from '../support/cases';
import { testCapacities } from '../support/capacities';
import { eventually, startStack, type TestStack } from '../support/stack';

/** A valid ID number nobody's department system knows (a fresh applicant), born on `birth`. */
let sequence = 100;
function freshPerson(name: string, relation: Person['relation'], birth: string, schoolLevel?: Person['schoolLevel']): Person {
  sequence += 2;
  const first17 = `610124${birth}${String(sequence).padStart(3, '0')}`;
  return { idNumber: first17 + computeCheckDigit(first17), name, relation, ...(schoolLevel ? { schoolLevel } : {}) };
}

// Zhouzhi keeps the shipped figures (2 kindergarten places); Yanta's kindergarten starts full (the
// family of parentWithChildren lives in Yanta, where a home counts, so they apply there).
const capacities = testCapacities((t) => (t.schoolPlaces.yanta.kindergarten = 0));

/** A town family in Huyi with one child of primary-school age. */
function huyiFamily(surname: string, birth: string) {
  return townFamily('huyi', surname, birth);
}

/** A fresh town-route family of two, the child needing a primary place, in `town`. */
function townFamily(town: 'huyi' | 'lantian', surname: string, birth: string) {
  const base = caseInput(DEMO_PEOPLE.townOwner);
  return {
    ...base,
    application: {
      ...base.application,
      town,
      applicant: freshPerson(`${surname}建华`, 'applicant', '19850301'),
      family: [freshPerson(`${surname}小明`, 'child', birth, 'primary')],
    },
  };
}

describe('correct to the policy', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('policy', { capacityDir: capacities.dir });
  });
  after(async () => {
    await stack.close();
  });

  it('§1 §21 when the first family of four in an area the education system does not know applies on the town route, then it settles with both children placed', async () => {
    const base = caseInput(DEMO_PEOPLE.townOwner);
    const input = {
      ...base,
      application: {
        ...base.application,
        town: 'zhouzhi' as const,
        applicant: freshPerson('周建国', 'applicant', '19880301'),
        family: [
          freshPerson('李秀梅', 'spouse', '19900512'),
          freshPerson('周小雨', 'child', '20210610', 'kindergarten'),
          freshPerson('周小龙', 'child', '20170202', 'primary'),
        ],
      },
    };
    const handle = await startCase(stack, input);
    await Promise.all([decide(handle, 'police'), decide(handle, 'housing'), decide(handle, 'education')]);

    assert.equal((await handle.result()).status, 'settled');
    const state = await handle.query(caseStatusQuery);
    assert.deepEqual(
      state.schoolPlacements?.map((p) => [p.level, p.status, p.feeWaiver, p.examEligible]),
      [
        ['kindergarten', 'placed', false, false],
        ['primary', 'placed', true, true],
      ],
    );
    const settled = await noticeModel(stack.mongo).findOne({ caseId: input.caseId, event: 'settled', channel: 'email' }).lean();
    assert.match(settled?.body ?? '', /幼儿园学位已落实（周至县教育部门统筹安排，具体学校另行通知）/);
    assert.doesNotMatch(settled?.body ?? '', /school:|zhouzhi/, 'names, never pool keys');
  });

  it('§21–23 when the kindergarten is full, then the child waits on the area list while the family settles, and is placed when a place frees', async () => {
    const points = caseInput(DEMO_PEOPLE.parentWithChildren);
    const family = points;
    const handle = await startCase(stack, family);
    await Promise.all((['police', 'hrss', 'housing', 'education'] as const).map((d) => decide(handle, d)));

    // The family settles; the kindergarten child waits (position 1), the primary child is placed.
    const settled = await untilState(handle, (s) => (s.status === 'settled' ? s : undefined), 'the family settled');
    const waiting = settled.schoolPlacements!.find((p) => p.level === 'kindergarten')!;
    assert.equal(waiting.status, 'waiting');
    assert.equal(waiting.position, 1);
    assert.ok(waiting.waitingSince && waiting.dueAt);
    assert.equal(settled.schoolPlacements!.find((p) => p.level === 'primary')?.status, 'placed');
    const trail = await auditTrail(stack, family.caseId);
    assert.ok(trail.some((e) => e.type === 'school_place_waiting'));

    // A place frees (the capacity is raised): the child is placed from the list, and told.
    capacities.set((t) => (t.schoolPlaces.yanta.kindergarten = 1));
    assert.equal((await handle.result()).status, 'settled');
    const final = await handle.query(caseStatusQuery);
    assert.equal(final.schoolPlacements!.find((p) => p.level === 'kindergarten')?.status, 'placed');
    assert.ok(final.reservations.some((r) => r.pool === 'school:yanta:kindergarten' && r.status === 'held'));
    const confirmed = await noticeModel(stack.mongo).find({ caseId: family.caseId, event: 'school_place_confirmed' }).lean();
    assert.deepEqual(confirmed.map((n) => n.channel).sort(), ['email', 'sms']);
  });

  it('§21–23 when a family gives its school place back, then the first waiting child is placed at once, long before its own recheck', async () => {
    // Arrange: Huyi has one primary place. A holds it (education approved), B's child waits for it.
    capacities.set((t) => (t.schoolPlaces.huyi.primary = 1));
    const a = huyiFamily('赵', '20180301');
    const aHandle = await startCase(stack, a);
    await decide(aHandle, 'education');
    await untilState(
      aHandle,
      (s) => s.reservations.find((r) => r.kind === 'school_place' && r.status === 'held'),
      'A holds the place',
    );
    // B asks the pool again only after an hour: only the freed place's news can place its child in time.
    const b = { ...huyiFamily('钱', '20180402'), sla: { ...RELAXED_SLA, waitlistRecheckMs: 3_600_000 } };
    const bHandle = await startCase(stack, b);
    await Promise.all([decide(bHandle, 'police'), decide(bHandle, 'housing'), decide(bHandle, 'education')]);
    const waiting = await untilState(
      bHandle,
      (s) => (s.status === 'settled' && s.schoolPlacements?.[0]?.status === 'waiting' ? s.schoolPlacements[0] : undefined),
      'B settled, its child waiting',
    );
    assert.equal(waiting.position, 1);

    // Act: A's case ends unsettled and gives its place back.
    const requestId = `terminate-${a.caseId}`;
    await aHandle.executeUpdate(terminateUpdate, {
      updateId: requestId,
      args: [{ requestId, supervisorId: 'supervisor-1', note: '申请人已迁往外省' }],
    });
    assert.equal((await aHandle.result()).status, 'terminated');

    // Assert: B's child is placed (its workflow completes), within the test's time, not B's hour.
    assert.equal((await bHandle.result()).status, 'settled');
    const final = await bHandle.query(caseStatusQuery);
    assert.equal(final.schoolPlacements?.[0]?.status, 'placed');
    const trail = await auditTrail(stack, b.caseId);
    assert.ok(trail.some((e) => e.type === 'school_place_confirmed' && /from the waiting list/.test(e.what)));
  });

  it('§21–23 when a place frees while the first waiting child’s family is still under review, then that child is placed at once, and its place is named in the settled letter (patch waitlist-before-settlement)', async () => {
    // Arrange: Lantian (no other test's families) has one primary place. A holds it; B's child
    // waits, B's police and housing undecided.
    capacities.set((t) => (t.schoolPlaces.lantian.primary = 1));
    const a = townFamily('lantian', '周', '20180604');
    const aHandle = await startCase(stack, a);
    await decide(aHandle, 'education');
    await untilState(
      aHandle,
      (s) => s.reservations.find((r) => r.kind === 'school_place' && r.status === 'held'),
      'A holds the place',
    );
    const b = { ...townFamily('lantian', '吴', '20180705'), sla: { ...RELAXED_SLA, waitlistRecheckMs: 3_600_000 } };
    const bHandle = await startCase(stack, b);
    await decide(bHandle, 'education');
    await untilState(bHandle, (s) => (s.schoolPlacements?.[0]?.status === 'waiting' ? true : undefined), 'B’s child waiting');

    // Act: A's case ends and gives its place back.
    const requestId = `terminate-${a.caseId}`;
    await aHandle.executeUpdate(terminateUpdate, {
      updateId: requestId,
      args: [{ requestId, supervisorId: 'supervisor-1', note: '申请人已迁往外省' }],
    });
    assert.equal((await aHandle.result()).status, 'terminated');

    // Assert: B's child is placed while B is still under review (it waited for settlement before).
    const placed = await untilState(
      bHandle,
      (s) => (s.schoolPlacements?.[0]?.status === 'placed' ? s : undefined),
      'B’s child placed before B settles',
    );
    assert.equal(placed.status, 'under_review');
    assert.ok(placed.reservations.some((r) => r.kind === 'school_place' && r.status === 'held'));
    // No place letter yet (the case may still fail); the settled letter names the place.
    await Promise.all([decide(bHandle, 'police'), decide(bHandle, 'housing')]);
    assert.equal((await bHandle.result()).status, 'settled');
    const letters = await noticeModel(stack.mongo).find({ caseId: b.caseId }).lean();
    assert.deepEqual(
      letters.filter((n) => n.event === 'school_place_confirmed'),
      [],
    );
    const settled = letters.find((n) => n.event === 'settled' && n.channel === 'email');
    assert.match(settled?.body ?? '', /吴小明：[^<]*学位已落实/);
  });

  it('§21–23 when a settled case whose child waits is cancelled while the education register fails, then the release is retried round after round and the case still ends (patch cancel-release-rounds)', async () => {
    // Arrange: no primary place in Huyi; the family settles, its child waits.
    capacities.set((t) => (t.schoolPlaces.huyi.primary = 0));
    const c = huyiFamily('孙', '20180503');
    const handle = await startCase(stack, c);
    await Promise.all([decide(handle, 'police'), decide(handle, 'housing'), decide(handle, 'education')]);
    await untilState(
      handle,
      (s) => (s.status === 'settled' && s.schoolPlacements?.[0]?.status === 'waiting' ? true : undefined),
      'settled, the child waiting',
    );

    // Act: the education register fails more undos than one round retries; an operator cancels.
    await stack.faults({ department: 'education', operation: 'undo', failNext: 6 });
    try {
      await handle.cancel();
      const result = await handle.result();

      // Assert: the workflow ended (it failed before the patch); the child left the list after an incident.
      assert.equal(result.status, 'settled');
      const final = await handle.query(caseStatusQuery);
      assert.equal(final.schoolPlacements?.[0]?.status, 'cancelled');
      assert.deepEqual(final.compensationFailures ?? [], []);
      const trail = await auditTrail(stack, c.caseId);
      assert.ok(trail.some((e) => e.type === 'compensation_failed' && e.department === 'education'));
      assert.equal(await schoolWaitlistModel(stack.mongo).countDocuments({ caseId: c.caseId }), 0);
    } finally {
      await stack.faults();
    }
  });

  it('§21 when a waiting child is not placed in time, then education is reminded and supervisors escalated to; an education officer then places it elsewhere in the area and it leaves the list', async () => {
    capacities.set((t) => (t.schoolPlaces.yanta.kindergarten = 0));
    // The placement's own deadline, short enough to pass within the test.
    const points = caseInput(DEMO_PEOPLE.parentWithChildren, { sla: { ...RELAXED_SLA, schoolPlacementMs: 2_000 } });
    const family = points;
    const handle = await startCase(stack, family);
    await Promise.all((['police', 'hrss', 'housing', 'education'] as const).map((d) => decide(handle, d)));
    const settled = await untilState(handle, (s) => (s.status === 'settled' ? s : undefined), 'the family settled');
    const child = settled.schoolPlacements!.find((p) => p.status === 'waiting')!;
    await untilState(handle, (s) => (s.schoolPlacements?.some((p) => p.overdue) ? true : undefined), 'the placement overdue');
    // The status query shows the escalation as soon as the workflow takes it; its notices are
    // written by the record activity that follows, one document per channel, so they are waited
    // for until both channels of the escalation are there, not read at the first one.
    const staff = await eventually(async () => {
      const notices = (await noticeModel(stack.mongo).find({ caseId: family.caseId }).lean())
        .filter((n) => n.recipient.kind !== 'applicant')
        .map((n) => `${n.event}:${n.recipient.kind}:${n.channel}`)
        .sort();
      return notices.filter((n) => n.startsWith('escalation:')).length >= 2 ? notices : undefined;
    }, 'the escalation notices');
    assert.deepEqual(staff, [
      'escalation:supervisors:email',
      'escalation:supervisors:sms',
      'officer_reminder:department:email',
      'officer_reminder:department:sms',
    ]);
    // Supervisors find the settled case among the stuck ones: it stays open and overdue while the child waits.
    const projected = await eventually(async () => {
      const doc = await caseModel(stack.mongo).findById(family.caseId).lean();
      // The placement's deadline (2 s) may pass before the family settles (the child waits from
      // the day it joins the list): the settled, overdue case is waited for.
      return doc?.overdue && doc.status === 'settled' ? doc : undefined;
    }, 'the read model shows the settled case with its overdue placement');
    assert.deepEqual(
      [projected?.status, projected?.open, projected?.overdue, projected?.childrenWaiting],
      ['settled', true, true, 1],
    );
    assert.deepEqual(projected?.overdueDepartments, ['education']);

    const requestId = randomUUID();
    const wrong = handle.executeUpdate(assignSchoolPlaceUpdate, {
      updateId: randomUUID(),
      args: [
        { requestId: randomUUID(), officerId: 'p1', officerDepartment: 'police', personIndex: child.personIndex, school: 'x' },
      ],
    });
    assert.equal(await refusal(wrong), 'WrongDepartment');
    const placed = await handle.executeUpdate(assignSchoolPlaceUpdate, {
      updateId: requestId,
      args: [
        {
          requestId,
          officerId: 'edu-1',
          officerDepartment: 'education',
          personIndex: child.personIndex,
          school: '雁塔区第三幼儿园',
        },
      ],
    });
    assert.equal(placed.status, 'placed');
    assert.equal(placed.school, '雁塔区第三幼儿园');
    assert.equal((await handle.result()).status, 'settled');
    const notice = await noticeModel(stack.mongo)
      .findOne({ caseId: family.caseId, event: 'school_place_confirmed', channel: 'email' })
      .lean();
    assert.match(notice?.body ?? '', /雁塔区第三幼儿园/);
  });

  it('§1 when a town-route applicant has a criminal record, then it is no finding and the case settles', async () => {
    const base = caseInput(DEMO_PEOPLE.criminal);
    const input = {
      ...base,
      application: { ...base.application, route: 'town' as const, town: 'huyi' as const, district: undefined },
    };
    delete input.application.district;
    const handle = await startCase(stack, input);
    await awaitingDecision(handle, 'police');
    const state = await handle.query(caseStatusQuery);
    assert.deepEqual(state.steps.police?.check?.findings, [], 'a criminal record is no refusal reason on the town route');

    // Nor may the officer give it as a reason: the reason codes are the route's.
    assert.equal(await refusal(decide(handle, 'police', 'reject', { reasonCode: 'criminal_record' })), 'InvalidDecision');
    await Promise.all([decide(handle, 'police'), decide(handle, 'housing')]);
    assert.equal((await handle.result()).status, 'settled');
  });

  it('§1 §16 when a town applicant owns a home in another county, then housing reports it and the case settles in a collective household of the town applied for', async () => {
    // Arrange: townOwner's home is in Huyi (tools/simulator/people/demo.json); they apply in Lantian.
    const base = caseInput(DEMO_PEOPLE.townOwner);
    const input = { ...base, application: { ...base.application, town: 'lantian' as const } };

    // Act
    const handle = await startCase(stack, input);
    await awaitingDecision(handle, 'housing');
    const checked = await handle.query(caseStatusQuery);
    // A refusal for no legal residence would have to say the home is in Huyi: the bare code is refused.
    const bareRefusal = await refusal(decide(handle, 'housing', 'reject', { reasonCode: 'no_legal_residence' }));
    await Promise.all([decide(handle, 'police'), decide(handle, 'housing')]);
    const result = await handle.result();

    // Assert
    assert.equal(bareRefusal, 'InvalidDecision');
    assert.deepEqual(checked.steps.housing?.check?.findings, ['residence_elsewhere'], 'a home in Huyi is none in Lantian');
    assert.equal(checked.collectiveHousehold, true);
    assert.equal(result.status, 'settled');
    const settled = await handle.query(caseStatusQuery);
    assert.ok(
      settled.reservations.some((r) => r.pool === 'collective:lantian' && r.status === 'held'),
      `a collective-household slot in Lantian: ${JSON.stringify(settled.reservations.map((r) => r.pool))}`,
    );
  });

  it('§2 when a points applicant owns a home in another district, then it earns no residence points there', async () => {
    // Arrange: pointsHigh owns a home in Yanta (tools/simulator/people/demo.json); they apply in Lianhu.
    const base = caseInput(DEMO_PEOPLE.pointsHigh);
    const input = { ...base, application: { ...base.application, district: 'lianhu' as const } };

    // Act
    const handle = await startCase(stack, input);
    const score = await untilState(handle, (s) => s.score, 'the score');
    const housing = await untilState(handle, (s) => s.steps.housing?.check, 'the housing lookup');

    // Assert
    const residence = score.breakdown.find((b) => b.indicator === 'residence');
    assert.equal(residence?.points, 0, `the residence line: ${JSON.stringify(residence)}`);
    assert.equal(residence?.value, 'residence_elsewhere', 'the line says why it earns nothing (the applicant’s page words it)');
    assert.equal(score.policyVersion, 'xian-2016-v1', 'caseInput pins xian-2016-v1');
    assert.equal(score.total, 79, 'the 99 of Yanta under xian-2016-v1 less its 20 residence points');
    assert.deepEqual(housing.findings, ['residence_elsewhere']);
    await handle.terminate('test done');
  });

  it('§2 when the score is below the threshold, then HR is told why, cannot approve, and refuses with the breakdown', async () => {
    const input = caseInput(DEMO_PEOPLE.pointsLow);
    const handle = await startCase(stack, input);
    await awaitingDecision(handle, 'hrss');
    const hr = (await handle.query(caseStatusQuery)).steps.hrss!;
    assert.equal(hr.recommendation?.decision, 'reject');
    assert.equal(hr.recommendation?.reasonCode, 'insufficient_points');

    assert.equal(await refusal(decide(handle, 'hrss', 'approve')), 'InvalidDecision');
    await decide(handle, 'hrss', 'reject', { reasonCode: 'insufficient_points' });
    assert.equal((await handle.result()).status, 'rejected');
    const outcome = (await handle.query(caseStatusQuery)).outcome!;
    assert.equal(outcome.by, 'officer-hrss');
    assert.deepEqual(
      outcome.reasons.map((r) => [r.code, r.department]),
      [['insufficient_points', 'hrss']],
    );
  });

  it('§2 when a bad credit record disqualifies a score above the threshold (xian-2016-v1), then HR refuses for the credit record, and the letter says so, not too few points', async () => {
    const input = caseInput(DEMO_PEOPLE.badCredit, { policyVersion: 'xian-2016-v1' });
    const handle = await startCase(stack, input);
    await awaitingDecision(handle, 'hrss');
    const state = await handle.query(caseStatusQuery);
    assert.ok(state.score!.total >= state.score!.threshold, `the score reaches the line: ${state.score!.total}`);
    assert.equal(state.score!.disqualifiedBy, 'credit');
    assert.equal(state.steps.hrss!.recommendation?.reasonCode, 'credit_disqualified');

    assert.equal(await refusal(decide(handle, 'hrss', 'approve')), 'InvalidDecision', 'cannot approve');
    assert.equal(
      await refusal(decide(handle, 'hrss', 'reject', { reasonCode: 'insufficient_points' })),
      'InvalidDecision',
      'the points are not too few: that ground would be untrue',
    );
    await decide(handle, 'hrss', 'reject', { reasonCode: 'credit_disqualified' });
    assert.equal((await handle.result()).status, 'rejected');
    const letter = await eventually(
      async () =>
        (await noticeModel(stack.mongo).findOne({ caseId: input.caseId, event: 'rejected', channel: 'email' }).lean()) ??
        undefined,
      'the refusal letter',
    );
    assert.match(letter.body, /个人诚信记录不良，按积分落户政策不符合落户条件/);
    assert.doesNotMatch(letter.body, /积分未达到|积分总分为/, 'no untrue ground, no score line');
  });

  it('§2 when a bad credit record only costs points (xian-2016-v2), then it is no refusal ground', async () => {
    const input = caseInput(DEMO_PEOPLE.badCredit, { policyVersion: 'xian-2016-v2' });
    const handle = await startCase(stack, input);
    await awaitingDecision(handle, 'hrss');
    assert.equal((await handle.query(caseStatusQuery)).steps.hrss!.recommendation?.decision, 'approve');
    assert.equal(await refusal(decide(handle, 'hrss', 'reject', { reasonCode: 'credit_disqualified' })), 'InvalidDecision');
    await handle.terminate('test over');
  });

  it('一次性告知: when a department has asked once, then a second request is refused until a supervisor authorises it, and what was supplied is kept', async () => {
    const input = caseInput(DEMO_PEOPLE.townOwner);
    const handle = await startCase(stack, input);
    await decide(handle, 'housing', 'request_supplement', { missing: ['房屋所有权证', '共有人同意书'] });
    await provideSupplement(handle, input, 'housing', [
      { name: '房屋所有权证', reference: 'upload:abc123' },
      { name: '共有人同意书', reference: 'upload:def456' },
    ]);
    await awaitingDecision(handle, 'housing');
    assert.deepEqual((await handle.query(caseStatusQuery)).steps.housing?.supplement?.provided, [
      { name: '房屋所有权证', reference: 'upload:abc123' },
      { name: '共有人同意书', reference: 'upload:def456' },
    ]);

    assert.equal(await refusal(decide(handle, 'housing', 'request_supplement', { missing: ['x'] })), 'SupplementRoundUsed');
    assert.equal(
      await refusal(supervise(handle, { department: 'housing', action: 'authorise_supplement_round' })),
      'InvalidAction',
    );
    await supervise(handle, { department: 'housing', action: 'authorise_supplement_round', note: '产权证复印件不清晰' });
    await decide(handle, 'housing', 'request_supplement', { missing: ['清晰的房屋所有权证复印件'] });
    const step = (await handle.query(caseStatusQuery)).steps.housing!;
    assert.equal(step.supplementRounds, 2);
    assert.equal(step.pastSupplements?.[0]?.provided?.[0]?.reference, 'upload:abc123');
    const trail = await auditTrail(stack, input.caseId);
    assert.ok(trail.some((e) => e.type === 'supervisor_action' && e.what === 'authorise_supplement_round' && e.why));
    await handle.terminate('test over');
  });
});
