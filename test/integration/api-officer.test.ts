import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Department } from '../../domain/vocabulary';
import { auditEventModel } from '../../models/audit-event.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import {
  applicationBody,
  assertProblem,
  bearer,
  decideViaApi,
  invalidPaths,
  submitCase,
  tokens,
  townBody,
  waitForCase,
  waitForStatus,
  waitForStep,
  type Tokens,
} from '../support/api';
import { eventually, startStack, type TestStack } from '../support/stack';

interface InboxItem {
  caseId: string;
  caseNumber: string;
  route: string;
  area: string;
  stepStatus: string;
  dueAt?: string;
  supplementDueAt?: string;
  overdue: boolean;
}

describe('API, officer: inbox, department-scoped case view, decisions', () => {
  let stack: TestStack;
  let t: Tokens;
  const officer = (d: Department) => t[d];
  before(async () => {
    stack = await startStack('api_officer');
    t = await tokens(stack);
  });
  after(async () => {
    await stack.close();
  });

  /** Every page of an inbox, following the cursor. */
  async function wholeInbox(auth: string, query: string, limit = 2): Promise<InboxItem[]> {
    const items: InboxItem[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await request(stack.app)
        .get(`/api/v1/officer/inbox?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`)
        .set('authorization', auth)
        .expect(200);
      items.push(...(res.body.items as InboxItem[]));
      cursor = res.body.nextCursor as string | undefined;
      if (!cursor) return items;
    }
    throw new Error('the inbox cursor never ended');
  }

  it('when cases of both routes await decisions, then each department’s inbox holds exactly its steps, filtered, soonest due first, page by page', async () => {
    // Arrange: two points cases (all four departments) and a town case (police + housing).
    const yanta = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.pointsHigh));
    const huyi = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.townOwner));
    const beilin = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.badCredit));
    for (const id of [yanta, beilin])
      await waitForCase(stack, id, (c) => Object.values(c.steps).every((s) => s.status === 'awaiting_decision'), 'all awaiting');
    await waitForCase(stack, huyi, (c) => Object.values(c.steps).every((s) => s.status === 'awaiting_decision'), 'all awaiting');

    // Act
    const inboxes = {
      police: await wholeInbox(officer('police'), ''),
      hrss: await wholeInbox(officer('hrss'), ''),
      housing: await wholeInbox(officer('housing'), ''),
      education: await wholeInbox(officer('education'), ''),
    };

    // Assert
    const ids = (items: InboxItem[]) => items.map((i) => i.caseId).sort();
    assert.deepEqual(ids(inboxes.police), [yanta, huyi, beilin].sort());
    assert.deepEqual(ids(inboxes.housing), [yanta, huyi, beilin].sort());
    assert.deepEqual(ids(inboxes.hrss), [yanta, beilin].sort());
    assert.deepEqual(ids(inboxes.education), [yanta, beilin].sort());
    for (const items of Object.values(inboxes)) {
      const due = items.map((i) => i.dueAt ?? '');
      assert.deepEqual(due, [...due].sort(), 'soonest due first');
      assert.ok(items.every((i) => i.stepStatus === 'awaiting_decision' && i.overdue === false));
    }

    const town = await wholeInbox(officer('police'), '&route=town');
    assert.deepEqual(ids(town), [huyi]);
    const area = await wholeInbox(officer('police'), '&area=beilin');
    assert.deepEqual(ids(area), [beilin]);
    const awaiting = await wholeInbox(officer('housing'), '&status=awaiting_decision&route=points');
    assert.deepEqual(ids(awaiting), [yanta, beilin].sort());
    assert.deepEqual(await wholeInbox(officer('police'), '&overdue=true'), []);
    assert.deepEqual(ids(await wholeInbox(officer('police'), '&overdue=false', 1)), [yanta, huyi, beilin].sort());
    assert.deepEqual(await wholeInbox(officer('police'), '&status=supplement_requested'), []);

    // How much is left: every page says how many steps the filters hold, and how many await a decision.
    const counts = async (query: string) => {
      const res = await request(stack.app)
        .get(`/api/v1/officer/inbox?limit=1${query}`)
        .set('authorization', officer('police'))
        .expect(200);
      const next = await request(stack.app)
        .get(`/api/v1/officer/inbox?limit=1${query}&cursor=${res.body.nextCursor as string}`)
        .set('authorization', officer('police'))
        .expect(200);
      assert.deepEqual(
        [next.body.total, next.body.awaitingDecision],
        [res.body.total, res.body.awaitingDecision],
        'the same on the next page',
      );
      return [res.body.total as number, res.body.awaitingDecision as number];
    };
    assert.deepEqual(await counts(''), [3, 3]);
    assert.deepEqual(await counts('&route=points'), [2, 2]);
    await decideViaApi(stack, officer('police'), beilin, 'police', { decision: 'request_supplement', missing: ['户口簿复印件'] });
    await waitForCase(stack, beilin, (c) => c.steps.police?.status === 'supplement_requested', 'police asked for material');
    await eventually(
      async () => ((await counts(''))[1] === 2 ? true : undefined),
      'the inbox counts the step asking for material among the rest',
    );
    assert.deepEqual(await counts(''), [3, 2]);
    assert.deepEqual(await counts('&status=awaiting_decision'), [2, 2]);
  });

  it('when an officer opens a case, then they get their own step in full and only the status of the others, with the people that step concerns', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.parentWithChildren));
    await waitForCase(
      stack,
      caseId,
      (c) => Object.values(c.steps).every((s) => s.status === 'awaiting_decision'),
      'all awaiting',
    );

    // Act
    const police = await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', officer('police'))
      .expect(200);
    const education = await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', officer('education'))
      .expect(200);
    const hrss = await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', officer('hrss'))
      .expect(200);
    const housing = await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', officer('housing'))
      .expect(200);

    // Assert
    assert.equal(police.body.department, 'police');
    assert.equal(police.body.step.department, 'police');
    assert.equal(police.body.step.status, 'awaiting_decision');
    assert.equal(police.body.step.check.results.length, 4, 'police verify every person (§8)');
    assert.equal(police.body.persons.length, 4);
    assert.equal(police.body.persons[0].idNumber, DEMO_PEOPLE.parentWithChildren.idNumber, 'police need the full number');
    assert.ok(
      police.body.persons.every((p: object) => !('schoolLevel' in p)),
      'the children’s school levels are education’s to see',
    );
    assert.deepEqual(
      police.body.otherSteps.map((s: { department: string }) => s.department),
      ['hrss', 'housing', 'education'],
    );
    assert.ok(police.body.otherSteps.every((s: object) => Object.keys(s).sort().join() === 'department,status'));

    assert.equal(education.body.step.department, 'education');
    assert.deepEqual(
      education.body.persons.map((p: { relation: string }) => p.relation),
      ['applicant', 'child', 'child'],
      'education sees the applicant and the children, not the spouse',
    );
    assert.ok(
      education.body.persons
        .filter((p: { relation: string }) => p.relation === 'child')
        .every((p: { schoolLevel?: string }) => p.schoolLevel),
      'and the children’s school levels',
    );
    assert.ok(
      education.body.persons.every((p: { idNumber: string }) => p.idNumber.includes('*')),
      'numbers masked',
    );
    assert.equal(hrss.body.persons.length, 1);
    // §1: the residence housing confirms is the whole household's, so its officer sees who registers there.
    assert.deepEqual(
      housing.body.persons.map((p: { relation: string }) => p.relation),
      ['applicant', 'spouse', 'child', 'child'],
      'housing sees everyone the household registers at the residence',
    );
    assert.ok(
      housing.body.persons.every((p: { idNumber: string }) => p.idNumber.includes('*') && !('schoolLevel' in p)),
      'numbers masked, no school levels',
    );
    for (const view of [education.body, hrss.body, housing.body]) {
      const text = JSON.stringify(view);
      assert.ok(!text.includes('identityMatches') && !text.includes('criminalRecord'), 'no police lookup data');
      assert.ok(!text.includes(DEMO_PEOPLE.parentWithChildren.idNumber));
    }
  });

  it('when the applicant has a criminal record, then the education officer never sees it — not in the case view, not in the timeline, not after the police reject', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.criminal));
    await waitForCase(
      stack,
      caseId,
      (c) => Object.values(c.steps).every((s) => s.status === 'awaiting_decision'),
      'all awaiting',
    );
    const policeView = await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', officer('police'))
      .expect(200);
    assert.equal(policeView.body.step.check.results[0].result.criminalRecord, true, 'the police officer does see it');
    assert.ok(policeView.body.step.check.findings.includes('criminal_record:0'));

    // Act
    const view = await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', officer('education'))
      .expect(200);
    const timeline = await request(stack.app)
      .get(`/api/v1/cases/${caseId}/timeline`)
      .set('authorization', officer('education'))
      .expect(200);
    await decideViaApi(stack, officer('police'), caseId, 'police', {
      decision: 'reject',
      reasonCode: 'criminal_record',
      reasonText: '有刑事犯罪记录',
      internalNote: 'criminalRecord confirmed in the population database',
    });
    await waitForStatus(stack, caseId, 'rejected');
    const afterView = await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', officer('education'))
      .expect(200);
    const afterTimeline = await request(stack.app)
      .get(`/api/v1/cases/${caseId}/timeline`)
      .set('authorization', officer('education'))
      .expect(200);

    // Assert
    for (const res of [view, timeline, afterView, afterTimeline]) {
      const text = JSON.stringify(res.body);
      assert.ok(!text.includes('criminalRecord'), `education must not see criminalRecord: ${text}`);
      assert.ok(!/criminal/i.test(text), `education must not see anything about a criminal record: ${text}`);
      assert.ok(!text.includes('有刑事犯罪记录'));
    }
    assert.ok(timeline.body.items.length > 0);
    assert.ok(
      afterTimeline.body.items.some((e: { type: string }) => e.type === 'rejected'),
      'the ending itself is visible',
    );
  });

  it('when an officer approves, rejects with a reason, or requests material, then each answers 200 with the new step state', async () => {
    // Arrange
    const approveCase = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.townPublicRental));
    const supplementCase = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.identityMismatch));
    const rejectCase = await submitCase(stack, t.applicant, townBody());

    // Act
    const approved = await decideViaApi(stack, officer('police'), approveCase, 'police', {
      decision: 'approve',
      internalNote: 'ok',
    });
    const asked = await decideViaApi(stack, officer('hrss'), supplementCase, 'hrss', {
      decision: 'request_supplement',
      missing: ['劳动合同', '社保缴费证明'],
    });
    const rejected = await decideViaApi(stack, officer('police'), rejectCase, 'police', {
      decision: 'reject',
      reasonCode: 'identity_mismatch',
      reasonText: '身份信息与人口库不符',
    });

    // Assert
    assert.equal(approved.step.status, 'approved');
    assert.equal((approved.step.decision as { kind: string }).kind, 'approve');
    assert.equal((approved.step.decision as { by: string }).by, 'officer-police');
    assert.deepEqual(approved.step.internalNotes, ['ok']);
    assert.equal(asked.step.status, 'supplement_requested');
    assert.deepEqual((asked.step.supplement as { missing: string[] }).missing, ['劳动合同', '社保缴费证明']);
    assert.equal(rejected.step.status, 'rejected');
    assert.equal((rejected.step.decision as { reasonCode: string }).reasonCode, 'identity_mismatch');
    await waitForStatus(stack, rejectCase, 'rejected');
    await waitForStatus(stack, supplementCase, 'supplement_requested');
    // The inbox line gives the applicant's deadline while the step waits for their material.
    const waiting = (await wholeInbox(officer('hrss'), '&status=supplement_requested', 50)).find(
      (i) => i.caseId === supplementCase,
    );
    assert.equal(waiting?.supplementDueAt, (asked.step.supplement as { dueAt: string }).dueAt);
    // Paused, that step has no due time of its own: still it comes after every step awaiting the
    // officer's decision (the first test's cases), not first; a line a page, each line once.
    const all = await wholeInbox(officer('hrss'), '', 1);
    const firstOther = all.findIndex((i) => i.stepStatus !== 'awaiting_decision');
    assert.ok(firstOther > 0, `steps awaiting a decision lead the inbox: ${all.map((i) => i.stepStatus).join(', ')}`);
    assert.ok(all.slice(firstOther).every((i) => i.stepStatus !== 'awaiting_decision'));
    assert.ok(all.slice(firstOther).some((i) => i.caseId === supplementCase));
    assert.equal(new Set(all.map((i) => i.caseId)).size, all.length);
    // A day's cases share their deadline's end: of those, the first submitted comes first (the case
    // numbers count submissions here, made one after another), not in the order of their ids.
    const ties = all.slice(0, firstOther).flatMap((i, n, a) => (n > 0 && a[n - 1]!.dueAt === i.dueAt ? [[a[n - 1]!, i]] : []));
    assert.ok(ties.length > 0, 'steps due at the same time');
    for (const [before, after] of ties)
      assert.ok(before!.caseNumber < after!.caseNumber, `${before!.caseNumber} before ${after!.caseNumber}`);
    const own = await request(stack.app)
      .get(`/api/v1/applicant/cases/${rejectCase}`)
      .set('authorization', t.applicant)
      .expect(200);
    assert.deepEqual(own.body.outcome.reasons, [
      { code: 'identity_mismatch', department: 'police', note: '身份信息与人口库不符' },
    ]);
    assert.match(own.body.outcome.appealRights, /60/);

    const metrics = await request(stack.app).get('/metrics').expect(200);
    assert.match(metrics.text, /officer_decisions_total\{department="police",decision="approve"\} 1/);
    assert.match(metrics.text, /officer_decisions_total\{department="hrss",decision="request_supplement"\} 1/);
  });

  it('when an officer decides, then the API reads nothing of the case (the workflow checks the officer’s scope) and the answer is the step as the case view shows it', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    /** The projection of every read of this case's read-model document while the decision runs. */
    const reads: unknown[] = [];
    // Any read of the case's document, by any method and filter that names the case.
    const READS = new Set(['find', 'findOne', 'countDocuments', 'aggregate', 'distinct']);
    stack.mongo.set('debug', (collection: string, method: string, filter?: unknown, options?: { projection?: unknown }) => {
      if (collection === 'cases' && READS.has(method) && JSON.stringify(filter ?? {}).includes(caseId))
        reads.push({ method, projection: options?.projection });
    });

    // Act
    let decided: Awaited<ReturnType<typeof decideViaApi>>;
    try {
      decided = await decideViaApi(stack, officer('police'), caseId, 'police', { decision: 'approve', internalNote: 'ok' });
    } finally {
      stack.mongo.set('debug', false);
    }
    await waitForStep(stack, caseId, 'police', 'approved');
    const view = await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', officer('police'))
      .expect(200);

    // Assert
    assert.deepEqual(reads, [], 'an accepted decision is one Update: no read of the case before it');
    assert.equal(decided.step.status, 'approved');
    assert.deepEqual(decided.step, view.body.step, 'the answer is the step as the officer’s case view shows it');
  });

  it('when an officer reads the inbox, then the cases are read for what a line shows alone (their own step, no application, no personal field)', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    const projections: unknown[] = [];
    stack.mongo.set('debug', (collection: string, method: string, _filter: unknown, options?: { projection?: unknown }) => {
      if (collection === 'cases' && method === 'find') projections.push(options?.projection);
    });

    // Act
    let page: { items: Array<{ caseId: string; caseNumber: string; stepStatus: string }> };
    try {
      page = (await request(stack.app).get('/api/v1/officer/inbox?limit=100').set('authorization', officer('police')).expect(200))
        .body;
    } finally {
      stack.mongo.set('debug', false);
    }

    // Assert
    // One read per part of the inbox (awaiting a decision, then the rest), each of a line's fields only.
    assert.deepEqual(projections, [
      { caseNumber: 1, route: 1, area: 1, status: 1, submittedAt: 1, 'steps.police': 1 },
      { caseNumber: 1, route: 1, area: 1, status: 1, submittedAt: 1, 'steps.police': 1 },
    ]);
    const line = page.items.find((i) => i.caseId === caseId);
    assert.ok(line, 'the case is in the inbox');
    assert.match(line.caseNumber, /\S/);
    assert.equal(line.stepStatus, 'awaiting_decision');
  });

  it('when a decision is incomplete, the step is not awaiting one, or the case is unknown, then the answer is 400, 409 or 404', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    const decide = (id: string, d: Department, body: object) =>
      request(stack.app).post(`/api/v1/officer/cases/${id}/steps/${d}/decision`).set('authorization', officer(d)).send(body);

    // Act
    const noReason = await decide(caseId, 'police', { decision: 'reject' });
    const noMissing = await decide(caseId, 'police', { decision: 'request_supplement' });
    const emptyMissing = await decide(caseId, 'police', { decision: 'request_supplement', missing: [] });
    const tooManyMissing = await decide(caseId, 'police', { decision: 'request_supplement', missing: Array(21).fill('材料') });
    const otherWithoutText = await decide(caseId, 'police', { decision: 'reject', reasonCode: 'other' });
    const tooLong = await decide(caseId, 'police', { decision: 'reject', reasonCode: 'other', reasonText: '长'.repeat(201) });
    const unknown = await decide('00000000-0000-4000-8000-000000000000', 'police', { decision: 'approve' });
    await decide(caseId, 'police', { decision: 'approve' }).expect(200);
    const twice = await decide(caseId, 'police', { decision: 'approve' });

    // Assert
    assertProblem(noReason, 400);
    assert.deepEqual(invalidPaths(noReason), ['/reasonCode']);
    // Each said once, in words (not also as the schema's "Too small: expected array…").
    for (const [res, words] of [
      [noMissing, /list the missing material/],
      [emptyMissing, /list the missing material/],
      [tooManyMissing, /list at most 20 missing items/],
    ] as const) {
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res), ['/missing']);
      assert.match(JSON.stringify(res.body), words);
    }
    for (const res of [otherWithoutText, tooLong]) {
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res), ['/reasonText'], 'refused by the API, before the workflow would (422)');
    }
    assertProblem(unknown, 404);
    assertProblem(twice, 409);
  });

  it('§16 when housing refuses a collective-household case for having no legal residence, then it is refused (422): that is what the collective household is for', async () => {
    // Arrange: housing's lookup finds no own residence, so the case goes on as a collective household.
    const caseId = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.noHousing));
    await waitForStep(stack, caseId, 'housing', 'awaiting_decision');
    const housing = officer('housing');
    const view = await request(stack.app).get(`/api/v1/officer/cases/${caseId}`).set('authorization', housing).expect(200);

    // Act
    const res = await request(stack.app)
      .post(`/api/v1/officer/cases/${caseId}/steps/housing/decision`)
      .set('authorization', housing)
      .send({ decision: 'reject', reasonCode: 'no_legal_residence' });

    // Assert
    assert.equal(view.body.collectiveHousehold, true);
    assertProblem(res, 422);
    assert.match(JSON.stringify(res.body), /collective-household case is not refused for no_legal_residence/);
    // Nothing changed: the step still awaits a decision (approval, or a refusal on another ground).
    await waitForStep(stack, caseId, 'housing', 'awaiting_decision');
    // The persona is free again for the tests after this one (one open case per person, §8).
    await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/withdrawal`)
      .set('authorization', t.applicant)
      .send({})
      .expect(202);
    await waitForStatus(stack, caseId, 'withdrawn');
  });

  it('一次性告知 when the police refuse for incomplete material before asking for it, then it is refused (422); once the material was asked for and supplied, the same refusal is taken', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    const refuse = () =>
      request(stack.app)
        .post(`/api/v1/officer/cases/${caseId}/steps/police/decision`)
        .set('authorization', officer('police'))
        .send({ decision: 'reject', reasonCode: 'incomplete_material', reasonText: '补正后仍缺少居住证明' });

    // Act: refuse at once, then ask, let the applicant answer, and refuse again.
    const early = await refuse();
    await decideViaApi(stack, officer('police'), caseId, 'police', { decision: 'request_supplement', missing: ['居住证明'] });
    await waitForStep(stack, caseId, 'police', 'supplement_requested');
    await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/supplements`)
      .set('authorization', t.applicant)
      .send({ department: 'police', items: [{ name: '居住证明', reference: 'upload:residence-1' }] })
      .expect(200);
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    const late = await refuse();

    // Assert
    assertProblem(early, 422);
    assert.match(JSON.stringify(early.body), /only after the police department has asked for it/);
    assert.equal(late.status, 200, JSON.stringify(late.body));
    assert.equal((late.body.step.decision as { reasonCode: string }).reasonCode, 'incomplete_material');
    await waitForStatus(stack, caseId, 'rejected');
  });

  it('窗口提交 when the applicant hands the material in at the police counter, then the police officer records it, the step comes back for a decision, the trail names the officer, and the applicant’s online answer is no longer awaited', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    await decideViaApi(stack, officer('police'), caseId, 'police', {
      decision: 'request_supplement',
      missing: ['居住证明', '劳动合同'],
    });
    await waitForStep(stack, caseId, 'police', 'supplement_requested');
    const items = [
      { name: '居住证明', reference: '居住证 610113-2026-001（原件已核）' },
      { name: '劳动合同', reference: '复印件一份' },
    ];
    const record = (who: string) =>
      request(stack.app)
        .post(`/api/v1/officer/cases/${caseId}/steps/police/counter-supplement`)
        .set('authorization', who)
        .set('idempotency-key', `counter-${caseId}`)
        .send({ items });

    // Act
    const byHousing = await request(stack.app)
      .post(`/api/v1/officer/cases/${caseId}/steps/police/counter-supplement`)
      .set('authorization', officer('housing'))
      .send({ items });
    const received = await record(officer('police'));
    const again = await record(officer('police'));
    const online = await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/supplements`)
      .set('authorization', t.applicant)
      .send({ department: 'police', items: [{ name: '居住证明', reference: 'upload:late' }] });

    // Assert
    assertProblem(byHousing, 403);
    assert.equal(received.status, 200, JSON.stringify(received.body));
    assert.equal(again.status, 200, 'the same receipt recorded twice is one receipt');
    assert.deepEqual(
      (received.body.step.supplement.provided as Array<{ name: string; reference: string }>).map((i) => i.name),
      ['居住证明', '劳动合同'],
    );
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    assertProblem(online, 409);
    const trail = await auditEventModel(stack.mongo).find({ caseId, type: 'supplement_provided' }).lean();
    assert.equal(trail.length, 1, 'one receipt in the trail');
    assert.deepEqual(
      { actor: trail[0]!.actor.role, what: trail[0]!.what },
      { actor: 'officer', what: '2 item(s) received at the counter' },
    );
  });

  it('when two officers decide the same step at once, then exactly one wins, the other gets 409, and both attempts are audited', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.noHousing));
    await waitForStep(stack, caseId, 'housing', 'awaiting_decision');
    const first = await bearer(stack, { sub: 'housing-officer-1', role: 'officer', department: 'housing' });
    const second = await bearer(stack, { sub: 'housing-officer-2', role: 'officer', department: 'housing' });
    const url = `/api/v1/officer/cases/${caseId}/steps/housing/decision`;

    // Act
    const [a, b] = await Promise.all([
      request(stack.app).post(url).set('authorization', first).send({ decision: 'approve' }),
      request(stack.app)
        .post(url)
        .set('authorization', second)
        .send({ decision: 'request_supplement', missing: ['租赁合同'] }),
    ]);

    // Assert
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    const [winner, loser] =
      a.status === 200 ? ['housing-officer-1', 'housing-officer-2'] : ['housing-officer-2', 'housing-officer-1'];
    assertProblem(a.status === 409 ? a : b, 409);
    const audit = auditEventModel(stack.mongo);
    const decision = await waitForAudit(() => audit.findOne({ caseId, type: 'decision', department: 'housing' }).lean());
    assert.equal(decision.actor.id, winner);
    const refused = await audit.findOne({ caseId, type: 'decision_refused' }).lean();
    assert.ok(refused, 'the losing attempt is audited');
    assert.equal(refused.actor.id, loser);
    assert.equal(refused.department, 'housing');
    assert.equal(refused.why, 'step-not-awaiting-decision');
    const trail = await request(stack.app)
      .get(`/api/v1/supervisor/cases/${caseId}/audit`)
      .set('authorization', t.supervisor)
      .expect(200);
    const types = trail.body.items.map((e: { type: string }) => e.type);
    assert.ok(types.includes('decision') && types.includes('decision_refused'));
  });

  it('when an officer tries to decide another department’s step, then it is a 403 and the attempt is audited', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');

    // Act
    const res = await request(stack.app)
      .post(`/api/v1/officer/cases/${caseId}/steps/police/decision`)
      .set('authorization', officer('education'))
      .send({ decision: 'approve' });

    // Assert
    assertProblem(res, 403);
    const refused = await auditEventModel(stack.mongo).findOne({ caseId, type: 'decision_refused' }).lean();
    assert.equal(refused?.actor.department, 'education');
    assert.equal(refused?.why, 'wrong_department');
    // The trail reads in time: the refused attempt after the case's submission (it sorted first).
    const trail = await request(stack.app)
      .get(`/api/v1/supervisor/cases/${caseId}/audit`)
      .set('authorization', t.supervisor)
      .expect(200);
    const types = (trail.body.items as Array<{ type: string }>).map((e) => e.type);
    assert.ok(types.indexOf('submitted') < types.indexOf('decision_refused'), types.join(', '));
    const c = await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    assert.equal(c.steps.police?.decision, undefined, 'nothing decided');
  });

  it('when two officers’ clients send the same Idempotency-Key, then they are two requests: the first decides, the second is refused, and the first may retry', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForStep(stack, caseId, 'housing', 'awaiting_decision');
    const first = await bearer(stack, { sub: 'housing-officer-a', role: 'officer', department: 'housing' });
    const second = await bearer(stack, { sub: 'housing-officer-b', role: 'officer', department: 'housing' });
    const decide = (auth: string, body: object) =>
      request(stack.app)
        .post(`/api/v1/officer/cases/${caseId}/steps/housing/decision`)
        .set('authorization', auth)
        .set('idempotency-key', 'decision-0001')
        .send(body);

    // Act
    const a = await decide(first, { decision: 'approve' });
    const b = await decide(second, { decision: 'reject', reasonCode: 'no_legal_residence' });
    const retry = await decide(first, { decision: 'approve' });

    // Assert
    assert.equal(a.status, 200);
    assertProblem(b, 409);
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body.step.decision, a.body.step.decision, 'the retry answers the first decision again');
    const c = await waitForStep(stack, caseId, 'housing', 'approved');
    assert.equal(c.steps.housing?.decision?.by, 'housing-officer-a');
  });

  it('when an officer of another district decides, claims or releases, then each is a 404 as for a missing case, nothing changes and nothing is audited', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    const elsewhere = await bearer(stack, { sub: 'officer-yanta', role: 'officer', department: 'police', district: ['yanta'] });
    const own = await bearer(stack, { sub: 'officer-huyi', role: 'officer', department: 'police', district: ['huyi'] });
    const missing = await request(stack.app)
      .post('/api/v1/officer/cases/00000000-0000-4000-8000-00000000abce/steps/police/decision')
      .set('authorization', elsewhere)
      .send({ decision: 'approve' });

    // Act
    const step = (kind: string) => `/api/v1/officer/cases/${caseId}/steps/police/${kind}`;
    const answers = [
      await request(stack.app).post(step('decision')).set('authorization', elsewhere).send({ decision: 'approve' }),
      await request(stack.app)
        .post(step('decision'))
        .set('authorization', elsewhere)
        .send({ decision: 'reject', reasonCode: 'criminal_record' }),
      await request(stack.app).post(step('claim')).set('authorization', elsewhere).send({}),
      await request(stack.app).post(step('release')).set('authorization', elsewhere).send({}),
    ];

    // Assert
    const answer = ({ type, title, status, detail }: Record<string, unknown>) => ({ type, title, status, detail });
    for (const res of answers) {
      assertProblem(res, 404);
      assert.deepEqual(answer(res.body), answer(missing.body), 'answered exactly as a case that does not exist');
    }
    const audit = auditEventModel(stack.mongo);
    assert.equal(await audit.countDocuments({ caseId, 'actor.id': 'officer-yanta' }), 0, 'nothing audited');
    const view = await request(stack.app).get(`/api/v1/officer/cases/${caseId}`).set('authorization', own).expect(200);
    assert.equal(view.body.step.status, 'awaiting_decision');
    assert.equal(view.body.step.assignedOfficer, undefined);
    const decided = await decideViaApi(stack, own, caseId, 'police', { decision: 'approve' });
    assert.equal(decided.step.status, 'approved', 'the district’s own officer decides it');
  });

  it('when an officer of another department decides on a case that does not exist, then it is a 404 and nothing is audited', async () => {
    // Arrange
    const missing = '00000000-0000-4000-8000-00000000abcd';

    // Act
    const res = await request(stack.app)
      .post(`/api/v1/officer/cases/${missing}/steps/police/decision`)
      .set('authorization', officer('education'))
      .send({ decision: 'approve' });

    // Assert
    assertProblem(res, 404);
    assert.equal(await auditEventModel(stack.mongo).countDocuments({ caseId: missing }), 0);
  });

  it('when each role reads the timeline of a case, then officers see their own department’s details and only the outline of the others', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.otherApplicant, townBody());
    await waitForCase(
      stack,
      caseId,
      (c) => Object.values(c.steps).every((s) => s.status === 'awaiting_decision'),
      'all awaiting',
    );

    // Act
    const police = await request(stack.app)
      .get(`/api/v1/cases/${caseId}/timeline`)
      .set('authorization', officer('police'))
      .expect(200);
    const housing = await request(stack.app)
      .get(`/api/v1/cases/${caseId}/timeline`)
      .set('authorization', officer('housing'))
      .expect(200);

    // Assert
    type Event = { type: string; department?: string; data?: unknown };
    const policeCheck = (police.body.items as Event[]).find((e) => e.type === 'check_completed' && e.department === 'police');
    assert.ok(policeCheck?.data, 'police see their own lookup’s details');
    const policeCheckForHousing = (housing.body.items as Event[]).find(
      (e) => e.type === 'check_completed' && e.department === 'police',
    );
    assert.ok(policeCheckForHousing, 'housing see that the police lookup ran');
    assert.equal(policeCheckForHousing.data, undefined, 'but not what it found');
  });
});

async function waitForAudit<T>(fn: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('audit event never appeared');
}
