import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { syncOfficerRoster } from '../../scripts/lib/officer-roster-sync';
import { DEV_ACCOUNTS_FILE, officerRoster } from '../../tools/identity/accounts';
import {
  assertProblem,
  invalidPaths,
  knownOfficer,
  submitCase,
  tokens,
  townBody,
  waitForWorkflow,
  type Tokens,
} from '../support/api';
import { startStack, TEST_JWT_SECRET, type TestStack } from '../support/stack';

interface Listed {
  sub: string;
  name?: string;
  department: string;
  district?: string[];
  jurisdiction?: string;
  listedAt?: string;
  seenAt?: string;
}

describe("API, officer roster: the identity provider's officers, before they sign in", () => {
  let stack: TestStack;
  let t: Tokens;
  let operator: string;
  before(async () => {
    stack = await startStack('api_officer_roster');
    t = await tokens(stack);
    operator = `Bearer ${await stack.token({ sub: 'idp-sync', role: 'operator' })}`;
  });
  after(async () => stack.close());

  const put = (auth: string, officers: object[]) =>
    request(stack.app).put('/api/v1/officers').set('authorization', auth).send({ officers });
  const listed = async (): Promise<Listed[]> =>
    (await request(stack.app).get('/api/v1/officers').set('authorization', t.supervisor).expect(200)).body.items as Listed[];
  const reassign = (caseId: string, officerId: string) =>
    request(stack.app)
      .post(`/api/v1/supervisor/cases/${caseId}/steps/housing/actions`)
      .set('authorization', t.supervisor)
      .send({ action: 'reassign', officerId, note: '按名册改派' });

  it('when the roster lists an officer who never signed in, then a supervisor can hand them a step; once the roster drops them, not', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForWorkflow(stack, caseId, (c) => c.steps.housing?.status === 'awaiting_decision', 'housing awaiting');
    const roster = [
      { sub: 'housing-new-1', name: '钱新', department: 'housing', jurisdiction: 'city' },
      { sub: 'housing-yanta-1', name: '孙区', department: 'housing', district: ['yanta'] },
      { sub: 'police-new-1', department: 'police', jurisdiction: 'city' },
    ];

    // Act
    const first = await put(operator, roster);
    const afterFirst = await listed();
    const toNew = await reassign(caseId, 'housing-new-1');
    const second = await put(operator, roster.slice(1));
    const afterSecond = await listed();
    const toDropped = await reassign(caseId, 'housing-new-1');

    // Assert
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body, { listed: 3, removed: 0 });
    const newOfficer = afterFirst.find((o) => o.sub === 'housing-new-1');
    assert.equal(newOfficer?.name, '钱新');
    assert.equal(newOfficer?.jurisdiction, 'city');
    assert.equal(typeof newOfficer?.listedAt, 'string');
    assert.equal(newOfficer?.seenAt, undefined, 'listed, never seen');
    assert.deepEqual(afterFirst.find((o) => o.sub === 'housing-yanta-1')?.district, ['yanta']);
    assert.equal(toNew.status, 200, JSON.stringify(toNew.body));
    assert.equal(toNew.body.step.assignedOfficer, 'housing-new-1');
    assert.deepEqual(second.body, { listed: 2, removed: 1 });
    assert.ok(!afterSecond.some((o) => o.sub === 'housing-new-1'), 'dropped from the directory');
    assertProblem(toDropped, 400);
    assert.deepEqual(invalidPaths(toDropped), ['/officerId']);
  });

  it('when an officer the roster left out calls again, then the directory has them again, seen', async () => {
    // Arrange: known by their call, then a roster without them.
    const claims = { sub: 'police-seen-only', role: 'officer', department: 'police' } as const;
    await knownOfficer(stack, claims);
    await put(operator, [{ sub: 'police-new-1', department: 'police', jurisdiction: 'city' }]).expect(200);
    const dropped = await listed();

    // Act: the provider still vouches for them, so their next call brings them back at once.
    await knownOfficer(stack, claims);
    const back = await listed();

    // Assert
    assert.ok(!dropped.some((o) => o.sub === 'police-seen-only'));
    assert.equal(typeof back.find((o) => o.sub === 'police-seen-only')?.seenAt, 'string');
  });

  it('when a roster is malformed or comes from anyone but an operator, then it is refused and the directory is left as it was', async () => {
    // Arrange
    await put(operator, [{ sub: 'kept-1', department: 'hrss', jurisdiction: 'city' }]).expect(200);

    // Act
    const both = await put(operator, [{ sub: 'x', department: 'police', jurisdiction: 'city', district: ['yanta'] }]);
    const neither = await put(operator, [{ sub: 'x', department: 'police' }]);
    const twice = await put(operator, [
      { sub: 'dup', department: 'police', jurisdiction: 'city' },
      { sub: 'dup', department: 'hrss', jurisdiction: 'city' },
    ]);
    const badArea = await put(operator, [{ sub: 'x', department: 'police', district: ['atlantis'] }]);
    const bySupervisor = await put(t.supervisor, []);
    const byOfficer = await put(t.police, []);
    const officerReads = await request(stack.app).get('/api/v1/officers').set('authorization', t.police);

    // Assert
    for (const [res, path] of [
      [both, '/officers/0/district'],
      [neither, '/officers/0/district'],
      [twice, '/officers/1/sub'],
      [badArea, '/officers/0/district/0'],
    ] as const) {
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res), [path], JSON.stringify(res.body));
    }
    assert.match(JSON.stringify(both.body), /exactly one of district/);
    assert.match(JSON.stringify(twice.body), /listed twice/);
    for (const res of [bySupervisor, byOfficer, officerReads]) assertProblem(res, 403);
    // Nothing of the refused rosters; the police officer who called is there as seen, as any caller is.
    assert.deepEqual(
      (await listed()).map((o) => o.sub),
      ['kept-1', 'officer-police'],
    );
  });

  it("when npm start syncs the embedded provider's accounts file, then every officer in it is listed, named", async () => {
    // Act
    const line = await syncOfficerRoster(stack.apiUrl, stack.config, TEST_JWT_SECRET, DEV_ACCOUNTS_FILE);

    // Assert
    const expected = officerRoster(DEV_ACCOUNTS_FILE);
    assert.ok(expected.length >= 4, 'the demo accounts have officers');
    assert.match(line, new RegExp(`^Officer roster: ${expected.length} officers`));
    const all = await listed();
    assert.deepEqual(all.map((o) => o.sub).sort(), expected.map((o) => o.sub).sort());
    assert.equal(all.find((o) => o.sub === 'officer-police-1')?.name, '赵警官');
  });
});
