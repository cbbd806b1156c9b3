import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceError, type Client } from '@temporalio/client';
import { trusted } from 'mongoose';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createLogger } from '../../config/logger';
import { auditEventModel } from '../../models/audit-event.model';
import { idempotencyKeyModel } from '../../models/idempotency-key.model';
import { caseStatusQuery, settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { openCaseLockModel, personKey } from '../../models/open-case-lock.model';
import { FAMILY_REFUSALS_PER_DAY, PENDING_KEY_STALE_MS } from '../../app/commands/submit-application';
import {
  assertProblem,
  bearer,
  freshIdNumber,
  submitCase,
  townBody,
  waitForStatus,
  waitForStep,
  asApplicantOf,
  problemType,
} from '../support/api';
import { eventually, startStack, type TestStack } from '../support/stack';

describe('API: idempotent submissions and one open case per person, applicant or family member (§8)', () => {
  let stack: TestStack;
  let alice: string;
  let bob: string;
  before(async () => {
    stack = await startStack('api_idempotency');
    alice = await bearer(stack, { sub: 'alice', role: 'applicant' });
    bob = await bearer(stack, { sub: 'bob', role: 'applicant' });
  });
  after(async () => {
    await stack.close();
  });

  const submit = async (auth: string, body: object, key?: string) => {
    const req = request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, auth, body));
    if (key) req.set('idempotency-key', key);
    return req.send(body);
  };

  /** Workflows this stack's task queue has seen, by workflow id. */
  async function workflowIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) ids.push(wf.workflowId);
    return ids;
  }

  it('when the same key is sent again with the same body, then the answer is the same case and the same response', async () => {
    // Arrange
    const body = townBody();
    const first = await submit(alice, body, 'retry-key-0001');

    // Act
    const again = await submit(alice, body, 'retry-key-0001');
    const reordered = await submit(alice, Object.fromEntries(Object.entries(body).reverse()), 'retry-key-0001');

    // Assert
    assert.equal(first.status, 202);
    for (const res of [again, reordered]) {
      assert.equal(res.status, 202);
      assert.deepEqual(res.body, first.body);
      assert.equal(res.headers.location, first.headers.location);
    }
    const ids = await workflowIds();
    assert.equal(ids.filter((id) => id === `SettlementCase:${first.body.caseId}`).length, 1);
  });

  it('when a key was left pending by a submission that stopped midway, then a retry minutes later takes it over and answers with the case the first started, not "in progress" for ever', async () => {
    // Arrange: a submission whose answer was lost after its case started: its key still pending,
    // taken longer ago than any submission lasts (as a process killed mid-request leaves it).
    const body = townBody();
    const first = await submit(alice, body, 'crashed-key-0001');
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const keys = idempotencyKeyModel(stack.mongo);
    await keys.updateOne(
      { _id: 'alice:crashed-key-0001' },
      { $set: { state: 'pending', createdAt: new Date(Date.now() - PENDING_KEY_STALE_MS - 1_000) }, $unset: { response: 1 } },
    );

    // Act
    const retried = await submit(alice, body, 'crashed-key-0001');

    // Assert: the same case (its id follows from the key and body), its key finished.
    assert.equal(retried.status, 202, JSON.stringify(retried.body));
    assert.equal(retried.body.caseId, first.body.caseId);
    assert.equal(retried.body.caseNumber, first.body.caseNumber);
    assert.equal((await keys.findById('alice:crashed-key-0001').lean())?.state, 'done');

    // Two retries at once of a key left pending: one holds it, both answer with the one case.
    await keys.updateOne(
      { _id: 'alice:crashed-key-0001' },
      { $set: { state: 'pending', createdAt: new Date(Date.now() - PENDING_KEY_STALE_MS - 1_000) }, $unset: { response: 1 } },
    );
    const racing = await Promise.all([submit(alice, body, 'crashed-key-0001'), submit(alice, body, 'crashed-key-0001')]);
    for (const r of racing) {
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.caseId, first.body.caseId);
    }
    assert.equal((await keys.findById('alice:crashed-key-0001').lean())?.state, 'done');
  });

  it('when the same key comes with a different body, then it is a 422 and no second case is started', async () => {
    // Arrange
    const first = await submit(alice, townBody(), 'reused-key-0001');
    const before = (await workflowIds()).length;

    // Act
    const res = await submit(alice, townBody(), 'reused-key-0001');

    // Assert
    assert.equal(first.status, 202);
    assertProblem(res, 422);
    assert.equal((await workflowIds()).length, before);
  });

  it('when ten identical submissions race with one key, then exactly one case exists and all ten answers name it', async () => {
    // Arrange
    const body = townBody();
    const idNumber = (body.applicant as { idNumber: string }).idNumber;

    // Act
    const answers = await Promise.all(Array.from({ length: 10 }, () => submit(alice, body, 'race-key-00000001')));

    // Assert
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(10).fill(202),
      JSON.stringify(answers.map((a) => a.body)),
    );
    const caseIds = new Set(answers.map((a) => a.body.caseId as string));
    assert.equal(caseIds.size, 1);
    const [caseId] = caseIds;
    const ids = await workflowIds();
    assert.equal(ids.filter((id) => id === `SettlementCase:${caseId}`).length, 1);
    const locks = await openCaseLockModel(stack.mongo)
      .find({ person: personKey(idNumber) })
      .lean();
    assert.deepEqual(
      locks.map((l) => [l.caseId, l.state]),
      [[caseId, 'started']],
    );
    const key = await idempotencyKeyModel(stack.mongo).findById('alice:race-key-00000001').lean();
    assert.equal(key?.state, 'done');
  });

  it('when ten submissions for one person race without a key, then exactly one is accepted and the rest are 409', async () => {
    // Arrange
    const body = townBody();

    // Act
    const answers = await Promise.all(Array.from({ length: 10 }, () => submit(alice, body)));

    // Assert
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [202, ...Array(9).fill(409)], JSON.stringify(answers.map((a) => a.body)));
  });

  it('when a person already has an open case, then another submission for them is a 409, with another key or from another account', async () => {
    // Arrange
    const idNumber = freshIdNumber();
    await submitCase(stack, alice, townBody(idNumber), 'open-case-key-01');

    // Act
    const otherKey = await submit(alice, townBody(idNumber), 'open-case-key-02');
    const noKey = await submit(alice, townBody(idNumber, { town: 'lantian' }));
    const otherAccount = await submit(bob, townBody(idNumber), 'open-case-key-01');

    // Assert
    for (const res of [otherKey, noKey, otherAccount]) {
      assertProblem(res, 409);
      assert.equal(res.body.type, problemType(stack, 'open-case-exists'));
    }
    // A refused key is not kept: after the first case ends, the same key goes through.
    assert.equal(await idempotencyKeyModel(stack.mongo).countDocuments({ _id: 'alice:open-case-key-02' }), 0);
  });

  it('when a refused key is retried after the open case was withdrawn, then it is accepted', async () => {
    // Arrange
    const idNumber = freshIdNumber();
    const first = await submitCase(stack, alice, townBody(idNumber));
    const refused = await submit(alice, townBody(idNumber), 'after-withdraw-01');
    assertProblem(refused, 409);
    await request(stack.app).post(`/api/v1/applicant/cases/${first}/withdrawal`).set('authorization', alice).send({}).expect(202);
    await waitForStatus(stack, first, 'withdrawn');

    // Act
    const retried = await submit(alice, townBody(idNumber), 'after-withdraw-01');

    // Assert
    assert.equal(retried.status, 202, JSON.stringify(retried.body));
    assert.notEqual(retried.body.caseId, first);
  });

  it('when a submission’s key is sent again to another call, then it is a 422 and nothing happens; a refused submission’s key is free for a corrected one', async () => {
    // Arrange
    const submitted = await submit(alice, townBody(), 'one-key-two-calls');
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const caseId = submitted.body.caseId as string;

    // Act: the same key on the withdrawal of that very case.
    const withdrawal = await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/withdrawal`)
      .set('authorization', alice)
      .set('idempotency-key', 'one-key-two-calls')
      .send({});
    // A submission refused (409: the person has an open case) frees its key for a corrected body.
    const busy = freshIdNumber();
    await submitCase(stack, alice, townBody(busy));
    const refused = await submit(alice, townBody(busy), 'refused-then-fixed');
    const corrected = await submit(alice, townBody(), 'refused-then-fixed');

    // Assert
    assertProblem(withdrawal, 422);
    assert.equal(withdrawal.body.type, problemType(stack, 'idempotency-key-reused'));
    const state = await stack.client.workflow.getHandle(`SettlementCase:${caseId}`).query(caseStatusQuery);
    assert.notEqual(state.status, 'withdrawn', 'the withdrawal was not applied');
    assertProblem(refused, 409);
    assert.equal(corrected.status, 202, JSON.stringify(corrected.body));
  });

  describe('every person of an application, applicant or family member (§8)', () => {
    const spouse = (idNumber: string) => ({ idNumber, name: '李测试', relation: 'spouse' });
    // Any relation but a child, whose birth date is checked against the applicant's (§21–23).
    const relative = (idNumber: string) => ({ idNumber, name: '王小测', relation: 'other' });
    const locksOf = (...people: string[]) =>
      openCaseLockModel(stack.mongo).countDocuments({ person: trusted({ $in: people.map(personKey) }) });
    const pointers = (res: request.Response) =>
      ((res.body.invalidParams ?? []) as Array<{ path: string; message: string }>).map((p) => p.path);

    it('when a family member of an open case is named again, as applicant or as family member, then it is a 409 naming that field and nothing of the other case; once that case is withdrawn, the same applications go through', async () => {
      // Arrange: alice's case settles herself and her spouse.
      const [applicant, member, newcomer, newcomersChild] = [freshIdNumber(), freshIdNumber(), freshIdNumber(), freshIdNumber()];
      const first = await submit(alice, townBody(applicant, { family: [spouse(member)] }));
      assert.equal(first.status, 202, JSON.stringify(first.body));
      const asApplicant = townBody(member);
      const asFamily = townBody(newcomer, { family: [relative(newcomersChild), spouse(member)] });

      // Act
      const refusedAsApplicant = await submit(bob, asApplicant);
      const refusedAsFamily = await submit(bob, asFamily, 'family-clash-0001');

      // Assert
      assertProblem(refusedAsApplicant, 409);
      assertProblem(refusedAsFamily, 409);
      for (const res of [refusedAsApplicant, refusedAsFamily]) {
        assert.equal(res.body.type, problemType(stack, 'open-case-exists'));
        const text = JSON.stringify(res.body);
        for (const secret of [first.body.caseId, first.body.caseNumber, 'alice', applicant, member])
          assert.ok(!text.includes(secret), `the refusal must not reveal ${secret}: ${text}`);
      }
      assert.deepEqual(pointers(refusedAsApplicant), ['/applicant/idNumber']);
      assert.deepEqual(pointers(refusedAsFamily), ['/family/1/idNumber']);
      assert.equal(await locksOf(newcomer, newcomersChild), 0, 'the refused submission holds no lock');

      // Act: the first case ends.
      await request(stack.app)
        .post(`/api/v1/applicant/cases/${first.body.caseId}/withdrawal`)
        .set('authorization', alice)
        .send({})
        .expect(202);
      await waitForStatus(stack, first.body.caseId as string, 'withdrawn');
      const acceptedAsFamily = await submit(bob, asFamily, 'family-clash-0001');
      const refusedNowAsApplicant = await submit(bob, asApplicant);

      // Assert: free again as a family member; then taken by that new case, so not free as an applicant.
      assert.equal(acceptedAsFamily.status, 202, JSON.stringify(acceptedAsFamily.body));
      assertProblem(refusedNowAsApplicant, 409);
      assert.deepEqual(pointers(refusedNowAsApplicant), ['/applicant/idNumber']);
      const locks = await openCaseLockModel(stack.mongo)
        .find({ caseId: acceptedAsFamily.body.caseId as string })
        .lean();
      assert.deepEqual(locks.map((l) => l.person).sort(), [newcomer, newcomersChild, member].map(personKey).sort());
      assert.ok(locks.every((l) => l.state === 'started'));
    });

    it('when the same ID number appears twice in one application, then it is a 400 naming the second mention and pointing to the first, and nothing is locked', async () => {
      // Arrange
      const [applicant, member] = [freshIdNumber(), freshIdNumber()];

      // Act
      const applicantTwice = await submit(alice, townBody(applicant, { family: [spouse(member), relative(applicant)] }));
      const memberTwice = await submit(alice, townBody(applicant, { family: [spouse(member), relative(member)] }));

      // Assert
      assertProblem(applicantTwice, 400);
      assertProblem(memberTwice, 400);
      assert.deepEqual(applicantTwice.body.invalidParams, [
        { path: '/family/1/idNumber', message: 'each person appears once: the same ID number as /applicant/idNumber' },
      ]);
      assert.deepEqual(memberTwice.body.invalidParams, [
        { path: '/family/1/idNumber', message: 'each person appears once: the same ID number as /family/0/idNumber' },
      ]);
      assert.equal(await locksOf(applicant, member), 0);
    });

    it('when a submission is refused because one of its people is not free, then none of the others keeps a lock and each may apply at once', async () => {
      // Arrange: the member is in an open case.
      const [holder, member, applicant, otherMember] = [freshIdNumber(), freshIdNumber(), freshIdNumber(), freshIdNumber()];
      await submitCase(stack, alice, townBody(holder, { family: [spouse(member)] }));

      // Act
      const refused = await submit(bob, townBody(applicant, { family: [relative(otherMember), spouse(member)] }));
      const applicantAlone = await submit(bob, townBody(applicant));
      const otherAlone = await submit(bob, townBody(otherMember));

      // Assert: a lock left pending would refuse both for a minute.
      assertProblem(refused, 409);
      assert.deepEqual(pointers(refused), ['/family/1/idNumber']);
      assert.equal(applicantAlone.status, 202, JSON.stringify(applicantAlone.body));
      assert.equal(otherAlone.status, 202, JSON.stringify(otherAlone.body));
    });

    it('when an account keeps naming family members who are not free, then after a few refused families a day it is a 429 before anything is looked up (the same family sent again counts once); an applicant not free themself learns nothing of their family', async () => {
      // Arrange: the member is in an open case; carol names them again and again (a stranger's
      // number tested by the refusals alone); dave has an open case of his own.
      const [holder, member, carolId, daveId] = [freshIdNumber(), freshIdNumber(), freshIdNumber(), freshIdNumber()];
      await submitCase(stack, alice, townBody(holder, { family: [spouse(member)] }));
      const carol = await bearer(stack, { sub: 'carol', role: 'applicant' });
      const dave = await bearer(stack, { sub: 'dave', role: 'applicant' });
      await submitCase(stack, dave, townBody(daveId));

      // Act: each refused application names the member beside another number (a family not seen
      // before that day); the first is also sent again unchanged, as pressing submit once more on
      // the refused form does: that tests no new number and is not counted.
      const refused: request.Response[] = [];
      const first = townBody(carolId, { family: [spouse(member), relative(freshIdNumber())] });
      refused.push(await submit(carol, first));
      for (let i = 0; i < 3; i++) refused.push(await submit(carol, first));
      for (let i = 1; i < FAMILY_REFUSALS_PER_DAY; i++)
        refused.push(await submit(carol, townBody(carolId, { family: [spouse(member), relative(freshIdNumber())] })));
      const bounded = await submit(carol, townBody(carolId, { family: [spouse(freshIdNumber())] }));
      // Carol alone names nobody: the bound does not stop her own application.
      const alone = await submit(carol, townBody(carolId));
      const ownFirst = await submit(dave, townBody(daveId, { family: [spouse(member)] }));

      // Assert
      for (const res of refused) assert.deepEqual(pointers(res), ['/family/0/idNumber']);
      assertProblem(bounded, 429);
      assert.equal(bounded.body.type, problemType(stack, 'too-many-refused-applications'));
      assert.equal(alone.status, 202, JSON.stringify(alone.body));
      assertProblem(ownFirst, 409);
      assert.deepEqual(pointers(ownFirst), ['/applicant/idNumber'], 'nothing said of the family member');
    });

    it('when submissions sharing people race, each listing them in another order, then exactly one is accepted and the refused ones hold no lock', async () => {
      // Arrange: four applications over the same two shared people, in both orders, each with a person of its own.
      // Own numbers sort first, so a submission that loses a shared person already holds its own, and must let it go.
      const ids = Array.from({ length: 6 }, freshIdNumber).sort();
      const own = ids.slice(0, 4);
      const [shared1, shared2] = ids.slice(4) as [string, string];
      const bodies = own.map((idNumber, i) =>
        townBody(idNumber, { family: i % 2 === 0 ? [spouse(shared1), relative(shared2)] : [relative(shared2), spouse(shared1)] }),
      );

      // Act
      const answers = await Promise.all(bodies.map((body, i) => submit(i % 2 === 0 ? alice : bob, body)));

      // Assert
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [202, 409, 409, 409], JSON.stringify(answers.map((a) => a.body)));
      const winner = answers.findIndex((a) => a.status === 202);
      const locks = await openCaseLockModel(stack.mongo)
        .find({ person: trusted({ $in: [shared1, shared2, ...own].map(personKey) }) })
        .lean();
      assert.deepEqual(locks.map((l) => l.person).sort(), [shared1, shared2, own[winner]!].map(personKey).sort());
      assert.ok(locks.every((l) => l.caseId === answers[winner]!.body.caseId));
    });
  });

  describe('a start whose answer was lost: it reached Temporal, the API heard a timeout', () => {
    /** What the next calls through the API's Temporal client lose or fail. */
    const faults = { loseStartAnswer: false, describeDown: false };
    const deadlineExceeded = () =>
      new ServiceError('Deadline exceeded', { cause: Object.assign(new Error('DEADLINE_EXCEEDED'), { code: 4 }) });
    const bound = <T extends object>(target: T, name: PropertyKey): unknown => {
      const v: unknown = Reflect.get(target, name);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    };
    /** The stack's client, with the faults above: a start that goes through and then "times out". */
    const faultyClient = (real: Client): Client => {
      const workflow = new Proxy(real.workflow, {
        get(t, name) {
          if (name === 'start')
            return async (...args: Parameters<Client['workflow']['start']>) => {
              // The server's answer, whatever it was (started, already started), lost on the way.
              const answer = await t.start(...args).then(
                (handle) => ({ handle }),
                (error: unknown) => ({ error }),
              );
              if (faults.loseStartAnswer) throw deadlineExceeded();
              if ('error' in answer) throw answer.error;
              return answer.handle;
            };
          if (name === 'getHandle')
            return (...args: Parameters<Client['workflow']['getHandle']>) =>
              new Proxy(t.getHandle(...args), {
                get(h, hn) {
                  if (hn === 'describe' && faults.describeDown) return () => Promise.reject(deadlineExceeded());
                  return bound(h, hn);
                },
              });
          return bound(t, name);
        },
      });
      return new Proxy(real, { get: (t, name) => (name === 'workflow' ? workflow : bound(t, name)) });
    };
    const faultyApp = () =>
      createApp({
        config: stack.config,
        logger: createLogger({ level: 'silent', name: 'test-lost-start' }),
        temporal: faultyClient(stack.client),
        mongo: stack.mongo,
      });
    const post = async (app: ReturnType<typeof createApp>, body: object, key: string) =>
      request(app)
        .post('/api/v1/applicant/cases')
        .set('authorization', await asApplicantOf(stack, alice, body))
        .set('idempotency-key', key)
        .send(body);
    const locksOf = (ids: string[]) =>
      openCaseLockModel(stack.mongo)
        .find({ person: trusted({ $in: ids.map(personKey) }) })
        .lean();
    /** The cases Temporal runs for these people (an application's applicant is its first person). */
    const casesOf = async (idNumber: string) => {
      const ids = await workflowIds();
      const found: string[] = [];
      for (const id of ids) {
        const status = await stack.client.workflow
          .getHandle(id)
          .query(caseStatusQuery)
          .catch(() => undefined);
        if (status?.application?.applicant.idNumber === idNumber) found.push(id);
      }
      return found;
    };

    it('when Temporal answers that the case runs, then the submission is accepted with it and its people are locked to it (§8)', async () => {
      // Arrange
      const [idNumber, spouse] = [freshIdNumber(), freshIdNumber()];
      const body = townBody(idNumber, { family: [{ idNumber: spouse, name: '李测试', relation: 'spouse' }] });
      faults.loseStartAnswer = true;

      // Act
      const accepted = await post(faultyApp(), body, 'lost-start-0001');
      faults.loseStartAnswer = false;

      // Assert
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      assert.deepEqual(await casesOf(idNumber), [settlementCaseWorkflowId(accepted.body.caseId as string)]);
      const locks = await locksOf([idNumber, spouse]);
      assert.equal(locks.length, 2);
      assert.ok(locks.every((l) => l.caseId === accepted.body.caseId && l.state === 'started'));
      const again = await submit(alice, body, 'lost-start-0001');
      assert.deepEqual(again.body, accepted.body, 'the key answers with the same case');
    });

    it('when Temporal cannot say either, then it is a 503, the people stay locked, and the retry with the same key answers with the case that runs instead of opening a second one (§8)', async () => {
      // Arrange
      const [idNumber, spouse] = [freshIdNumber(), freshIdNumber()];
      const body = townBody(idNumber, { family: [{ idNumber: spouse, name: '李测试', relation: 'spouse' }] });
      const app = faultyApp();
      faults.loseStartAnswer = true;
      faults.describeDown = true;
      const lost = await post(app, body, 'lost-start-0002');
      faults.loseStartAnswer = false;
      faults.describeDown = false;
      const running = await casesOf(idNumber);
      const otherKey = await submit(alice, body, 'lost-start-0003');

      // Act: the retry's answer ("already started") is lost too.
      faults.loseStartAnswer = true;
      const retried = await post(app, body, 'lost-start-0002');
      faults.loseStartAnswer = false;

      // Assert
      assertProblem(lost, 503);
      assert.equal(running.length, 1, 'the lost start did start the case');
      assertProblem(otherKey, 409);
      assert.equal(
        otherKey.body.type,
        problemType(stack, 'open-case-exists'),
        'another request for the same people waits for it',
      );
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
      assert.equal(settlementCaseWorkflowId(retried.body.caseId as string), running[0]);
      assert.match(retried.body.caseNumber as string, /\S/);
      const status = await stack.client.workflow.getHandle(running[0]!).query(caseStatusQuery);
      assert.equal(retried.body.caseNumber, status.caseNumber, 'the number of the case that runs');
      assert.deepEqual(await casesOf(idNumber), running, 'still one case for these people');
      const locks = await locksOf([idNumber, spouse]);
      assert.equal(locks.length, 2);
      assert.ok(locks.every((l) => l.caseId === retried.body.caseId && l.state === 'started'));
    });
  });

  it('when a request that ended the case is retried with its key after the case ended (its answer lost), then the retry gets the first answer, not a refusal, and no refused attempt is audited', async () => {
    // Arrange: a refusal by the police ends one case, a withdrawal another.
    const police = await bearer(stack, { sub: 'police-retry', role: 'officer', department: 'police' });
    const refusedCase = await submitCase(stack, alice, townBody());
    const withdrawnCase = await submitCase(stack, alice, townBody());
    await waitForStep(stack, refusedCase, 'police', 'awaiting_decision');
    const reject = () =>
      request(stack.app)
        .post(`/api/v1/officer/cases/${refusedCase}/steps/police/decision`)
        .set('authorization', police)
        .set('idempotency-key', 'ended-by-decision-01')
        .send({ decision: 'reject', reasonCode: 'identity_mismatch', reasonText: '身份信息不符' });
    const withdraw = () =>
      request(stack.app)
        .post(`/api/v1/applicant/cases/${withdrawnCase}/withdrawal`)
        .set('authorization', alice)
        .set('idempotency-key', 'ended-by-withdrawal-01')
        .send({});
    const first = await reject();
    const firstWithdrawal = await withdraw();
    await waitForStatus(stack, refusedCase, 'rejected');
    await waitForStatus(stack, withdrawnCase, 'withdrawn');
    for (const caseId of [refusedCase, withdrawnCase])
      await eventually(
        async () =>
          (await stack.client.workflow.getHandle(settlementCaseWorkflowId(caseId)).describe()).status.name === 'COMPLETED'
            ? true
            : undefined,
        'the case workflow completed',
      );

    // Act
    const retried = await reject();
    const retriedWithdrawal = await withdraw();
    const another = await request(stack.app)
      .post(`/api/v1/officer/cases/${refusedCase}/steps/police/decision`)
      .set('authorization', police)
      .set('idempotency-key', 'ended-by-decision-02')
      .send({ decision: 'reject', reasonCode: 'identity_mismatch', reasonText: '身份信息不符' });

    // Assert
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.deepEqual(retried.body, first.body);
    assert.equal(firstWithdrawal.status, 202);
    assert.equal(retriedWithdrawal.status, 202, JSON.stringify(retriedWithdrawal.body));
    assert.deepEqual(retriedWithdrawal.body, firstWithdrawal.body);
    assertProblem(another, 409); // a new request on the ended case is still refused
    const refusedLines = await auditEventModel(stack.mongo).find({ caseId: refusedCase, type: 'decision_refused' }).lean();
    assert.equal(refusedLines.length, 1, 'only the new request is audited as refused');
  });

  it('when two accounts use the same key for their own applications, then they are two independent cases', async () => {
    // Act
    const a = await submit(alice, townBody(), 'shared-key-00001');
    const b = await submit(bob, townBody(), 'shared-key-00001');

    // Assert
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.notEqual(a.body.caseId, b.body.caseId);
  });

  it('when a supervisor reuses a key with another body, on another step or on a termination, then it is a 422 and only the first is applied; a first request refused as invalid frees its key', async () => {
    // Arrange
    const caseId = await submitCase(stack, alice, townBody());
    await waitForStep(stack, caseId, 'police', 'awaiting_decision');
    const supervisor = await bearer(stack, { sub: 'supervisor-idem', role: 'supervisor' });
    const act = (body: object, key: string) =>
      request(stack.app)
        .post(`/api/v1/supervisor/cases/${caseId}/steps/police/actions`)
        .set('authorization', supervisor)
        .set('idempotency-key', key)
        .send(body);
    const oneHour = { action: 'extend_deadline', extendByMs: 3_600_000, note: '材料复核' };

    // Act
    const first = await act(oneHour, 'extend-key-0001');
    const again = await act({ note: '材料复核', extendByMs: 3_600_000, action: 'extend_deadline' }, 'extend-key-0001');
    const fiveHours = await act({ ...oneHour, extendByMs: 5 * 3_600_000 }, 'extend-key-0001');
    // Refused (a negative extension), then sent again corrected with the same key: the refusal
    // applied nothing, so the key is free.
    const refused = await act({ ...oneHour, extendByMs: -1 }, 'extend-key-0002');
    const corrected = await act(oneHour, 'extend-key-0002');
    // The same key on another step, or on a termination: another request, refused, never
    // answered with the first one's result (the workflow knows a request by caller and key).
    const otherStep = await request(stack.app)
      .post(`/api/v1/supervisor/cases/${caseId}/steps/housing/actions`)
      .set('authorization', supervisor)
      .set('idempotency-key', 'extend-key-0001')
      .send(oneHour);
    const termination = await request(stack.app)
      .post(`/api/v1/supervisor/cases/${caseId}/termination`)
      .set('authorization', supervisor)
      .set('idempotency-key', 'extend-key-0001')
      .send({ note: '重复申请' });

    // Assert
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(again.status, 200, 'the same request again, its keys in another order');
    assert.equal(again.body.step.dueAt, first.body.step.dueAt);
    assertProblem(fiveHours, 422);
    assert.equal(fiveHours.body.type, problemType(stack, 'idempotency-key-reused'));
    for (const res of [otherStep, termination]) {
      assertProblem(res, 422);
      assert.equal(res.body.type, problemType(stack, 'idempotency-key-reused'));
    }
    const state = await stack.client.workflow.getHandle(`SettlementCase:${caseId}`).query(caseStatusQuery);
    assert.notEqual(state.status, 'terminated');
    assertProblem(refused, 400);
    assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
    assert.equal(
      Date.parse(corrected.body.step.dueAt) - Date.parse(first.body.step.dueAt),
      3_600_000,
      'the deadline moved by the first request and the corrected one, not by the five hours',
    );
  });
});
