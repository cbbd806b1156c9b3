/**
 * Officer workbench (issue 10): an officer claims their department's step, the step shows who
 * holds it, and nobody else decides it until the holder releases it or a supervisor reassigns it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { AuditType } from '../../domain/audit';
import type { Department } from '../../domain/vocabulary';
import { auditEventModel } from '../../models/audit-event.model';
import { assertProblem, bearer, submitCase, tokens, townBody, waitForStep, type Tokens, problemType } from '../support/api';
import { startStack, type TestStack } from '../support/stack';

interface InboxItem {
  caseId: string;
  assignedOfficer?: string;
}

describe('API, officer: claiming and releasing a step', () => {
  let stack: TestStack;
  let t: Tokens;
  /** Two police officers and two housing officers, apart from the usual cast. */
  let policeA: string;
  let policeB: string;
  let housingA: string;
  let housingB: string;
  before(async () => {
    stack = await startStack('api_officer_claims');
    t = await tokens(stack);
    policeA = await bearer(stack, { sub: 'police-officer-a', role: 'officer', department: 'police' });
    policeB = await bearer(stack, { sub: 'police-officer-b', role: 'officer', department: 'police' });
    housingA = await bearer(stack, { sub: 'housing-officer-a', role: 'officer', department: 'housing' });
    housingB = await bearer(stack, { sub: 'housing-officer-b', role: 'officer', department: 'housing' });
  });
  after(async () => {
    await stack.close();
  });

  const hold = (kind: 'claim' | 'release', auth: string, caseId: string, d: Department, body: object = {}, key?: string) => {
    const req = request(stack.app).post(`/api/v1/officer/cases/${caseId}/steps/${d}/${kind}`).set('authorization', auth);
    if (key) req.set('idempotency-key', key);
    return req.send(body);
  };
  const decide = (auth: string, caseId: string, d: Department, body: object = { decision: 'approve' }) =>
    request(stack.app).post(`/api/v1/officer/cases/${caseId}/steps/${d}/decision`).set('authorization', auth).send(body);
  /** A town case (police + housing) whose steps both await their officers. */
  const awaitingCase = async () => {
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    await waitForStep(stack, caseId, 'housing', 'awaiting_decision');
    return caseId;
  };
  const auditOf = (caseId: string, type: AuditType) => auditEventModel(stack.mongo).find({ caseId, type }).sort({ at: 1 }).lean();

  it('when an officer claims a step, then it shows who holds it and since when, and another officer’s claim and decision are refused 409 naming the holder, both audited', async () => {
    // Arrange
    const caseId = await awaitingCase();

    // Act
    const claimed = await hold('claim', policeA, caseId, 'police', { note: '由我办理' });
    const view = await request(stack.app).get(`/api/v1/officer/cases/${caseId}`).set('authorization', policeB).expect(200);
    const rivalClaim = await hold('claim', policeB, caseId, 'police');
    const rivalDecision = await decide(policeB, caseId, 'police');

    // Assert
    assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
    assert.equal(claimed.body.step.assignedOfficer, 'police-officer-a');
    assert.ok(!Number.isNaN(Date.parse(claimed.body.step.assignedAt)), 'assignedAt is an instant');
    assert.equal(view.body.step.assignedOfficer, 'police-officer-a', 'the case view shows the holder');
    assert.equal(view.body.step.assignedAt, claimed.body.step.assignedAt);
    for (const res of [rivalClaim, rivalDecision]) {
      assertProblem(res, 409);
      assert.equal(res.body.type, problemType(stack, 'step-held-by-other'));
      assert.match(res.body.detail, /police-officer-a/, 'the detail names the holder');
      assert.equal(res.body.holder, 'police-officer-a', 'and a member a client can read');
    }
    const c = await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    assert.equal(c.steps.police?.decision, undefined, 'nothing decided');
    assert.equal(c.steps.police?.assignedOfficer, 'police-officer-a', 'the read model holds the claim');

    const [claim] = await auditOf(caseId, 'step_claimed');
    assert.equal(claim?.actor.id, 'police-officer-a');
    assert.equal(claim?.actor.role, 'officer');
    assert.equal(claim?.department, 'police');
    assert.equal(claim?.why, '由我办理');
    const [refusedClaim] = await auditOf(caseId, 'step_claim_refused');
    assert.equal(refusedClaim?.actor.id, 'police-officer-b');
    assert.equal(refusedClaim?.why, 'step-held-by-other');
    const [refusedDecision] = await auditOf(caseId, 'decision_refused');
    assert.equal(refusedDecision?.actor.id, 'police-officer-b');
    assert.equal(refusedDecision?.why, 'step-held-by-other');

    // A step nobody holds is still decided by any officer of the department, as before.
    const housing = await decide(housingB, caseId, 'housing');
    assert.equal(housing.status, 200, JSON.stringify(housing.body));
  });

  it('when the holder releases the step, then another officer decides it; releasing a step you do not hold, or claiming a decided one, is 409', async () => {
    // Arrange
    const caseId = await awaitingCase();
    await hold('claim', housingA, caseId, 'housing').expect(200);

    // Act
    const notHolder = await hold('release', housingB, caseId, 'housing');
    const released = await hold('release', housingA, caseId, 'housing', { note: '休假，交回' });
    const releasedTwice = await hold('release', housingA, caseId, 'housing');
    const decided = await decide(housingB, caseId, 'housing');
    const lateClaim = await hold('claim', housingA, caseId, 'housing');

    // Assert
    assertProblem(notHolder, 409);
    assert.equal(notHolder.body.type, problemType(stack, 'step-held-by-other'));
    assert.match(notHolder.body.detail, /housing-officer-a/);
    assert.equal(notHolder.body.holder, 'housing-officer-a');
    assert.equal(released.status, 200, JSON.stringify(released.body));
    assert.equal(released.body.step.assignedOfficer, undefined);
    assert.equal(released.body.step.assignedAt, undefined);
    assertProblem(releasedTwice, 409);
    assert.equal(releasedTwice.body.type, problemType(stack, 'step-not-held'));
    assert.match(releasedTwice.body.detail, /nobody holds/);
    assert.equal(releasedTwice.body.holder, undefined);
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.step.decision.by, 'housing-officer-b');
    assertProblem(lateClaim, 409);
    assert.equal(lateClaim.body.type, problemType(stack, 'step-not-awaiting-decision'));

    const [release] = await auditOf(caseId, 'step_released');
    assert.equal(release?.actor.id, 'housing-officer-a');
    assert.equal(release?.why, '休假，交回');
    const refusals = await auditOf(caseId, 'step_release_refused');
    assert.deepEqual(refusals.map((e) => e.actor.id).sort(), ['housing-officer-a', 'housing-officer-b']);
  });

  it('when a supervisor reassigns a claimed step, then the new holder decides it and the former holder is refused', async () => {
    // Arrange
    const caseId = await awaitingCase();
    await hold('claim', policeA, caseId, 'police').expect(200);

    // Act (police B has used the service: a supervisor can hand them the step)
    await request(stack.app).get('/api/v1/officer/inbox').set('authorization', policeB).expect(200);
    const reassigned = await request(stack.app)
      .post(`/api/v1/supervisor/cases/${caseId}/steps/police/actions`)
      .set('authorization', t.supervisor)
      .send({ action: 'reassign', officerId: 'police-officer-b', note: '原承办人休假' });
    const formerRelease = await hold('release', policeA, caseId, 'police');
    const formerDecision = await decide(policeA, caseId, 'police');
    const newDecision = await decide(policeB, caseId, 'police');

    // Assert
    assert.equal(reassigned.status, 200, JSON.stringify(reassigned.body));
    assert.equal(reassigned.body.step.assignedOfficer, 'police-officer-b');
    assert.ok(reassigned.body.step.assignedAt, 'the reassignment is stamped');
    assertProblem(formerRelease, 409);
    assertProblem(formerDecision, 409);
    assert.equal(formerDecision.body.type, problemType(stack, 'step-held-by-other'));
    assert.match(formerDecision.body.detail, /police-officer-b/);
    assert.equal(newDecision.status, 200, JSON.stringify(newDecision.body));
    assert.equal(newDecision.body.step.decision.by, 'police-officer-b');
  });

  it('when an officer repeats a claim, with the same Idempotency-Key or a new one, then it is one claim: the same step, one line in the audit trail', async () => {
    // Arrange
    const caseId = await awaitingCase();

    // Act
    const first = await hold('claim', policeA, caseId, 'police', {}, 'claim-police-0001');
    const retry = await hold('claim', policeA, caseId, 'police', {}, 'claim-police-0001');
    const again = await hold('claim', policeA, caseId, 'police', {}, 'claim-police-0002');

    // Assert
    for (const res of [first, retry, again]) assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(retry.body.step, first.body.step, 'the retry answers the first claim again');
    assert.equal(again.body.step.assignedAt, first.body.step.assignedAt, 'claiming a step you hold changes nothing');
    assert.equal((await auditOf(caseId, 'step_claimed')).length, 1);
  });

  it('when an officer claims or releases another department’s step, or a case that does not exist, then it is 403 (audited) or 404 (not audited)', async () => {
    // Arrange
    const caseId = await awaitingCase();
    const missing = '00000000-0000-4000-8000-00000000c1a1';

    // Act
    const claim = await hold('claim', t.education, caseId, 'police');
    const release = await hold('release', housingA, caseId, 'police');
    const unknown = await hold('claim', policeA, missing, 'police');
    const badBody = await hold('claim', policeA, caseId, 'police', { officerId: 'someone-else' });

    // Assert
    assertProblem(claim, 403);
    assert.equal(claim.body.type, problemType(stack, 'wrong-department'));
    assertProblem(release, 403);
    assertProblem(unknown, 404);
    assertProblem(badBody, 400);
    const [refused] = await auditOf(caseId, 'step_claim_refused');
    assert.equal(refused?.actor.department, 'education');
    assert.equal(refused?.why, 'wrong_department');
    assert.equal((await auditOf(caseId, 'step_release_refused'))[0]?.why, 'wrong_department');
    assert.equal(await auditEventModel(stack.mongo).countDocuments({ caseId: missing }), 0);
    const c = await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    assert.equal(c.steps.police?.assignedOfficer, undefined, 'nobody holds it');
  });

  it('when the inbox is filtered by assignedTo, then `me` lists the steps you hold and `nobody` those no one holds', async () => {
    // Arrange
    const mine = await awaitingCase();
    const theirs = await awaitingCase();
    const free = await awaitingCase();
    const inboxCarl = await bearer(stack, { sub: 'housing-officer-carl', role: 'officer', department: 'housing' });
    const inboxDora = await bearer(stack, { sub: 'housing-officer-dora', role: 'officer', department: 'housing' });
    await hold('claim', inboxCarl, mine, 'housing').expect(200);
    await hold('claim', inboxDora, theirs, 'housing').expect(200);
    const inbox = async (auth: string, assignedTo: string) => {
      const res = await request(stack.app)
        .get(`/api/v1/officer/inbox?limit=100&assignedTo=${assignedTo}`)
        .set('authorization', auth)
        .expect(200);
      return res.body.items as InboxItem[];
    };

    // Act
    const carlsOwn = await inbox(inboxCarl, 'me');
    const nobodys = await inbox(inboxCarl, 'nobody');
    const bad = await request(stack.app).get('/api/v1/officer/inbox?assignedTo=someone').set('authorization', inboxCarl);

    // Assert
    assert.deepEqual(
      carlsOwn.map((i) => [i.caseId, i.assignedOfficer]),
      [[mine, 'housing-officer-carl']],
    );
    const ids = nobodys.map((i) => i.caseId);
    assert.ok(ids.includes(free), 'a step nobody holds is listed');
    assert.ok(!ids.includes(mine) && !ids.includes(theirs), 'held steps are not');
    assert.ok(nobodys.every((i) => i.assignedOfficer === undefined));
    assertProblem(bad, 400);

    // Released, the step is nobody's again.
    await hold('release', inboxCarl, mine, 'housing').expect(200);
    assert.deepEqual(await inbox(inboxCarl, 'me'), []);
    assert.ok((await inbox(inboxCarl, 'nobody')).some((i) => i.caseId === mine));
  });
});
