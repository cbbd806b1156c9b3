/**
 * Every read accountable (issue 15 part 3, 查询留痕): a staff member's view of a case leaves an
 * access record (who, role, department, when, which case, which view, purpose when given);
 * supervisors and auditors list them per case and per user; the records form an SM3 hash chain
 * per Asia/Shanghai day that stays linear under concurrent appends, and the verification (the
 * function and `npm run verify:access-records`) names the first record that was altered.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import request from 'supertest';
import { recordAccess } from '../../app/access-records/record-access';
import { verifyAccessChain } from '../../app/access-records/verify';
import { accessRecordModel } from '../../models/access-record.model';
import { createConnection } from 'mongoose';
import { connectMongo } from '../../models/connection';
import { assertProblem, bearer, submitCase, tokens, townBody, waitForCase, type Tokens } from '../support/api';
import { mongoUriFor } from '../support/services';
import { startStack, type TestStack } from '../support/stack';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

interface RecordItem {
  id: string;
  at: string;
  actor: { sub: string; role: string; department?: string };
  view: string;
  caseIds: string[];
  purpose?: string;
  via?: string;
  prevHash: string;
  hash: string;
}

describe('Access records: every staff read of a case is recorded, listed and chained', () => {
  let stack: TestStack;
  let t: Tokens;
  let auditor: string;
  let caseId: string;

  before(async () => {
    stack = await startStack('access_records');
    t = await tokens(stack);
    auditor = await bearer(stack, { sub: 'auditor-1', role: 'auditor' });
    caseId = await submitCase(stack, t.applicant, townBody());
    await waitForCase(stack, caseId, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting a decision');
  });
  after(async () => {
    await stack.close();
  });

  const recordsOf = async (query: string, auth = auditor): Promise<{ items: RecordItem[]; nextCursor?: string }> =>
    (await request(stack.app).get(`/api/v1/access-records?${query}`).set('authorization', auth).expect(200)).body;

  it('when a police officer views a case with a purpose, then an access record names them, their department, the case, the view and the purpose', async () => {
    // Act
    await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', t.police)
      .set('x-access-purpose', encodeURIComponent('核查身份信息'))
      .expect(200);

    // Assert
    const { items } = await recordsOf(`caseId=${caseId}`);
    const mine = items.find((r) => r.view === 'officer_case' && r.actor.sub === 'officer-police');
    assert.ok(mine, `an officer_case record: ${JSON.stringify(items)}`);
    assert.deepEqual(mine.actor, { sub: 'officer-police', role: 'officer', department: 'police' });
    assert.deepEqual(mine.caseIds, [caseId]);
    assert.equal(mine.purpose, '核查身份信息');
    assert.equal(mine.via, 'api');
    assert.match(mine.hash, /^[0-9a-f]{64}$/);
    assert.ok(Math.abs(Date.parse(mine.at) - Date.now()) < 60_000);

    // An auditor with only the 受理编号 a complaint quotes finds the same records.
    const { caseNumber } = await waitForCase(stack, caseId, () => true, 'the case in the read model');
    const byNumber = await recordsOf(`caseNumber=${caseNumber.toLowerCase()}`);
    assert.deepEqual(
      byNumber.items.map((r) => r.id),
      items.map((r) => r.id),
    );
    const none = await request(stack.app).get('/api/v1/access-records?caseNumber=HK-1999-999999').set('authorization', auditor);
    assertProblem(none, 404);
    const both = await request(stack.app)
      .get(`/api/v1/access-records?caseNumber=${caseNumber}&caseId=${caseId}`)
      .set('authorization', auditor);
    assertProblem(both, 400);
    const notANumber = await request(stack.app).get('/api/v1/access-records?caseNumber=nope').set('authorization', auditor);
    assertProblem(notANumber, 400);
  });

  it('when an officer claims and releases a step, then each answer (the step with its findings) is recorded as a read of the case', async () => {
    // Arrange
    const policeReads = async () =>
      (await recordsOf(`caseId=${caseId}&limit=100`)).items.filter(
        (r) => r.view === 'officer_case' && r.actor.sub === 'officer-police',
      );
    const before = (await policeReads()).length;

    // Act
    for (const kind of ['claim', 'release']) {
      const res = await request(stack.app)
        .post(`/api/v1/officer/cases/${caseId}/steps/police/${kind}`)
        .set('authorization', t.police)
        .send({});
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.step.check, 'the answer shows the findings');
    }

    // Assert
    const after = await policeReads();
    assert.equal(after.length, before + 2, JSON.stringify(after));
  });

  it('when a supervisor acts on a step, then the answer (the step with its findings) is recorded as a read of the case, and so is the same request again', async () => {
    // Arrange
    const supervisorReads = async () =>
      (await recordsOf(`caseId=${caseId}&limit=100`)).items.filter(
        (r) => r.view === 'supervisor_case' && r.actor.sub === 'supervisor-1',
      );
    const before = (await supervisorReads()).length;
    const key = `extend-${Math.random().toString(36).slice(2)}`;

    // Act: one action, sent twice (a client retrying with its Idempotency-Key).
    for (let i = 0; i < 2; i++) {
      const res = await request(stack.app)
        .post(`/api/v1/supervisor/cases/${caseId}/steps/police/actions`)
        .set('authorization', t.supervisor)
        .set('idempotency-key', key)
        .set('x-access-purpose', 'deadline review')
        .send({ action: 'extend_deadline', extendByMs: 3_600_000, note: 'lookup slow' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.step.check, 'the answer shows the findings');
    }

    // Assert
    const after = await supervisorReads();
    assert.equal(after.length, before + 2, JSON.stringify(after));
    assert.equal(after[0]?.purpose, 'deadline review');
  });

  it('when a purpose arrives as raw UTF-8 bytes (as curl sends it), then the record keeps it readable; bytes that are no UTF-8 are refused', async () => {
    // Act: Node writes a header's characters as single bytes, so these go out as UTF-8 on the wire.
    const raw = Buffer.from('向市政府报送 50%', 'utf8').toString('latin1');
    await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', t.police)
      .set('x-access-purpose', raw)
      .expect(200);
    // Plain text with a percent sign is the text, not a broken escape.
    await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', t.police)
      .set('x-access-purpose', 'audit 50%')
      .expect(200);
    const garbled = await request(stack.app)
      .get(`/api/v1/officer/cases/${caseId}`)
      .set('authorization', t.police)
      .set('x-access-purpose', '\xff\xfe');

    // Assert
    const { items } = await recordsOf(`caseId=${caseId}&limit=100`);
    for (const purpose of ['向市政府报送 50%', 'audit 50%'])
      assert.ok(
        items.some((r) => r.purpose === purpose),
        items.map((r) => r.purpose).join(' | '),
      );
    assertProblem(garbled, 400);
    assert.deepEqual(
      garbled.body.invalidParams.map((p: { path: string }) => p.path),
      ['/headers/x-access-purpose'],
    );
  });

  it('when a purpose is longer than the record keeps, then it is refused with the limit, not cut short without a word', async () => {
    const purposeOf = (n: number) =>
      request(stack.app)
        .get(`/api/v1/officer/cases/${caseId}`)
        .set('authorization', t.police)
        .set('x-access-purpose', encodeURIComponent('核'.repeat(n)));
    const long = await purposeOf(201);
    assertProblem(long, 400);
    assert.deepEqual(long.body.invalidParams, [{ path: '/headers/x-access-purpose', message: 'at most 200 characters' }]);
    assert.equal((await purposeOf(200)).status, 200);
  });

  it('when the officer reads the inbox and a supervisor the case, its trail and notices, then each is recorded; the inbox record names the cases it showed', async () => {
    // Act
    await request(stack.app).get('/api/v1/officer/inbox?limit=100').set('authorization', t.police).expect(200);
    for (const path of ['', '/audit', '/notices'])
      await request(stack.app).get(`/api/v1/supervisor/cases/${caseId}${path}`).set('authorization', t.supervisor).expect(200);
    await request(stack.app).get(`/api/v1/cases/${caseId}/timeline`).set('authorization', t.supervisor).expect(200);

    // Assert
    const { items } = await recordsOf(`caseId=${caseId}&limit=100`, t.supervisor);
    const views = new Set(items.map((r) => `${r.actor.role}:${r.view}`));
    for (const v of [
      'officer:officer_inbox',
      'supervisor:supervisor_case',
      'supervisor:audit_trail',
      'supervisor:notices',
      'supervisor:timeline',
    ])
      assert.ok(views.has(v), `${v} recorded: ${[...views].join(', ')}`);
    const inbox = items.find((r) => r.view === 'officer_inbox')!;
    assert.ok(inbox.caseIds.includes(caseId));
  });

  it('when the audit trail is exported without a purpose, then it is refused naming the header; with one, an audit_csv record keeps it', async () => {
    // Act
    const refused = await request(stack.app)
      .get(`/api/v1/supervisor/cases/${caseId}/audit.csv`)
      .set('authorization', t.supervisor);
    await request(stack.app)
      .get(`/api/v1/supervisor/cases/${caseId}/audit.csv`)
      .set('authorization', t.supervisor)
      .set('x-access-purpose', 'reconsideration file 2026-17')
      .expect(200);

    // Assert
    assertProblem(refused, 400);
    assert.deepEqual(
      refused.body.invalidParams.map((p: { path: string }) => p.path),
      ['/headers/x-access-purpose'],
    );
    const { items } = await recordsOf(`caseId=${caseId}`);
    const exports = items.filter((r) => r.view === 'audit_csv');
    assert.equal(exports.length, 1, 'the refused export left no record');
    assert.equal(exports[0]!.purpose, 'reconsideration file 2026-17');
  });

  it('when records are listed per user, then only that person’s, newest first, a page at a time; officers may not list them', async () => {
    // Act
    const first = await recordsOf('userId=supervisor-1&limit=2');
    const second = await recordsOf(`userId=supervisor-1&limit=2&cursor=${first.nextCursor}`);
    const officer = await request(stack.app).get(`/api/v1/access-records?caseId=${caseId}`).set('authorization', t.police);
    const neither = await request(stack.app).get('/api/v1/access-records').set('authorization', auditor);

    // Assert
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor);
    assert.ok(second.items.length >= 1);
    const all = [...first.items, ...second.items];
    assert.ok(all.every((r) => r.actor.sub === 'supervisor-1'));
    assert.equal(new Set(all.map((r) => r.id)).size, all.length, 'no record twice across pages');
    const ids = all.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort().reverse(), 'newest first');
    assertProblem(officer, 403);
    assertProblem(neither, 400);
  });

  it('when many views are recorded at once, then the day’s chain stays linear: consecutive seqs, each carrying the previous hash, and it verifies', async () => {
    // Act
    const actor = {
      sub: 'officer-housing',
      role: 'officer' as const,
      department: 'housing' as const,
      scope: { kind: 'city' as const },
    };
    await Promise.all(
      Array.from({ length: 25 }, () =>
        recordAccess(stack, { actor, view: 'officer_case', caseIds: [caseId], access: { via: 'api' } }),
      ),
    );

    // Assert
    const report = await verifyAccessChain(stack.mongo);
    assert.equal(report.ok, true, JSON.stringify(report.broken));
    const docs = await accessRecordModel(stack.mongo).find({}).sort({ _id: 1 }).lean();
    assert.equal(report.records, docs.length);
    for (const day of report.days) {
      const ofDay = docs.filter((d) => d.day === day);
      assert.deepEqual(
        ofDay.map((d) => d.seq),
        ofDay.map((_d, i) => i + 1),
      );
    }
  });

  it('when two API processes append at once, each also in a crowd, then the chain stays linear and verifies', async () => {
    // Arrange: a second connection to the same database is a second process's appender.
    const other = await connectMongo({ uri: mongoUriFor(stack.mongo.name), serverSelectionTimeoutMS: 5000 });
    const actor = { sub: 'supervisor-crowd', role: 'supervisor' as const, scope: { kind: 'city' as const } };
    try {
      // Act: both processes' ends go stale in turns, so each must follow the other's records.
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          [stack.mongo, other, stack.mongo, other].flatMap((mongo) =>
            Array.from({ length: 6 }, () => recordAccess({ mongo }, { actor, view: 'supervisor_case', caseIds: [caseId] })),
          ),
        );
      }

      // Assert
      const report = await verifyAccessChain(stack.mongo);
      assert.equal(report.ok, true, JSON.stringify(report.broken));
      const mine = await accessRecordModel(stack.mongo).countDocuments({ 'actor.sub': 'supervisor-crowd' });
      assert.equal(mine, 72, 'every append is one record');
    } finally {
      await other.close();
    }
  });

  it('when a process appends again after its last record, then the append is one insert (no read of the day)', async () => {
    // Arrange: a connection of its own, whose first append has read the tail once.
    const own = await createConnection(mongoUriFor(stack.mongo.name), { monitorCommands: true }).asPromise();
    const actor = { sub: 'auditor-1', role: 'auditor' as const };
    const commands: string[] = [];
    try {
      await recordAccess({ mongo: own }, { actor, view: 'audit_trail', caseIds: [caseId] });
      // mongoose builds the model's indexes on a new connection in the background (autoIndex);
      // on a loaded machine its createIndexes can come after the first append: not the append's.
      await accessRecordModel(own).init();
      own.getClient().on('commandStarted', (e) => commands.push(`${e.commandName} ${String(e.command[e.commandName])}`));

      // Act
      const doc = await recordAccess({ mongo: own }, { actor, view: 'audit_trail', caseIds: [caseId] });

      // Assert
      assert.deepEqual(commands, ['insert access_records']);
      assert.equal((await verifyAccessChain(stack.mongo, { day: doc.day })).ok, true);
    } finally {
      await own.close();
    }
  });

  it('when one record is altered in the raw collection, then verification fails naming it, and so does npm run verify:access-records', async () => {
    // Arrange
    const env = { ...process.env, MONGODB_URI: mongoUriFor(stack.mongo.name), NODE_ENV: 'test' };
    const script = ['--import', 'tsx', join(ROOT, 'scripts/verify-access-records.ts')];
    const good = await run(process.execPath, script, { cwd: ROOT, env });
    assert.match(good.stdout, /records on \d+ day\(s\) verified/);
    const docs = await accessRecordModel(stack.mongo).find({}).sort({ _id: 1 }).lean();
    const victim = docs[Math.floor(docs.length / 2)]!;

    // Act: someone changes who looked, straight in the database.
    await stack.mongo
      .collection('access_records')
      .updateOne({ _id: victim._id as never }, { $set: { 'actor.sub': 'someone-else' } });
    const report = await verifyAccessChain(stack.mongo, { day: victim.day });
    const bad = await run(process.execPath, [...script, '--day', victim.day], { cwd: ROOT, env }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );

    // Assert
    assert.equal(report.ok, false);
    assert.equal(report.broken?.id, victim._id);
    assert.match(report.broken!.reason, /altered/);
    assert.ok(bad, 'the script exits non-zero');
    assert.equal(bad.code, 1);
    assert.ok(bad.stderr.includes(victim._id), bad.stderr);
  });
});
