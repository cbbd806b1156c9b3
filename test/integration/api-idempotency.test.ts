import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { idempotencyKeyModel, openCaseLockModel } from '../../models/api-records.model';
import { assertProblem, bearer, freshIdNumber, submitCase, townBody, waitForStatus } from '../support/api';
import { startStack, type TestStack } from '../support/stack';

describe('API: idempotent submissions and one open case per person (§8)', () => {
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

  const submit = (auth: string, body: object, key?: string) => {
    const req = request(stack.app).post('/api/v1/applicant/cases').set('authorization', auth);
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
    const locks = await openCaseLockModel(stack.mongo).find({ person: idNumber }).lean();
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
      assert.equal(res.body.type, 'https://hukou.example.gov.cn/problems/open-case-exists');
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

  it('when two accounts use the same key for their own applications, then they are two independent cases', async () => {
    // Act
    const a = await submit(alice, townBody(), 'shared-key-00001');
    const b = await submit(bob, townBody(), 'shared-key-00001');

    // Assert
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.notEqual(a.body.caseId, b.body.caseId);
  });
});
