import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { trusted } from 'mongoose';
import request from 'supertest';
import { openCaseLockModel, personKey } from '../../models/open-case-lock.model';
import { NOTICE_TEXT_MAX } from '../../domain/case-rules';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import {
  applicationBody,
  bearer,
  assertProblem,
  decideViaApi,
  freshIdNumber,
  submitCase,
  tokens,
  townBody,
  waitForCase,
  waitForStatus,
  waitForStep,
  type Tokens,
  asApplicantOf,
  problemType,
} from '../support/api';
import { startStack, type TestStack } from '../support/stack';

describe('API, applicant: submit, track, list, supplement, withdraw', () => {
  let stack: TestStack;
  let t: Tokens;
  before(async () => {
    stack = await startStack('api_applicant');
    t = await tokens(stack);
  });
  after(async () => {
    await stack.close();
  });

  it('when an applicant submits a points application, then it is accepted with a Location and their case shows each department, its deadline and the score breakdown', async () => {
    // Arrange
    const body = applicationBody(DEMO_PEOPLE.pointsHigh);

    // Act
    const res = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, t.applicant, body))
      .send(body);

    // Assert
    assert.equal(res.status, 202);
    assert.match(res.body.caseId, /^[0-9a-f-]{36}$/);
    assert.match(res.body.caseNumber, /^HK-\d{4}-\d{6}$/);
    assert.equal(res.body.status, 'submitted');
    assert.equal(res.headers.location, `/api/v1/applicant/cases/${res.body.caseId}`);

    await waitForCase(
      stack,
      res.body.caseId,
      (c) => c.score !== undefined && Object.values(c.steps).every((s) => s.status === 'awaiting_decision'),
      'every step awaiting a decision and the score computed',
    );
    const own = await request(stack.app).get(res.headers.location).set('authorization', t.applicant).expect(200);
    assert.equal(own.body.caseId, res.body.caseId);
    assert.equal(own.body.route, 'points');
    assert.equal(own.body.area, 'yanta');
    // Judged under the policy version in force at submission (§2), the one its score names.
    assert.match(own.body.policyVersion, /^xian-\d{4}-v\d+$/);
    assert.equal(own.body.score.policyVersion, own.body.policyVersion);
    assert.deepEqual(
      own.body.steps.map((s: { department: string }) => s.department),
      ['police', 'hrss', 'housing', 'education'],
    );
    for (const s of own.body.steps) {
      assert.equal(s.status, 'awaiting_decision');
      assert.ok(Date.parse(s.dueAt) > Date.now(), `${s.department} has a deadline in the future`);
      assert.equal(s.overdue, false);
    }
    const sum = own.body.score.breakdown.reduce((n: number, r: { points: number }) => n + r.points, 0);
    assert.equal(own.body.score.total, sum, 'the total is the sum of the breakdown the applicant sees');
    assert.equal(own.body.score.passed, true);
    assert.equal(own.body.score.breakdown.length, 7);
    for (const row of own.body.score.breakdown) {
      assert.equal(typeof row.indicator, 'string');
      assert.equal(typeof row.label['zh-CN'], 'string');
      assert.equal(typeof row.points, 'number');
    }
    // ID numbers are masked even in the applicant's own view.
    assert.equal(
      own.body.persons[0].idNumber,
      `${DEMO_PEOPLE.pointsHigh.idNumber.slice(0, 4)}**********${DEMO_PEOPLE.pointsHigh.idNumber.slice(-4)}`,
    );
    assert.ok(!JSON.stringify(own.body).includes(DEMO_PEOPLE.pointsHigh.idNumber));
  });

  it('when an applicant lists their cases a page at a time, then the cursor walks them all, newest first, and nobody else’s', async () => {
    // Arrange: three cases of one account, one of another.
    const lister = `Bearer ${await stack.token({ sub: 'applicant-lister', role: 'applicant' })}`;
    const mine: string[] = [];
    for (const body of [townBody(), townBody(), townBody()]) mine.push(await submitCase(stack, lister, body));
    await submitCase(stack, t.otherApplicant, townBody());
    for (const id of mine) await waitForCase(stack, id, () => true, 'projected');

    // Act
    const page1 = await request(stack.app).get('/api/v1/applicant/cases?limit=2').set('authorization', lister).expect(200);
    const page2 = await request(stack.app)
      .get(`/api/v1/applicant/cases?limit=2&cursor=${page1.body.nextCursor}`)
      .set('authorization', lister)
      .expect(200);

    // Assert
    assert.equal(page1.body.items.length, 2);
    assert.equal(typeof page1.body.nextCursor, 'string');
    assert.equal(page2.body.items.length, 1);
    assert.equal(page2.body.nextCursor, undefined);
    const seen = [...page1.body.items, ...page2.body.items].map((c: { caseId: string }) => c.caseId);
    assert.deepEqual(seen, [...mine].reverse());
    const submittedAt = [...page1.body.items, ...page2.body.items].map((c: { submittedAt: string }) => c.submittedAt);
    assert.deepEqual(submittedAt, [...submittedAt].sort().reverse());
  });

  it('when housing asks for material and the applicant provides it, then the step goes back to the officer and, once both approve, the case settles', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.townOwner));
    await decideViaApi(stack, t.police, caseId, 'police', { decision: 'approve', internalNote: 'police-only remark' });
    await decideViaApi(stack, t.housing, caseId, 'housing', {
      decision: 'request_supplement',
      missing: ['房产证复印件'],
      internalNote: 'deed scan unreadable',
    });
    await waitForStatus(stack, caseId, 'supplement_requested');
    const asked = await request(stack.app).get(`/api/v1/applicant/cases/${caseId}`).set('authorization', t.applicant).expect(200);
    const housingAsked = asked.body.steps.find((s: { department: string }) => s.department === 'housing');
    assert.equal(asked.body.status, 'supplement_requested');
    assert.deepEqual(housingAsked.supplement.missing, ['房产证复印件']);
    assert.ok(Date.parse(housingAsked.supplement.dueAt) > Date.now());

    // Act
    const provided = await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/supplements`)
      .set('authorization', t.applicant)
      .send({ department: 'housing', items: [{ name: '房产证复印件', reference: 'upload:deed-1' }] });

    // Assert
    assert.equal(provided.status, 200);
    assert.equal(provided.body.caseId, caseId);
    // The answer shows the material provided, not the request the applicant has just answered.
    const housingProvided = provided.body.steps.find((s: { department: string }) => s.department === 'housing');
    assert.ok(housingProvided.supplement.providedAt, `no providedAt in the answer: ${JSON.stringify(housingProvided)}`);
    await waitForStep(stack, caseId, 'housing', 'awaiting_decision');
    const again = await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/supplements`)
      .set('authorization', t.applicant)
      .send({ department: 'housing', items: [{ name: '房产证复印件', reference: 'upload:deed-2' }] });
    assertProblem(again, 409);
    await decideViaApi(stack, t.housing, caseId, 'housing', { decision: 'approve' });
    await waitForStatus(stack, caseId, 'settled');
    const settled = await request(stack.app)
      .get(`/api/v1/applicant/cases/${caseId}`)
      .set('authorization', t.applicant)
      .expect(200);
    assert.equal(settled.body.status, 'settled');
    assert.equal(settled.body.outcome.status, 'settled');
    // Property-level: no officer internals, no lookup results, no officer ids.
    const text = JSON.stringify(settled.body);
    for (const hidden of [
      'internalNotes',
      'police-only remark',
      'deed scan unreadable',
      '"check"',
      'results',
      'officer-police',
      'officer-housing',
    ]) {
      assert.ok(!text.includes(hidden), `the applicant view must not contain ${hidden}`);
    }

    const timeline = await request(stack.app)
      .get(`/api/v1/cases/${caseId}/timeline`)
      .set('authorization', t.applicant)
      .expect(200);
    const types = timeline.body.items.map((e: { type: string }) => e.type);
    assert.ok(types.includes('submitted'));
    assert.ok(types.includes('supplement_requested'));
    assert.ok(types.includes('supplement_provided'));
    assert.ok(types.includes('settled'));
    assert.ok(!types.includes('check_completed'), 'lookups are not the applicant’s business');
    assert.ok(!types.includes('notice'));
    const timelineText = JSON.stringify(timeline.body);
    for (const hidden of ['deed scan unreadable', 'police-only remark', 'officer-police', 'officer-housing']) {
      assert.ok(!timelineText.includes(hidden), `the applicant timeline must not contain ${hidden}`);
    }
  });

  it('when an applicant withdraws an open case, then it ends as withdrawn with its reservations released, and a second withdrawal is refused', async () => {
    // Arrange: a points case whose provisional registration is already reserved (police approved).
    const caseId = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.noHousing));
    await decideViaApi(stack, t.police, caseId, 'police');
    await waitForCase(stack, caseId, (c) => c.reservations.some((r) => r.status === 'held'), 'a reservation held');

    // Act
    const res = await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/withdrawal`)
      .set('authorization', t.applicant)
      .send({ note: '工作调动' });

    // Assert
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { caseId, status: 'withdrawn' });
    await waitForStatus(stack, caseId, 'withdrawn');
    const own = await request(stack.app).get(`/api/v1/applicant/cases/${caseId}`).set('authorization', t.applicant).expect(200);
    assert.equal(own.body.outcome.status, 'withdrawn');
    assert.ok(own.body.reservations.length > 0);
    assert.ok(own.body.reservations.every((r: { status: string }) => r.status === 'released'));
    const again = await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/withdrawal`)
      .set('authorization', t.applicant)
      .send({});
    assertProblem(again, 409);
  });

  it('when a person a settled case registered here applies again, as applicant or as family member, then it is refused (409) naming their field, and nothing is locked (§8)', async () => {
    // Arrange: a town case of a person and their spouse settles.
    const settler = freshIdNumber();
    const spouse = freshIdNumber();
    const spouseOf = (idNumber: string) => ({ idNumber, name: '李测试', relation: 'spouse' });
    const first = await submitCase(stack, t.applicant, townBody(settler, { family: [spouseOf(spouse)] }));
    await decideViaApi(stack, t.police, first, 'police');
    await decideViaApi(stack, t.housing, first, 'housing');
    await waitForStatus(stack, first, 'settled');
    const newcomer = freshIdNumber();
    const inOpenCase = freshIdNumber();
    await submitCase(stack, t.applicant, townBody(inOpenCase));

    // Act
    const asApplicant = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, t.applicant, townBody(settler)))
      .send(townBody(settler));
    const asFamily = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, t.applicant, townBody(newcomer)))
      .send(townBody(newcomer, { family: [spouseOf(inOpenCase), spouseOf(spouse)] }));

    // Assert: the settled are named (an open case ending would not free them), never the case that settled them.
    for (const [res, pointers] of [
      [asApplicant, ['/applicant/idNumber']],
      [asFamily, ['/family/1/idNumber']],
    ] as const) {
      assertProblem(res, 409);
      assert.equal(res.body.type, problemType(stack, 'person-already-settled'));
      assert.deepEqual(
        (res.body.invalidParams as Array<{ path: string }>).map((p) => p.path),
        pointers,
      );
      const text = JSON.stringify(res.body);
      const caseNumber = (await request(stack.app).get(`/api/v1/applicant/cases/${first}`).set('authorization', t.applicant)).body
        .caseNumber as string;
      for (const secret of [first, caseNumber])
        assert.ok(!text.includes(secret), `the refusal must not reveal ${secret}: ${text}`);
    }
    const locks = await openCaseLockModel(stack.mongo).countDocuments({
      person: trusted({ $in: [settler, spouse, newcomer].map(personKey) }),
    });
    assert.equal(locks, 2, 'only the settled case’s two locks: the refused submissions took none');
  });

  it('when an answer names an item not asked for or leaves one out, then it is refused (422) and the step still waits; every item asked for, however long its name, can be answered', async () => {
    // Arrange: two items, one as long as a notice allows (NOTICE_TEXT_MAX).
    const longItem = `房屋所有权证明（${'含共有人签字的书面同意书及其身份证复印件'.repeat(9)}）`.slice(0, NOTICE_TEXT_MAX);
    const missing = ['房产证复印件', longItem];
    const caseId = await submitCase(stack, t.applicant, townBody());
    await decideViaApi(stack, t.housing, caseId, 'housing', { decision: 'request_supplement', missing });
    await waitForStatus(stack, caseId, 'supplement_requested');
    const answer = (items: Array<{ name: string; reference: string }>) =>
      request(stack.app)
        .post(`/api/v1/applicant/cases/${caseId}/supplements`)
        .set('authorization', t.applicant)
        .send({ department: 'housing', items });

    // Act
    const unknown = await answer([
      { name: '房产证复印件', reference: 'upload:1' },
      { name: '租赁合同', reference: 'upload:2' },
    ]);
    const partial = await answer([{ name: '房产证复印件', reference: 'upload:1' }]);
    const twice = await answer([
      { name: '房产证复印件', reference: 'upload:1' },
      { name: '房产证复印件', reference: 'upload:2' },
    ]);
    const whole = await answer(missing.map((name, i) => ({ name, reference: `upload:${i}` })));

    // Assert
    for (const [what, res, named] of [
      ['an item not asked for', unknown, '租赁合同'],
      ['an item left out', partial, longItem],
      ['an item answered twice', twice, '房产证复印件'],
    ] as const) {
      assertProblem(res, 422);
      assert.equal(res.body.type, problemType(stack, 'invalid-supplement'), what);
      assert.ok(String(res.body.detail).includes(named), `${what}: the problem names "${named}": ${res.body.detail}`);
      assert.deepEqual(
        (res.body.invalidParams as Array<{ path: string }>).map((p) => p.path),
        ['/items'],
        `${what}: the field it is about`,
      );
    }
    assert.equal(whole.status, 200, `the whole answer is taken: ${JSON.stringify(whole.body)}`);
    const housing = whole.body.steps.find((s: { department: string }) => s.department === 'housing');
    assert.deepEqual(
      (housing.supplement.provided as Array<{ name: string }>).map((i) => i.name),
      missing,
      'what was provided is the whole answer, not a refused one',
    );
  });

  it('when an account applies as someone else, or has no (or a malformed) verified ID number, then it is refused (403) naming the applicant field, nothing is locked, and that person can still apply', async () => {
    // Arrange
    const someone = freshIdNumber();
    const impostor = await bearer(stack, { sub: 'applicant-impostor', role: 'applicant', idNumber: freshIdNumber() });
    const unverified = await bearer(stack, { sub: 'applicant-unverified', role: 'applicant' });
    const forged = await bearer(stack, { sub: 'applicant-forged', role: 'applicant', idNumber: '610113198803150110' });

    // Act
    const asSomeoneElse = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', impostor)
      .send(townBody(someone));
    const withoutId = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', unverified)
      .send(townBody(someone));
    const badClaim = await request(stack.app).get('/api/v1/applicant/cases').set('authorization', forged);
    const badClaimApplies = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', forged)
      .send(townBody(someone));

    // Assert
    assertProblem(asSomeoneElse, 403);
    assert.equal(asSomeoneElse.body.type, problemType(stack, 'not-account-holder'));
    assert.deepEqual(
      (asSomeoneElse.body.invalidParams as Array<{ path: string }>).map((p) => p.path),
      ['/applicant/idNumber'],
    );
    assertProblem(withoutId, 403);
    assert.equal(withoutId.body.type, problemType(stack, 'id-number-unverified'));
    assert.equal(
      badClaim.status,
      200,
      'an ID number claim with a wrong check character verifies nobody, but the account reads its cases',
    );
    assertProblem(badClaimApplies, 403);
    assert.equal(
      badClaimApplies.body.type,
      problemType(stack, 'id-number-unverified'),
      'a malformed claim is no verified number: applying is refused as unverified',
    );
    const locks = await openCaseLockModel(stack.mongo).countDocuments({ person: personKey(someone) });
    assert.equal(locks, 0, 'the refused submissions locked nobody (§8)');
    const own = await bearer(stack, { sub: 'applicant-someone', role: 'applicant', idNumber: someone });
    assert.ok(await submitCase(stack, own, townBody(someone)), 'the person themself can apply');
    const listed = await request(stack.app).get('/api/v1/applicant/cases').set('authorization', unverified).expect(200);
    assert.deepEqual(listed.body.items, [], 'an unverified account still reads its (empty) list');
  });

  it('when an applicant withdraws, then the same person may file again (one open case per ID number, §8)', async () => {
    // Arrange
    const body = townBody();
    const first = await submitCase(stack, t.applicant, body);
    const blocked = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, t.applicant, body))
      .send(body);
    assertProblem(blocked, 409);
    await request(stack.app)
      .post(`/api/v1/applicant/cases/${first}/withdrawal`)
      .set('authorization', t.applicant)
      .send({})
      .expect(202);
    await waitForStatus(stack, first, 'withdrawn');

    // Act
    const second = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, t.applicant, body))
      .send(body);

    // Assert
    assert.equal(second.status, 202);
    assert.notEqual(second.body.caseId, first);
  });
});
