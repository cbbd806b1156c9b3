/**
 * Retention (issue 15 part 5; README "Retention"): a case that ended is anonymised by the sweep
 * once its period has passed (the sweep run "in the future" with `asOf`), in every collection
 * that held a part of it, while the dashboard's figures stay; expired access-record days go and
 * what remains still verifies; the run leaves a record supervisors and auditors can read; the
 * nightly Schedule exists with its spec, and a run it starts finishes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { Request, Response } from 'express';
import { trusted } from 'mongoose';
import request from 'supertest';
import { recordAccess } from '../../app/access-records/record-access';
import { verifyAccessChain } from '../../app/access-records/verify';
import { seedDashboardCases } from '../../bench/lib/dashboard-seed';
import { ANONYMISED, shanghaiMonth } from '../../domain/retention';
import { shanghaiDay } from '../../domain/shanghai-clock';
import { familyRefusalId, familyRefusalModel } from '../../models/family-refusal.model';
import { openDeep } from '../../models/sealed-fields.plugin';
import { createLogger } from '../../config/logger';
import { applyHistoryRetention, DAY_MS } from '../../temporal/namespace-retention';
import { ensureRetentionSchedule } from '../../temporal/retention-schedule';
import type { PageKit } from '../../web/pages/page';
import { supervisorCasePage } from '../../web/pages/supervisor/case';
import { loadViews } from '../../web/render';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { retentionScheduleId, type RetentionSweepResult } from '../../workflows/retention/messages';
import { settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { applicationBody, bearer, decideViaApi, submitCase, tokens, waitForStatus, type Tokens } from '../support/api';
import { eventually, startStack, type TestStack } from '../support/stack';

const PHONE = '13612345678';
const EMAIL = 'retention.person@example.cn';
const YEAR_MS = 365.25 * 24 * 3_600_000;

interface RunItem {
  id: string;
  status: string;
  periods: Record<string, number>;
  counts: Record<string, number>;
  anonymised: { case_file_settled: string[]; case_file_ended: string[] };
  accessRecordDays: Array<{ day: string; records: number; lastHash: string; verified: boolean }>;
}

describe('retention (issue 15 part 5)', () => {
  let stack: TestStack;
  let t: Tokens;
  let auditor: string;
  let caseId: string;
  let dashboardBefore: unknown;
  const oldDay = '2006-05-10';
  before(async () => {
    // Access records kept ~13.7 years: a sweep 11 years ahead keeps today's, and drops a day of 2006.
    stack = await startStack('retention', { env: { RETENTION_ACCESS_RECORD_DAYS: '5000' } });
    t = await tokens(stack);
    auditor = await bearer(stack, { sub: 'auditor-1', role: 'auditor' });
  });
  after(async () => {
    await stack.client.schedule
      .getHandle(retentionScheduleId(stack.taskQueue))
      .delete()
      .catch(() => undefined);
    await stack?.close();
  });

  /** The supervisor's case page as its handler renders it (the pages' sign-in needs a browser; the page does not). */
  const supervisorPage = async (id: string): Promise<{ status: number; html: string }> => {
    const out = { status: 200, html: '' };
    const kit: PageKit = {
      views: loadViews(),
      sessionIdleMs: 30 * 60_000,
      csrfToken: () => 'token',
      signInConfigured: true,
      provisionalCalendarYears: () => [],
      flashSecret: 'test-flash-secret',
    };
    const actor = { sub: 'supervisor-1', role: 'supervisor' as const };
    const req = {
      actor,
      params: { caseId: id },
      query: {},
      locale: 'zh-CN',
      id: 'retention-page',
      path: `/supervisor/cases/${id}`,
      originalUrl: `/supervisor/cases/${id}`,
      session: { user: { name: '督办员', actor } },
    } as unknown as Request;
    const res = {
      locals: { pageKit: kit },
      status: (n: number) => ((out.status = n), res),
      type: () => res,
      send: (body: string) => (out.html = body),
    } as unknown as Response;
    await supervisorCasePage(
      {
        config: stack.config,
        logger: createLogger({ level: 'silent', name: 'retention-page' }),
        temporal: stack.client,
        mongo: stack.mongo,
      },
      req,
      res,
    );
    return out;
  };

  const sweep = (asOf?: string): Promise<RetentionSweepResult> =>
    stack.client.workflow.execute('retentionSweep', {
      taskQueue: stack.taskQueue,
      workflowId: `retention-test-${randomUUID()}`,
      args: [asOf ? { asOf } : {}],
    });

  it('when a rejected case has passed its period, then the sweep anonymises its file everywhere and the dashboard counts it as before', async () => {
    // Arrange: a case the police reject, viewed by an officer (an access record today) …
    const person = DEMO_PEOPLE.criminal;
    caseId = await submitCase(
      stack,
      t.applicant,
      applicationBody(person, { contact: { phone: PHONE, email: EMAIL, locale: 'zh-CN' } }),
      'retention-key-0001',
    );
    // A supplement round and a note, so that free texts naming the person are in the file too.
    await decideViaApi(stack, t.police, caseId, 'police', {
      decision: 'request_supplement',
      missing: [`${person.name}的无犯罪记录证明`],
      internalNote: `${person.name} called about the record`,
    });
    await waitForStatus(stack, caseId, 'supplement_requested');
    await request(stack.app)
      .post(`/api/v1/applicant/cases/${caseId}/supplements`)
      .set('authorization', t.applicant)
      .send({ department: 'police', items: [{ name: `${person.name}的无犯罪记录证明`, reference: `${person.name}的情况说明` }] })
      .expect(200);
    await decideViaApi(stack, t.police, caseId, 'police', {
      decision: 'reject',
      reasonCode: 'criminal_record',
      reasonText: `${person.name}有刑事犯罪记录`,
    });
    await waitForStatus(stack, caseId, 'rejected', 60_000);
    await eventually(
      async () =>
        (await stack.client.workflow.getHandle(settlementCaseWorkflowId(caseId)).describe()).status.name !== 'RUNNING'
          ? true
          : undefined,
      'the case workflow closed',
    );
    await request(stack.app).get(`/api/v1/officer/cases/${caseId}`).set('authorization', t.police).expect(200);
    // … and a day of access records long past (appended by the app's own code, at that date).
    for (const hour of ['09', '10']) {
      await recordAccess(
        { mongo: stack.mongo },
        {
          actor: { role: 'supervisor', sub: 'supervisor-old', scope: {} } as never,
          view: 'supervisor_case',
          caseIds: [caseId],
          now: new Date(`${oldDay}T${hour}:00:00+08:00`),
        },
      );
    }
    // The figures, without the instant they were read at.
    const dashboard = async () => {
      const res = await request(stack.app).get('/api/v1/supervisor/dashboard').set('authorization', t.supervisor).expect(200);
      const { asOf: _readAt, ...figures } = res.body as Record<string, unknown>;
      return figures;
    };
    dashboardBefore = await dashboard();

    const opened = JSON.stringify(openDeep(await stack.mongo.db!.collection('cases').findOne({ _id: caseId as never })));
    assert.ok(opened.includes(person.name) && opened.includes(PHONE), 'before: the raw case file opens to the person');

    // Act: the sweep, eleven years on (a rejected case's file is kept ten).
    const asOf = new Date(Date.now() + 11 * YEAR_MS).toISOString();
    // Idempotency-Key fingerprints: one used the day before the run, one 40 days before.
    const fingerprints = stack.mongo.db!.collection<{ _id: string; requestHash: string; createdAt: Date; day: string }>(
      'request_fingerprints',
    );
    const daysBefore = (n: number) => new Date(Date.parse(asOf) - n * 86_400_000);
    await fingerprints.insertMany([
      { _id: 'fp-recent', requestHash: 'h', createdAt: daysBefore(1), day: shanghaiDay(daysBefore(1).toISOString()) },
      { _id: 'fp-old', requestHash: 'h', createdAt: daysBefore(40), day: shanghaiDay(daysBefore(40).toISOString()) },
    ]);
    // The day's bound on refusals naming family members (§8): the run's own day, and the day before.
    const refusals = familyRefusalModel(stack.mongo);
    const today = shanghaiDay(asOf);
    const yesterday = shanghaiDay(daysBefore(1).toISOString());
    await refusals.insertMany([
      { _id: familyRefusalId('someone', today), day: today, count: 3 },
      { _id: familyRefusalId('someone', yesterday), day: yesterday, count: 10 },
    ]);
    // Idempotency records left pending by a submission that never finished: one an hour before the
    // run (a retry may still take it over), one two days before (abandoned); and a finished one of
    // a case that is kept.
    const keys = stack.mongo.db!.collection<{ _id: string; requestHash: string; state: string; createdAt: Date }>(
      'idempotency_keys',
    );
    await keys.insertMany([
      { _id: 'someone:key-recent', requestHash: 'h', state: 'pending', createdAt: new Date(Date.parse(asOf) - 3_600_000) },
      { _id: 'someone:key-abandoned', requestHash: 'h', state: 'pending', createdAt: daysBefore(2) },
      { _id: 'someone:key-done', requestHash: 'h', state: 'done', createdAt: daysBefore(2) },
    ]);
    const result = await sweep(asOf);
    assert.deepEqual(
      (await keys.find({ _id: { $in: ['someone:key-recent', 'someone:key-abandoned', 'someone:key-done'] } }).toArray())
        .map((k) => k._id)
        .sort(),
      ['someone:key-done', 'someone:key-recent'],
      'a pending key a day old is abandoned; a finished one stays with its case',
    );
    assert.deepEqual(
      (await fingerprints.find({ _id: { $in: ['fp-recent', 'fp-old'] } }).toArray()).map((f) => f._id),
      ['fp-recent'],
      'a key is remembered 30 days',
    );
    assert.deepEqual(
      (
        await refusals
          .find({ _id: trusted({ $in: [familyRefusalId('someone', today), familyRefusalId('someone', yesterday)] }) })
          .lean()
      ).map((r) => r.day),
      [today],
      'a day’s count of refusals is kept that day only',
    );

    // Assert: what the run did …
    assert.equal(result.anonymised.case_file_ended, 1);
    assert.equal(result.anonymised.case_file_settled, 0);
    assert.equal(result.accessRecordDays, 1);
    assert.equal(result.accessRecords, 2);
    // … no raw collection holds anything of that person once its sealed values are opened …
    const secrets = [
      person.idNumber,
      person.name,
      ...Object.values(person.family).flatMap((m) => [m.idNumber, m.name]),
      PHONE,
      EMAIL,
      'applicant-a',
      'upload:retention-1',
    ];
    const db = stack.mongo.db!;
    let documents = 0;
    for (const { name } of await db.listCollections().toArray()) {
      for (const raw of await db.collection(name).find({}).toArray()) {
        documents += 1;
        const text = JSON.stringify(openDeep(raw));
        for (const s of secrets) assert.ok(!text.includes(s), `${name} still holds ${s}: ${text.slice(0, 300)}`);
      }
    }
    assert.ok(documents > 10, `${documents} documents read`);
    assert.equal(await db.collection('open_case_locks').countDocuments({ caseId }), 0, 'its open-case locks are gone');
    const notice = await db.collection('notices').findOne({ caseId });
    assert.ok(notice?.status && notice.channel && notice.event, 'a notice keeps its kind, channel and status');
    // … the dashboard figures are the same …
    assert.deepEqual(await dashboard(), dashboardBefore);
    // … and the pages of the case still answer, saying it was anonymised.
    const view = await request(stack.app)
      .get(`/api/v1/supervisor/cases/${caseId}`)
      .set('authorization', t.supervisor)
      .expect(200);
    assert.ok(view.body.anonymisedAt, 'the view says when it was anonymised');
    assert.equal(view.body.status, 'rejected');
    assert.deepEqual((view.body.persons as Array<{ name: string; idNumber: string }>).map((p) => [p.name, p.idNumber])[0], [
      ANONYMISED,
      ANONYMISED,
    ]);
    await request(stack.app).get(`/api/v1/officer/cases/${caseId}`).set('authorization', t.police).expect(200);
    const page = await supervisorPage(caseId);
    assert.equal(page.status, 200);
    assert.match(page.html, /案卷已过保管期限，个人信息已匿名化/);
    assert.ok(!page.html.includes(person.name), 'the page shows no name');
    await request(stack.app).get(`/api/v1/supervisor/cases/${caseId}/audit`).set('authorization', t.supervisor).expect(200);
    await request(stack.app).get(`/api/v1/supervisor/cases/${caseId}/notices`).set('authorization', t.supervisor).expect(200);
  });

  it('when the sweep has run, then expired access-record days are gone, the rest verifies, and the run record lists what it did', async () => {
    // Assert: the old day is gone, today's remain and verify.
    const records = stack.mongo.db!.collection('access_records');
    assert.equal(await records.countDocuments({ day: oldDay }), 0);
    assert.ok((await records.countDocuments({ day: shanghaiDay(new Date().toISOString()) })) > 0, "today's records stay");
    const report = await verifyAccessChain(stack.mongo);
    assert.equal(report.ok, true, JSON.stringify(report.broken));

    // Act: the runs, as an auditor reads them.
    const res = await request(stack.app).get('/api/v1/retention-runs').set('authorization', auditor).expect(200);
    const run = (res.body.items as RunItem[])[0]!;
    assert.equal(run.status, 'finished');
    assert.deepEqual(run.anonymised, { case_file_settled: [], case_file_ended: [caseId] });
    assert.equal(run.periods.caseFileEndedYears, 10);
    assert.equal(run.periods.accessRecordDays, 5000);
    assert.equal(run.accessRecordDays.length, 1);
    assert.equal(run.accessRecordDays[0]!.day, oldDay);
    assert.equal(run.accessRecordDays[0]!.records, 2);
    assert.equal(run.accessRecordDays[0]!.verified, true);
    assert.match(run.accessRecordDays[0]!.lastHash, /^[0-9a-f]{64}$/);
    await request(stack.app).get('/api/v1/retention-runs').set('authorization', t.police).expect(403);
  });

  it('when the sweep runs again, then it finds nothing left to do (idempotent)', async () => {
    const again = await sweep(new Date(Date.now() + 11 * YEAR_MS).toISOString());
    assert.deepEqual(again.anonymised, { case_file_settled: 0, case_file_ended: 0 });
    assert.equal(again.accessRecordDays, 0);
  });

  it('when a worker makes the Schedule, then it runs nightly in Beijing time without overlap, a second call makes none, and a triggered run finishes', async () => {
    // Act
    const first = await ensureRetentionSchedule(stack.client, stack.config);
    const second = await ensureRetentionSchedule(stack.client, stack.config);

    // Assert
    assert.deepEqual([first.created, second.created], [true, false]);
    const handle = stack.client.schedule.getHandle(retentionScheduleId(stack.taskQueue));
    const described = await handle.describe();
    assert.equal(described.spec.timezone, 'Asia/Shanghai');
    const calendar = described.spec.calendars?.[0];
    assert.deepEqual([calendar?.hour, calendar?.minute], [[{ start: 2, end: 2, step: 1 }], [{ start: 30, end: 30, step: 1 }]]);
    assert.equal(described.policies.overlap, ScheduleOverlapPolicy.SKIP);
    assert.equal(described.action.type, 'startWorkflow');

    // A run started by the Schedule measures from now: eight cases that ended 31 years ago (an
    // archive, seeded like the dashboard's) have passed every period; today's case has not.
    const longAgo = new Date(Date.now() - 31 * YEAR_MS);
    const archive = await seedDashboardCases(stack.mongo, {
      from: 0,
      to: 8,
      now: longAgo,
      daysAgo: () => 0,
      ended: true,
      keep: true,
    });
    const before = (await request(stack.app).get('/api/v1/retention-runs').set('authorization', auditor)).body.items.length;
    await handle.trigger();
    const runs = await eventually(
      async () => {
        const res = await request(stack.app).get('/api/v1/retention-runs').set('authorization', auditor);
        const items = res.body.items as RunItem[];
        return items.length > before && items[0]!.status === 'finished' ? items : undefined;
      },
      'the scheduled run finished',
      120_000,
    );
    assert.ok(runs[0]!.id.startsWith(`${retentionScheduleId(stack.taskQueue)}-run`), runs[0]!.id);
    assert.deepEqual(runs[0]!.counts, { case_file_settled: 4, case_file_ended: 4, accessRecordDays: 0, accessRecords: 0 });
    assert.deepEqual(
      [...runs[0]!.anonymised.case_file_settled, ...runs[0]!.anonymised.case_file_ended].sort(),
      archive.map((c) => c.caseId).sort(),
    );
    // The bookmarks: every month before each cut-off's has nothing left, so later nights start there.
    const states = await stack.mongo.db!.collection('retention_state').find({}).toArray();
    const month = (years: number) => shanghaiMonth(new Date(Date.now() - years * YEAR_MS).toISOString());
    const monthBefore = (m: string) => {
      const [y, mo] = m.split('-').map(Number) as [number, number];
      return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
    };
    assert.deepEqual(Object.fromEntries(states.map((d) => [String(d._id), d.sweptThrough])), {
      case_file_settled: monthBefore(month(30)),
      case_file_ended: monthBefore(month(10)),
    });
  });

  it('when the history retention is applied to a namespace, then Temporal keeps closed histories that many days', async () => {
    // Arrange: the test namespace's retention as it is, put back afterwards (other files share it).
    const conn = stack.client.connection;
    const namespace = stack.config.TEMPORAL_NAMESPACE;
    const had = await applyHistoryRetention(conn, namespace, 7);
    try {
      // Act, Assert
      const described = await conn.workflowService.describeNamespace({ namespace });
      assert.equal(tsToMs(described.config?.workflowExecutionRetentionTtl) / DAY_MS, 7);
      assert.equal(await applyHistoryRetention(conn, namespace, 7), 7, 'a second call finds it set');
    } finally {
      await applyHistoryRetention(conn, namespace, had);
    }
  });
});
