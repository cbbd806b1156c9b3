/**
 * The admission-round routes (issue 13) over what the round workflow publishes: the rankings are
 * seeded into `admission_rankings` as its activity writes them, so these tests need no running
 * round. Public reads need no token and never show objection texts; objections need a token;
 * the supervisors' routes their role; refusals are problem+json.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { assertProblem, tokens, type Tokens } from '../support/api';
import { NOTICE_RUNNING, OBJECTION_REASON, OBJECTOR_ID, noticeRoundView, seedRanking } from '../support/published-rounds';
import { FUTURE_ROUND, OPEN_ROUND, roundsDirWithFuture } from '../support/rounds-dir';
import { startStack, type TestStack } from '../support/stack';

describe('API: admission rounds', () => {
  let stack: TestStack;
  let t: Tokens;
  before(async () => {
    // A round closes only when a supervisor says so here (the test stacks otherwise close one a second after it starts).
    stack = await startStack('api_rounds', { env: { ROUNDS_DIR: roundsDirWithFuture(), ROUND_CLOSE_AFTER_MS: '600000' } });
    t = await tokens(stack);
    await seedRanking(stack.mongo, noticeRoundView('2026-1', NOTICE_RUNNING()));
  });
  after(async () => {
    await stack.close();
  });

  it('when anyone lists the rounds without a token, then every announced round is there in opening order with its stage', async () => {
    // Act
    const res = await request(stack.app).get('/api/v1/rounds').expect(200);

    // Assert
    const items = res.body.items as Array<{ roundId: string; stage: string; entries: number; openObjections: number }>;
    assert.deepEqual(
      items.map((r) => r.roundId),
      ['2026-1', '2026-2', OPEN_ROUND, FUTURE_ROUND],
    );
    assert.equal(items[0]!.stage, 'public_notice');
    assert.equal(items[0]!.entries, 3);
    assert.equal(items[0]!.openObjections, 1);
    assert.equal(items[3]!.stage, 'upcoming');
  });

  it('when anyone reads a published round, then the masked ranking and cut-off are there and no objection text or objector', async () => {
    // Act
    const res = await request(stack.app).get('/api/v1/rounds/2026-1').expect(200);

    // Assert
    const beilin = res.body.districts[0];
    assert.equal(beilin.cutoff, 74);
    assert.deepEqual(
      beilin.entries.map((e: { entryId: string; status: string }) => [e.entryId, e.status]),
      [
        ['beilin-1', 'admitted'],
        ['beilin-2', 'admitted'],
        ['beilin-3', 'not_admitted'],
      ],
    );
    assert.match(beilin.entries[0].maskedIdNumber, /\*{8}/);
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes(OBJECTION_REASON) && !text.includes(OBJECTOR_ID) && !text.includes('supervisor-1'));
    assert.equal(res.body.objections, undefined);
  });

  it('when a supervisor reads the round, then objections come with their reasons, and the read is recorded by round; other roles are refused', async () => {
    const res = await request(stack.app)
      .get('/api/v1/supervisor/rounds/2026-1')
      .set('authorization', t.supervisor)
      .set('x-access-purpose', 'objection review')
      .expect(200);
    assert.equal(res.body.objections[0].reason, OBJECTION_REASON);
    assert.equal(res.body.objections[0].lodgedBy.id, OBJECTOR_ID);
    // What the objector wrote is sealed at rest, as names and ID numbers are (issue 15).
    const raw = await stack.mongo.db!.collection('admission_rankings').findOne({ _id: '2026-1' as never });
    assert.ok(raw, 'the round is stored');
    assert.ok(!JSON.stringify(raw).includes(OBJECTION_REASON), 'the reason is not in clear in the raw document');
    // What people wrote about a ranked person is read like a case: the record names the round (查询留痕).
    const records = await request(stack.app)
      .get('/api/v1/access-records?userId=supervisor-1')
      .set('authorization', t.supervisor)
      .expect(200);
    const mine = (records.body.items as Array<{ view: string; roundId?: string; purpose?: string; via?: string }>).filter(
      (r) => r.view === 'round_objections',
    );
    assert.deepEqual(
      mine.map((r) => [r.roundId, r.purpose, r.via]),
      [['2026-1', 'objection review', 'api']],
    );
    // A round without objections shows nothing anyone wrote: no record.
    await request(stack.app).get('/api/v1/supervisor/rounds/2026-2').set('authorization', t.supervisor).expect(200);
    const later = await request(stack.app).get('/api/v1/access-records?userId=supervisor-1').set('authorization', t.supervisor);
    assert.equal((later.body.items as Array<{ view: string }>).filter((r) => r.view === 'round_objections').length, 1);
    assertProblem(await request(stack.app).get('/api/v1/supervisor/rounds/2026-1').set('authorization', t.applicant), 403);
    assertProblem(await request(stack.app).get('/api/v1/supervisor/rounds/2026-1'), 401);
  });

  it('when a round nobody announced is asked for, then 404 round-not-found; a malformed id is a 400', async () => {
    const missing = await request(stack.app).get('/api/v1/rounds/1999-9');
    assertProblem(missing, 404);
    assert.match(missing.body.type, /round-not-found$/);
    assertProblem(await request(stack.app).get('/api/v1/rounds/Bad_Id'), 400);
    assertProblem(await request(stack.app).get('/api/v1/supervisor/rounds/1999-9').set('authorization', t.supervisor), 404);
  });

  it('when an objection is sent without a token, then 401; with one but a bad body, then 400 naming the fields', async () => {
    const body = { entryId: 'beilin-2', reason: '社保年限有误' };
    assertProblem(await request(stack.app).post('/api/v1/rounds/2026-1/objections').send(body), 401);
    const bad = await request(stack.app)
      .post('/api/v1/rounds/2026-1/objections')
      .set('authorization', t.otherApplicant)
      .send({ entryId: 'not an entry', reason: '' });
    assertProblem(bad, 400);
    assert.deepEqual(bad.body.invalidParams.map((p: { path: string }) => p.path).sort(), ['/entryId', '/reason']);
  });

  it('when an objection names a round without a running round workflow, then 409 round-not-in-notice; an unannounced round 404', async () => {
    const body = { entryId: 'beilin-2', reason: '社保年限有误' };
    const notInNotice = await request(stack.app)
      .post('/api/v1/rounds/2026-2/objections')
      .set('authorization', t.otherApplicant)
      .set('idempotency-key', 'objection-0001')
      .send(body);
    assertProblem(notInNotice, 409);
    assert.match(notInNotice.body.type, /round-not-in-notice$/);
    const unknown = await request(stack.app).post('/api/v1/rounds/1999-9/objections').set('authorization', t.police).send(body);
    assertProblem(unknown, 404);
  });

  it('when a supervisor closes a round that has not opened yet, then 409 and nothing is started; a resolution without a round workflow is 409', async () => {
    const early = await request(stack.app)
      .post(`/api/v1/supervisor/rounds/${FUTURE_ROUND}/close`)
      .set('authorization', t.supervisor)
      .send({ reason: '测试' });
    assertProblem(early, 409);
    assert.match(early.body.type, /round-not-open$/);
    const resolution = await request(stack.app)
      .post('/api/v1/supervisor/rounds/2026-2/objections/0123456789abcdef0123456789abcdef/resolution')
      .set('authorization', t.supervisor)
      .send({ outcome: 'upheld', note: '核实属实' });
    assertProblem(resolution, 409);
    const badOutcome = await request(stack.app)
      .post('/api/v1/supervisor/rounds/2026-2/objections/0123456789abcdef0123456789abcdef/resolution')
      .set('authorization', t.supervisor)
      .send({ outcome: 'maybe', note: 'x' });
    assertProblem(badOutcome, 400);
    assertProblem(
      await request(stack.app)
        .post(`/api/v1/supervisor/rounds/2026-2/close`)
        .set('authorization', t.police)
        .send({ reason: 'x' }),
      403,
    );
  });

  it('when a supervisor closes an open round early, then 200 with the round ranked, and its closed event names the supervisor and the reason', async () => {
    // Arrange
    const reason = '本批次指标已提前用满，经局务会研究提前截止';

    // Act
    const res = await request(stack.app)
      .post(`/api/v1/supervisor/rounds/${OPEN_ROUND}/close`)
      .set('authorization', t.supervisor)
      .set('idempotency-key', 'close-open-round-1')
      .send({ reason });

    // Assert
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.notEqual(res.body.stage, 'open');
    assert.equal(res.body.closedBy.role, 'supervisor');
    const closed = (res.body.events as Array<{ type: string; actor: { id: string; role: string }; why?: string }>).find(
      (e) => e.type === 'closed',
    );
    assert.ok(closed, 'a closed event');
    assert.equal(closed.actor.role, 'supervisor');
    assert.equal(closed.actor.id, res.body.closedBy.id);
    assert.equal(closed.why, reason);
  });

  it('when anyone opens the ranking pages, then they are served without signing in, masked, and write no session', async () => {
    // Act
    const list = await request(stack.app).get('/rounds').expect(200);
    const round = await request(stack.app).get('/rounds/2026-1').set('accept-language', 'zh-CN').expect(200);

    // Assert
    assert.match(list.text, /href='\/rounds\/2026-1'/);
    assert.match(round.text, /分数线：74分/);
    assert.ok(!round.text.includes(OBJECTION_REASON));
    assert.equal(round.headers['set-cookie'], undefined, 'a visitor reading the notice gets no session');
    await request(stack.app).get('/rounds/1999-9').expect(404);
  });

  it('when a visitor who is not signed in asks for the objection form, then they are sent to sign in and brought back', async () => {
    const res = await request(stack.app).get('/rounds/2026-1/objections/new?entry=beilin-2').expect(303);
    assert.match(res.headers.location ?? '', /^\/auth\/sign-in\?back=%2Frounds%2F2026-1%2Fobjections%2Fnew/);
  });

  it('when someone types a role’s bare address (/applicant, /officer, /supervisor), then it leads to that role’s home page, not a 404', async () => {
    for (const [bare, home] of [
      ['/applicant', '/applicant/cases'],
      ['/officer/', '/officer/inbox'],
      ['/supervisor', '/supervisor/stuck'],
    ] as const) {
      const res = await request(stack.app).get(bare).expect(303);
      assert.equal(res.headers.location, home, bare);
    }
  });

  it('when a supervisor page of a round is asked for without signing in, then the visitor is sent to sign in', async () => {
    const res = await request(stack.app).get('/supervisor/rounds/2026-1').expect(303);
    assert.match(res.headers.location ?? '', /^\/auth\/sign-in/);
  });
});
