/**
 * The policy rules through the API (issue 8): reason codes belong to a route and department
 * (§1: a criminal record is no refusal reason on the town route; §21–23: education never refuses
 * a town family), and a child waiting for a school place is seen by the applicant and worked by
 * the education department from its waiting list while the family settles.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { auditEventModel } from '../../models/audit-event.model';
import { registerRecordModel } from '../../tools/simulator/register-records.model';
import {
  assertProblem,
  decideViaApi,
  freshChildIdNumber,
  freshIdNumber,
  invalidPaths,
  submitCase,
  tokens,
  townBody,
  waitForCase,
  waitForStatus,
  waitForWorkflow,
  type Tokens,
} from '../support/api';
import { testCapacities } from '../support/capacities';
import { eventually, startStack, type TestStack } from '../support/stack';

// Huyi's kindergarten starts full, so a kindergarten child waits for a place.
const capacities = testCapacities((t) => {
  t.schoolPlaces.huyi.kindergarten = 0;
  // The kindergartens education may place a Huyi child at: a name not among them is refused.
  t.schools = { huyi: { kindergarten: ['鄠邑区第二幼儿园', '鄠邑区第三幼儿园'] } };
});

describe('API: policy rules and the school waiting list', () => {
  let stack: TestStack;
  let t: Tokens;
  before(async () => {
    stack = await startStack('api_policy', { capacityDir: capacities.dir, env: { WAITLIST_RECHECK_MS: '60000' } });
    t = await tokens(stack);
  });
  after(async () => {
    await stack.close();
  });

  /** The family withdraws, giving a reason; the case ends withdrawn. */
  const withdraw = async (caseId: string): Promise<void> => {
    const res = await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/withdrawal`)
      .set('authorization', t.applicant)
      .send({ note: '工作调动' });
    assert.equal(res.status, 202);
    await waitForStatus(stack, caseId, 'withdrawn');
  };

  const withChild = () =>
    townBody(freshIdNumber(), {
      family: [{ idNumber: freshChildIdNumber('20220301'), name: '王小宝', relation: 'child', schoolLevel: 'kindergarten' }],
    });

  it('§1 when a police officer refuses a town case for a criminal record, then the API answers 400 naming /reasonCode and the reasons that apply', async () => {
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForWorkflow(stack, caseId, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');

    const res = await request(stack.app)
      .post(`/api/v1/officer/cases/${caseId}/steps/police/decision`)
      .set('authorization', t.police)
      .send({ decision: 'reject', reasonCode: 'criminal_record' });

    assertProblem(res, 400);
    assert.deepEqual(invalidPaths(res), ['/reasonCode']);
    assert.match(JSON.stringify(res.body), /identity_mismatch/);
  });

  it('§21–23 when an education officer tries to refuse a town family, then the API answers 400: a child never blocks settlement', async () => {
    const caseId = await submitCase(stack, t.applicant, withChild());
    await waitForWorkflow(stack, caseId, (c) => c.steps.education?.status === 'awaiting_decision', 'education awaiting');

    const res = await request(stack.app)
      .post(`/api/v1/officer/cases/${caseId}/steps/education/decision`)
      .set('authorization', t.education)
      .send({ decision: 'reject', reasonCode: 'other', reasonText: '学位已满' });

    assertProblem(res, 400);
    assert.deepEqual(invalidPaths(res), ['/reasonCode']);
  });

  it('§21–23 when the kindergarten is full, then the family settles, the applicant sees which child waits where and since when, and education places it from its waiting list', async () => {
    const caseId = await submitCase(stack, t.applicant, withChild());
    for (const d of ['police', 'housing', 'education'] as const) await decideViaApi(stack, t[d], caseId, d);
    await waitForStatus(stack, caseId, 'settled');
    await waitForCase(stack, caseId, (c) => c.schoolPlacements?.[0]?.status === 'waiting', 'child waiting');

    const mine = await request(stack.app).get(`/api/v1/applicant/cases/${caseId}`).set('authorization', t.applicant).expect(200);
    const [placement] = mine.body.schoolPlacements as Array<Record<string, unknown>>;
    assert.equal(placement?.status, 'waiting');
    assert.equal(placement?.name, '王小宝');
    assert.equal(placement?.area, 'huyi');
    assert.equal(placement?.level, 'kindergarten');
    assert.equal(typeof placement?.waitingSince, 'string');
    assert.equal(placement?.feeWaiver, false, '§22: no fee waiver before compulsory education');

    const list = await request(stack.app)
      .get('/api/v1/officer/school-waitlist?area=huyi')
      .set('authorization', t.education)
      .expect(200);
    const listed = (list.body.items as Array<{ caseId: string; name: string; schools?: string[] }>).find(
      (i) => i.caseId === caseId,
    );
    assert.equal(listed?.name, '王小宝', 'education sees the child by name, as on its case view');
    assert.deepEqual(listed?.schools, ['鄠邑区第二幼儿园', '鄠邑区第三幼儿园'], 'the schools it may be placed at');
    const notEducation = await request(stack.app).get('/api/v1/officer/school-waitlist').set('authorization', t.police);
    assertProblem(notEducation, 403);
    // The same rule as placing a child (education's own): the same problem type.
    assert.match(notEducation.body.type, /\/problems\/wrong-department$/);

    const url = `/api/v1/officer/cases/${caseId}/children/1/school-place`;
    // A name the capacity file does not list for Huyi's kindergartens (a typo) never reaches the register.
    const misspelt = await request(stack.app).post(url).set('authorization', t.education).send({ school: '鄠邑区第二幼稚园' });
    assertProblem(misspelt, 400);
    assert.deepEqual(invalidPaths(misspelt), ['/school']);
    assert.match(JSON.stringify(misspelt.body), /鄠邑区第二幼儿园, 鄠邑区第三幼儿园/, 'the problem names the listed ones');
    const placed = await request(stack.app).post(url).set('authorization', t.education).send({ school: '鄠邑区第二幼儿园' });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    assert.equal(placed.body.placement.status, 'placed');
    assertProblem(await request(stack.app).post(url).set('authorization', t.education).send({ school: '鄠邑区第三幼儿园' }), 409);

    const after = await waitForCase(stack, caseId, (c) => c.schoolPlacements?.[0]?.status === 'placed', 'child placed');
    assert.equal(after.schoolPlacements?.[0]?.school, '鄠邑区第二幼儿园');
    assert.equal(after.childrenWaiting, 0);
    // Issue 14: the assigned place is the one active record in the education register.
    const records = await registerRecordModel(stack.simMongo).find({ caseId, register: 'school_place', status: 'active' }).lean();
    assert.deepEqual(
      records.map((r) => `${String(r.request?.item)}:${r.status}:${String(r.request?.school ?? '')}`),
      ['assigned-child-1:active:鄠邑区第二幼儿园'],
    );
  });

  it('§21–23 when education places a waiting child while the case is still under review and the family then withdraws, then the place is undone at the education register', async () => {
    // Arrange: education approved (the child waits: the kindergarten is full), police and housing not yet.
    const caseId = await submitCase(stack, t.applicant, withChild());
    await decideViaApi(stack, t.education, caseId, 'education');
    const waiting = await waitForCase(stack, caseId, (c) => c.schoolPlacements?.[0]?.status === 'waiting', 'child waiting');
    // The family is told the day the child joins the list, not weeks later in the settled letter:
    // one notice, naming the child and education’s deadline, while the case is still under review.
    const told = await eventually(async () => {
      const res = await request(stack.app)
        .get(`/api/v1/applicant/cases/${caseId}/notices`)
        .set('authorization', t.applicant)
        .expect(200);
      const items = res.body.items as Array<{ event: string; channel: string; body: string }>;
      const channels = (event: string) => items.filter((n) => n.event === event).map((n) => n.channel);
      // Once on each channel the applicant is reached on (as the receipt was).
      return channels('school_place_waiting').length > 0 ? { items, channels } : undefined;
    }, 'the waiting-list notice');
    assert.deepEqual(told.channels('school_place_waiting'), told.channels('case_received'));
    const dueAt = waiting.schoolPlacements![0]!.dueAt!;
    const dueText = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short' }).format(new Date(dueAt));
    const [y, m, d] = dueText.split('-').map(Number);
    for (const n of told.items.filter((x) => x.event === 'school_place_waiting')) {
      // The SMS masks the child's name (the provider need not know it); the email names her.
      assert.match(n.body, n.channel === 'sms' ? /王\*\*/ : /王小宝/, `${n.channel} names the child: ${n.body}`);
      assert.ok(n.body.includes(`${y}年${m}月${d}日`), `${n.channel} gives the deadline ${dueText}: ${n.body}`);
    }
    const url = `/api/v1/officer/cases/${caseId}/children/1/school-place`;
    const placed = await request(stack.app).post(url).set('authorization', t.education).send({ school: '鄠邑区第二幼儿园' });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    const activeAssigned = async () =>
      (await registerRecordModel(stack.simMongo).find({ caseId, register: 'school_place' }).lean())
        .filter((r) => r.request?.item === 'assigned-child-1')
        .map((r) => r.status);
    assert.deepEqual(await activeAssigned(), ['active']);

    // Act
    await withdraw(caseId);

    // Assert: the department no longer holds the place for the child; the case says it gave it back.
    assert.deepEqual(await activeAssigned(), ['undone']);
    const after = await waitForCase(stack, caseId, (c) => c.schoolPlacements?.[0]?.status === 'cancelled', 'placement cancelled');
    assert.equal(after.schoolPlacements?.[0]?.status, 'cancelled');
    assertProblem(await request(stack.app).post(url).set('authorization', t.education).send({ school: '鄠邑区第三幼儿园' }), 409);
  });

  it('§21–23 when a case that holds a reservation and a place education assigned later is withdrawn, then the place is given back first (reverse order) and the family’s letter of what was released names it (patch release-assigned-in-order)', async () => {
    // Arrange: police approve (their reservation is held), then education (the child waits)
    // places the child elsewhere: the newest of what the case holds. Housing has not decided, so
    // the case is still open.
    const caseId = await submitCase(stack, t.applicant, withChild());
    await decideViaApi(stack, t.police, caseId, 'police');
    await waitForCase(stack, caseId, (c) => c.reservations.some((r) => r.status === 'held'), 'police’s reservation held');
    await decideViaApi(stack, t.education, caseId, 'education');
    await waitForCase(stack, caseId, (c) => c.schoolPlacements?.[0]?.status === 'waiting', 'child waiting');
    const placed = await request(stack.app)
      .post(`/api/v1/officer/cases/${caseId}/children/1/school-place`)
      .set('authorization', t.education)
      .send({ school: '鄠邑区第二幼儿园' });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));

    // Act
    await withdraw(caseId);

    // Assert: the assigned place is undone before the reservations held before it …
    const undone = await eventually(async () => {
      const lines = await auditEventModel(stack.mongo).find({ caseId, type: 'compensation' }).sort({ seq: 1, n: 1 }).lean();
      return lines.length >= 2 ? lines.map((l) => `${l.what}:${String(l.data?.item ?? '')}`) : undefined;
    }, 'two compensations');
    assert.equal(undone[0], 'school_place released:assigned-child-1', undone.join(' | '));
    // … and the letter of what was released names the child's place with the others.
    const letter = await eventually(async () => {
      const list = await request(stack.app).get(`/api/v1/applicant/cases/${caseId}/notices`).set('authorization', t.applicant);
      const items = (list.body.items ?? []) as Array<{ event: string; channel: string; body: string; letter?: string }>;
      const notice = items.find((n) => n.event === 'reservations_released');
      // The email's body is the letter; an SMS carries it beside its text.
      return notice && (notice.channel === 'email' ? notice.body : notice.letter);
    }, 'the letter of what was released');
    assert.match(letter, /王小宝/, letter);
    assert.match(letter, /学位/, letter);
  });

  it('§21–23 when education places a child before one of the same area and level who has waited longer, then the API asks why (422 naming /note), and with a note places it and keeps the note in the case record', async () => {
    // Arrange: two Huyi kindergartners wait, the first case's child longer.
    const waitingCase = async () => {
      const caseId = await submitCase(stack, t.applicant, withChild());
      await decideViaApi(stack, t.education, caseId, 'education');
      await waitForCase(stack, caseId, (c) => c.schoolPlacements?.[0]?.status === 'waiting', 'child waiting');
      return caseId;
    };
    const longer = await waitingCase();
    const later = await waitingCase();
    const url = `/api/v1/officer/cases/${later}/children/1/school-place`;
    try {
      // Act + Assert: without a note, refused naming the field and the case ahead.
      const refused = await request(stack.app).post(url).set('authorization', t.education).send({ school: '鄠邑区第二幼儿园' });
      assertProblem(refused, 422);
      assert.match(refused.body.type, /\/problems\/placement-out-of-turn$/);
      assert.deepEqual(invalidPaths(refused), ['/note']);
      const { caseNumber } = await waitForCase(stack, longer, () => true, 'the case ahead');
      assert.match(String(refused.body.detail), new RegExp(caseNumber));
      const placed = await request(stack.app)
        .post(url)
        .set('authorization', t.education)
        .send({ school: '鄠邑区第二幼儿园', note: '该儿童有特殊入园需要' });
      assert.equal(placed.status, 200, JSON.stringify(placed.body));
      const line = await eventually(
        async () =>
          (await auditEventModel(stack.mongo).findOne({ caseId: later, type: 'school_place_confirmed' }).lean()) ?? undefined,
        'the placement in the case record',
      );
      assert.equal(line.why, '该儿童有特殊入园需要');
      // The child who waited longest is placed without a note.
      const first = await request(stack.app)
        .post(`/api/v1/officer/cases/${longer}/children/1/school-place`)
        .set('authorization', t.education)
        .send({ school: '鄠邑区第二幼儿园' });
      assert.equal(first.status, 200, JSON.stringify(first.body));
    } finally {
      await withdraw(later);
      await withdraw(longer);
    }
  });
});
