/**
 * Every activity the settlement workflow calls, run on its own in Temporal's
 * `MockActivityEnvironment` against the run's real FerretDB (and, for the department lookups,
 * the department systems simulator over real HTTP). These prove what the workflow relies on:
 * each write is idempotent under retry, business refusals are non-retryable
 * `ApplicationFailure`s, capacity is never over-committed, and no notice carries a full ID number.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { trusted, type Connection } from 'mongoose';
import { createActivities, type Activities } from '../../activities';
import {
  createDepartmentSystemsClient,
  DepartmentSystemUnavailableError,
} from '../../activities/adapters/department-systems.client';
import { DEVELOPMENT_SIMULATOR_API_KEY } from '../../config/config';
import type { NoticeRequest } from '../../domain/notice-request';
import { createRegistersClient } from '../../activities/adapters/registers.client';
import { createNoticeRenderer } from '../../activities/notifications/renderer';
import type { AuditEntry } from '../../domain/audit';
import type { CaseDeltaTransition } from '../../activities/case-record.activities';
import { caseParts, deltaBetween, READ_MODEL_BEHIND } from '../../domain/case-delta';
import type { CaseState } from '../../domain/case-state';
import { readModelFields } from '../../domain/case-summary';
import { maskIdNumber } from '../../domain/masking';
import { HOUSEHOLD_TYPE, type Application, type District, type Town } from '../../domain/vocabulary';
import { auditEventModel } from '../../models/audit-event.model';
import { caseFactModel, writeCaseFacts } from '../../models/case-fact.model';
import { backfillOpenFlag, caseModel } from '../../models/case.model';
import { markMigrationDone, migrationDone } from '../../models/migrations';
import { connectMongo } from '../../models/connection';
import { noticeModel } from '../../models/notice.model';
import { registrationModel } from '../../models/registration.model';
import { socialInsuranceTransferModel } from '../../models/social-insurance-transfer.model';
import { createSimulatorApp } from '../../tools/simulator/app';
import { DEMO_PEOPLE, toPerson, type DemoPersona } from '../../tools/simulator/demo-people';
import { seedDepartmentSystems } from '../../tools/simulator/seed';
import * as notices from '../../workflows/settlement-case/notices';
import { mongoUriFor } from '../support/services';

/** An 18-character citizen ID number anywhere in a text (what must never reach a notice). */
const FULL_ID_NUMBER = /\d{17}[\dXx]/;

const silentLogger = new DefaultLogger('ERROR', () => undefined);
/** A fresh environment per call: a cancelled one stays cancelled for every later run. */
const mockEnv = (): MockActivityEnvironment => new MockActivityEnvironment(undefined, { logger: silentLogger });

/** Runs one activity in `env` (a fresh MockActivityEnvironment by default), typed by the activity. */
function inEnv<A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return env.run<A, R, typeof fn>(fn, ...args);
}
const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => inEnv(mockEnv(), fn, ...args);

function applicationOf(persona: DemoPersona): Application {
  const t = persona.target;
  return {
    route: t.route,
    ...(t.district ? { district: t.district as District } : {}),
    ...(t.town ? { town: t.town as Town } : {}),
    applicant: toPerson(persona),
    family: persona.family.map(toPerson),
    contact: { phone: '13800138000', email: 'applicant@example.cn', locale: 'zh-CN' },
  };
}

let caseCounter = 0;

function caseStateOf(persona: DemoPersona, status: CaseState['status'] = 'under_review'): CaseState {
  const at = new Date().toISOString();
  caseCounter += 1;
  return {
    caseId: randomUUID(),
    // Case numbers are unique in the read model.
    caseNumber: `HK-2026-${String(caseCounter).padStart(6, '0')}`,
    applicantUserId: 'user-1',
    application: applicationOf(persona),
    status,
    submittedAt: at,
    lastProgressAt: at,
    policyVersion: persona.target.route === 'points' ? 'xian-2016-v1' : undefined,
    collectiveHousehold: false,
    steps: {
      police: { department: 'police', status: 'checking', overdue: false, checkFailures: 0, internalNotes: [] },
      housing: { department: 'housing', status: 'checking', overdue: false, checkFailures: 0, internalNotes: [] },
    },
    reservations: [],
    failingCompensations: [],
  };
}

const auditLine = (type: AuditEntry['type'], what: string): AuditEntry => ({
  type,
  at: new Date().toISOString(),
  actor: { id: 'system', role: 'system' },
  what,
});

/** Asserts an ApplicationFailure of the given type that Temporal will not retry. */
function nonRetryable(type: string) {
  return (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
    assert.equal(err.type, type);
    assert.equal(err.nonRetryable, true);
    return true;
  };
}

describe('activities in MockActivityEnvironment (real FerretDB, simulator over HTTP)', () => {
  let mongo: Connection;
  let simMongo: Connection;
  let simServer: Server;
  let simulatorUrl: string;
  let acts: Activities;

  before(async () => {
    const suffix = randomUUID().slice(0, 8);
    [mongo, simMongo] = await Promise.all([
      connectMongo({ uri: mongoUriFor(`test_activities_${suffix}`), serverSelectionTimeoutMS: 5000 }),
      connectMongo({ uri: mongoUriFor(`test_activities_sim_${suffix}`), serverSelectionTimeoutMS: 5000 }),
    ]);
    await seedDepartmentSystems(simMongo);
    simServer = createServer(
      createSimulatorApp({ conn: simMongo, apiKeys: [DEVELOPMENT_SIMULATOR_API_KEY], faultInjection: true }),
    );
    await new Promise<void>((resolve) => simServer.listen(0, '127.0.0.1', resolve));
    simulatorUrl = `http://127.0.0.1:${(simServer.address() as AddressInfo).port}`;
    acts = createActivities({
      mongo,
      departmentSystems: createDepartmentSystemsClient({
        baseUrl: simulatorUrl,
        timeoutMs: 2000,
        apiKey: DEVELOPMENT_SIMULATOR_API_KEY,
      }),
      registers: createRegistersClient({ baseUrl: simulatorUrl, timeoutMs: 2000, apiKey: DEVELOPMENT_SIMULATOR_API_KEY }),
      renderer: createNoticeRenderer(),
    });
    // Unique indexes exist before a test races on them.
    await caseModel(mongo).init();
  });

  after(async () => {
    simServer?.closeAllConnections();
    await new Promise((resolve) => simServer?.close(resolve));
    await Promise.allSettled([mongo?.dropDatabase(), simMongo?.dropDatabase()]);
    await Promise.allSettled([mongo?.close(), simMongo?.close()]);
  });

  async function faults(body?: unknown): Promise<{ counters: Record<string, { abandoned: number }> }> {
    const res = await fetch(
      `${simulatorUrl}/__faults`,
      body === undefined
        ? { method: 'DELETE' }
        : { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    assert.equal(res.status, 200);
    return (await res.json()) as { counters: Record<string, { abandoned: number }> };
  }

  describe('recordCaseTransition', () => {
    it('when the same transition is delivered twice (a retry), then each audit line and each notice exists once', async () => {
      const state = caseStateOf(DEMO_PEOPLE.pointsHigh);
      const input = {
        seq: 1,
        state,
        audit: [auditLine('submitted', 'points application submitted'), auditLine('check_completed', 'police lookup completed')],
        notices: [notices.caseReceived(state, ['police', 'hrss', 'housing', 'education'])] as NoticeRequest[],
      };

      await run(acts.recordCaseTransition, input);
      await run(acts.recordCaseTransition, input);

      const audit = await auditEventModel(mongo).find({ caseId: state.caseId }).lean();
      const byType = audit.map((a) => a.type).sort();
      // Two transition lines plus one `notice` line per queued notice (sms + email).
      assert.deepEqual(byType, ['check_completed', 'notice', 'notice', 'submitted']);
      const queued = await noticeModel(mongo).find({ caseId: state.caseId }).lean();
      assert.deepEqual(queued.map((n) => `${n.event}:${n.channel}`).sort(), ['case_received:email', 'case_received:sms']);
      const view = await caseModel(mongo).findById(state.caseId).lean();
      assert.equal(view?.seq, 1);
      assert.equal(view?.status, 'under_review');
    });

    it('when a retry finds part of its transition written (a crash between records), then it adds the rest and leaves what was written as it is', async () => {
      // Arrange: an attempt that wrote everything, then lost one audit line and one notice, and
      // whose other notice has been sent since.
      const state = caseStateOf(DEMO_PEOPLE.townOwner);
      const input = {
        seq: 1,
        state,
        audit: [auditLine('submitted', 'town application submitted'), auditLine('check_completed', 'police lookup completed')],
        notices: [notices.caseReceived(state, ['police', 'hrss'])] as NoticeRequest[],
      };
      await run(acts.recordCaseTransition, input);
      const audit = auditEventModel(mongo);
      const queued = noticeModel(mongo);
      await audit.deleteOne({ _id: `${state.caseId}:1:1` });
      await queued.deleteOne({ caseId: state.caseId, channel: 'email' });
      await queued.updateOne({ caseId: state.caseId, channel: 'sms' }, { $set: { status: 'sent', attempts: 1 } });

      // Act
      await run(acts.recordCaseTransition, input);

      // Assert
      const lines = await audit.find({ caseId: state.caseId }).lean();
      assert.deepEqual(lines.map((a) => a.type).sort(), ['check_completed', 'notice', 'notice', 'submitted']);
      const byChannel = Object.fromEntries((await queued.find({ caseId: state.caseId }).lean()).map((n) => [n.channel, n]));
      assert.deepEqual(Object.keys(byChannel).sort(), ['email', 'sms']);
      assert.equal(byChannel.sms?.status, 'sent', 'the notice sent meanwhile is not queued again');
      assert.equal(byChannel.sms?.attempts, 1);
      assert.equal(byChannel.email?.status, 'queued', 'the lost notice is queued again');
    });

    it('when an older transition is retried after a newer one, then the projection keeps the newer state', async () => {
      const older = caseStateOf(DEMO_PEOPLE.townOwner);
      const newer: CaseState = { ...older, status: 'settled', lastProgressAt: new Date(Date.now() + 1000).toISOString() };

      await run(acts.recordCaseTransition, { seq: 1, state: older, audit: [], notices: [] });
      await run(acts.recordCaseTransition, { seq: 2, state: newer, audit: [], notices: [] });
      await run(acts.recordCaseTransition, { seq: 1, state: older, audit: [], notices: [] });

      const view = await caseModel(mongo).findById(older.caseId).lean();
      assert.equal(view?.seq, 2);
      assert.equal(view?.status, 'settled');
      assert.equal(await caseModel(mongo).countDocuments({ _id: older.caseId }), 1);
    });

    describe('as changes since the transition before (delta-transitions)', () => {
      /** Transition `seq` of `after` as its changes from `before` (transition `baseSeq`), as the workflow sends it. */
      const changesOf = (
        before: CaseState,
        after: CaseState,
        seq: number,
        baseSeq: number,
        extra: Partial<CaseDeltaTransition> = {},
      ) => ({
        caseId: after.caseId,
        seq,
        baseSeq,
        changes: deltaBetween(caseParts(before), caseParts(after)),
        fields: readModelFields(after),
        lastProgressAt: after.lastProgressAt,
        audit: [] as AuditEntry[],
        notices: [] as NoticeRequest[],
        ...extra,
      });
      const decidedBy = (state: CaseState, at: string): CaseState => ({
        ...state,
        lastProgressAt: at,
        steps: {
          ...state.steps,
          police: {
            ...state.steps.police!,
            status: 'approved',
            waitingSince: state.submittedAt,
            dueAt: new Date(Date.parse(state.submittedAt) + 86_400_000).toISOString(),
            decision: { kind: 'approve', by: 'officer-police', role: 'officer', at },
          },
        },
      });

      it('when the changes apply to the stored transition, then the projection is the whole new state with its filter fields, facts and notices', async () => {
        const first = caseStateOf(DEMO_PEOPLE.parentWithChildren);
        await run(acts.recordCaseTransition, { seq: 1, state: first, audit: [], notices: [] });
        const at = new Date(Date.parse(first.submittedAt) + 3_600_000).toISOString();
        const settled: CaseState = { ...decidedBy(first, at), status: 'settled' };
        const input = changesOf(first, settled, 2, 1, {
          audit: [auditLine('settled', 'settled')],
          notices: [notices.settled(settled, at)],
          contact: settled.application.contact,
        });
        assert.deepEqual(Object.keys(input.changes.steps), ['police'], 'only the changed step is sent');
        assert.equal(input.changes.set.application, undefined, 'the unchanged application is not sent');

        await run(acts.recordCaseTransition, input);

        const view = await caseModel(mongo).findById(first.caseId).lean();
        assert.equal(view?.seq, 2);
        assert.equal(view?.status, 'settled');
        assert.equal(view?.open, false);
        assert.deepEqual(view?.pendingDepartments, []);
        assert.equal(view?.lastProgressDate.toISOString(), at);
        assert.equal(view?.steps.police?.decision?.by, 'officer-police');
        assert.deepEqual(view?.steps.housing, first.steps.housing, 'an unchanged step stays as stored');
        assert.deepEqual(view?.application, first.application, 'the application stays as stored (sealed fields opened again)');
        const stored = await mongo.db!.collection('cases').findOne({ _id: first.caseId as never });
        assert.ok(!JSON.stringify(stored).includes(first.application.applicant.idNumber), 'personal fields stay sealed at rest');
        const queued = await noticeModel(mongo).find({ caseId: first.caseId }).lean();
        assert.deepEqual(queued.map((n) => `${n.event}:${n.channel}:${n.recipient.address}`).sort(), [
          'settled:email:applicant@example.cn',
          'settled:sms:13800138000',
        ]);
        const kinds = (await caseFactModel(mongo).find({ caseId: first.caseId }).lean()).map((f) => f.kind).sort();
        assert.deepEqual(kinds, ['decided', 'opened']);
      });

      it('when the same changes are delivered again, or after a newer transition, then nothing moves back', async () => {
        const first = caseStateOf(DEMO_PEOPLE.townOwner);
        const second = decidedBy(first, new Date(Date.parse(first.submittedAt) + 60_000).toISOString());
        const third: CaseState = {
          ...second,
          status: 'withdrawn',
          lastProgressAt: new Date(Date.parse(first.submittedAt) + 120_000).toISOString(),
        };
        await run(acts.recordCaseTransition, { seq: 1, state: first, audit: [], notices: [] });
        const toSecond = changesOf(first, second, 2, 1);

        await run(acts.recordCaseTransition, toSecond);
        await run(acts.recordCaseTransition, toSecond);
        assert.equal((await caseModel(mongo).findById(first.caseId).lean())?.seq, 2);
        await run(acts.recordCaseTransition, changesOf(second, third, 3, 2));
        await run(acts.recordCaseTransition, toSecond);

        const view = await caseModel(mongo).findById(first.caseId).lean();
        assert.equal(view?.seq, 3);
        assert.equal(view?.status, 'withdrawn');
      });

      it('when the read model does not hold the transition the changes build on, then the activity refuses them without retry', async () => {
        const first = caseStateOf(DEMO_PEOPLE.townOwner);
        const second = decidedBy(first, new Date(Date.parse(first.submittedAt) + 60_000).toISOString());
        const third: CaseState = { ...second, status: 'withdrawn' };
        await run(acts.recordCaseTransition, { seq: 1, state: first, audit: [], notices: [] });

        // Transition 2 never reached the read model (restored from an older backup, say).
        await assert.rejects(run(acts.recordCaseTransition, changesOf(second, third, 3, 2)), (err: unknown) => {
          assert.ok(err instanceof ApplicationFailure, String(err));
          assert.equal(err.type, READ_MODEL_BEHIND);
          assert.equal(err.nonRetryable, true);
          return true;
        });
        await caseModel(mongo).deleteOne({ _id: first.caseId });
        await assert.rejects(run(acts.recordCaseTransition, changesOf(second, third, 3, 2)), { type: READ_MODEL_BEHIND });
        assert.equal(await caseModel(mongo).countDocuments({ _id: first.caseId }), 0, 'nothing half-made is left');
      });
    });

    it('when a case ends, then its projection is no longer open (what supervisor audits filter on)', async () => {
      const state = caseStateOf(DEMO_PEOPLE.townOwner);
      await run(acts.recordCaseTransition, { seq: 1, state, audit: [], notices: [] });
      assert.equal((await caseModel(mongo).findById(state.caseId).lean())?.open, true);

      await run(acts.recordCaseTransition, { seq: 2, state: { ...state, status: 'withdrawn' }, audit: [], notices: [] });
      assert.equal((await caseModel(mongo).findById(state.caseId).lean())?.open, false);
    });

    it('when projections written before `open` existed are backfilled, then each gets it from its status, once', async () => {
      const running = caseStateOf(DEMO_PEOPLE.townOwner);
      const ended = { ...caseStateOf(DEMO_PEOPLE.pointsHigh), status: 'settled' as const };
      for (const state of [running, ended]) await run(acts.recordCaseTransition, { seq: 1, state, audit: [], notices: [] });
      await caseModel(mongo).updateMany({ _id: trusted({ $in: [running.caseId, ended.caseId] }) }, { $unset: { open: 1 } });

      assert.ok((await backfillOpenFlag(mongo)) >= 2);
      assert.equal(await backfillOpenFlag(mongo), 0);
      assert.equal((await caseModel(mongo).findById(running.caseId).lean())?.open, true);
      assert.equal((await caseModel(mongo).findById(ended.caseId).lean())?.open, false);
    });

    it('when several workers start together on a fresh store, then each marks the migrations done without failing', async () => {
      // Two workers of the cluster once met E11000 on `migrations` and one exited (restarted).
      const id = `test-migration-${randomUUID()}`;
      await Promise.all(Array.from({ length: 5 }, () => markMigrationDone(mongo, id)));
      assert.equal(await migrationDone(mongo, id), true);
      await mongo.collection('migrations').deleteOne({ _id: 'case-open-flag' as never });
      await Promise.all([backfillOpenFlag(mongo), backfillOpenFlag(mongo), backfillOpenFlag(mongo)]);
    });

    it('when a new case clashes with another case on its case number, then the transition fails (retried), not silently dropped', async () => {
      const first = caseStateOf(DEMO_PEOPLE.townOwner);
      const second = { ...caseStateOf(DEMO_PEOPLE.townOwner), caseNumber: first.caseNumber };
      await run(acts.recordCaseTransition, { seq: 1, state: first, audit: [], notices: [] });

      await assert.rejects(
        run(acts.recordCaseTransition, { seq: 1, state: second, audit: [], notices: [] }),
        /duplicate key|E11000/i,
      );
      assert.equal(await caseModel(mongo).countDocuments({ _id: second.caseId }), 0);
    });

    it('when a transition follows another, then it writes the dashboard facts that changed, and a retry of it writes them all', async () => {
      const first = caseStateOf(DEMO_PEOPLE.townOwner);
      const facts = caseFactModel(mongo);
      await run(acts.recordCaseTransition, { seq: 1, state: first, audit: [], notices: [] });
      assert.deepEqual(
        (await facts.find({ caseId: first.caseId }).lean()).map((f) => f.kind),
        ['opened'],
      );
      const at = new Date(Date.parse(first.submittedAt) + 3_600_000).toISOString();
      const police = first.steps.police!;
      const decided: CaseState = {
        ...first,
        lastProgressAt: at,
        steps: {
          ...first.steps,
          police: {
            ...police,
            status: 'approved',
            waitingSince: first.submittedAt,
            dueAt: new Date(Date.parse(first.submittedAt) + 86_400_000).toISOString(),
            decision: { kind: 'approve', by: 'officer-police', role: 'officer', at },
          },
        },
      };
      // Gone behind the activity's back: a transition that only adds the decision leaves it gone,
      // which shows it did not insert the facts the projection it replaced already showed.
      await facts.deleteOne({ _id: `${first.caseId}:opened` });

      await run(acts.recordCaseTransition, { seq: 2, state: decided, audit: [], notices: [] });
      assert.deepEqual(
        (await facts.find({ caseId: first.caseId }).lean()).map((f) => f.kind),
        ['decided'],
      );

      // A retry of the same transition cannot know what its first attempt wrote: it writes every fact.
      await run(acts.recordCaseTransition, { seq: 2, state: decided, audit: [], notices: [] });
      assert.deepEqual((await facts.find({ caseId: first.caseId }).lean()).map((f) => f.kind).sort(), ['decided', 'opened']);
    });

    it('when an older transition’s attempt runs on after the case moved on, then the supplement round keeps its newer outcome on the dashboard', async () => {
      // Arrange: police asked for material (seq 2: the round open), and the applicant answered (seq 3).
      const first = caseStateOf(DEMO_PEOPLE.townOwner);
      const facts = caseFactModel(mongo);
      const requestedAt = new Date(Date.parse(first.submittedAt) + 3_600_000).toISOString();
      const round = {
        requestedAt,
        dueAt: new Date(Date.parse(requestedAt) + 15 * 86_400_000).toISOString(),
        missing: ['户口簿'],
      };
      const police = first.steps.police!;
      const asked: CaseState = { ...first, steps: { ...first.steps, police: { ...police, supplement: round } } };
      const providedAt = new Date(Date.parse(requestedAt) + 3_600_000).toISOString();
      const answered: CaseState = {
        ...first,
        steps: { ...first.steps, police: { ...police, supplement: { ...round, providedAt } } },
      };
      await run(acts.recordCaseTransition, { seq: 1, state: first, audit: [], notices: [] });
      await run(acts.recordCaseTransition, { seq: 2, state: asked, audit: [], notices: [] });
      await run(acts.recordCaseTransition, { seq: 3, state: answered, audit: [], notices: [] });
      const roundId = `${first.caseId}:supplement:police:${requestedAt}`;
      assert.equal((await facts.findById(roundId).lean())?.outcome, 'answered');

      // Act: seq 2's first attempt, past its timeout, reaches its facts only now (its projection
      // passed before seq 3 was written: the same write a retry of seq 2 makes).
      await writeCaseFacts(mongo, { state: asked, seq: 2 });

      // Assert
      const stored = await facts.findById(roundId).lean();
      assert.equal(stored?.outcome, 'answered', 'the newer outcome stands');
      assert.equal(stored?.seq, 3);
      // A retry of the newest transition still writes its outcome.
      await facts.updateOne({ _id: roundId }, { $set: { outcome: 'open' } });
      await writeCaseFacts(mongo, { state: answered, seq: 3 });
      assert.equal((await facts.findById(roundId).lean())?.outcome, 'answered');
    });

    it('when notices are queued, then they are rendered and no body or subject carries a full ID number', async () => {
      const state = caseStateOf(DEMO_PEOPLE.parentWithChildren, 'settled');
      const idNumber = state.application.applicant.idNumber;
      const rejectedNotice = notices.rejected(state, {
        status: 'rejected',
        at: new Date().toISOString(),
        by: 'officer-police',
        role: 'officer',
        // Officer free text quoting a full ID number: the renderer must still mask it.
        reasons: [{ code: 'other', department: 'police', note: `身份证号 ${idNumber} 与户籍记录不符` }],
        documentNumber: '西公户不许字〔2026〕第000001号',
      });
      const requests: NoticeRequest[] = [
        notices.caseReceived(state, ['police', 'hrss', 'housing', 'education']),
        notices.settled(state, new Date().toISOString()),
        rejectedNotice,
      ];

      await run(acts.recordCaseTransition, { seq: 1, state, audit: [], notices: requests });

      const queued = await noticeModel(mongo).find({ caseId: state.caseId }).lean();
      assert.equal(queued.length, 6, 'three events × (sms + email)');
      for (const n of queued) {
        assert.ok(n.body.length > 0, `${n.event}:${n.channel} has a body`);
        assert.equal(n.status, 'queued');
        assert.doesNotMatch(n.body, FULL_ID_NUMBER, `${n.event}:${n.channel} body carries a full ID number`);
        assert.doesNotMatch(n.subject, FULL_ID_NUMBER, `${n.event}:${n.channel} subject carries a full ID number`);
        for (const person of [state.application.applicant, ...state.application.family])
          assert.ok(!n.body.includes(person.idNumber), `${n.event}:${n.channel} names ${person.name}'s ID number`);
      }
      const settledEmail = queued.find((n) => n.event === 'settled' && n.channel === 'email');
      assert.ok(settledEmail?.body.includes(maskIdNumber(idNumber)), 'the settled letter shows the masked ID number');
      const rejectedEmail = queued.find((n) => n.event === 'rejected' && n.channel === 'email');
      assert.match(rejectedEmail?.body ?? '', /与户籍记录不符/, 'the officer note is rendered, only the ID number masked');
    });
  });

  describe('registerHousehold and startSocialInsuranceTransfer', () => {
    it('§3 when a household is registered (twice, as on a retry), then it is one 居民户口 registration with every member, each with the one police record', async () => {
      const caseId = randomUUID();
      const application = applicationOf(DEMO_PEOPLE.parentWithChildren);

      const first = await run(acts.registerHousehold, { caseId, application, collectiveHousehold: false });
      const again = await run(acts.registerHousehold, { caseId, application, collectiveHousehold: true });

      assert.equal(first.householdType, HOUSEHOLD_TYPE);
      assert.equal(again.householdType, '居民户口');
      // The retry wrote nothing new at the police: the same record per person.
      assert.equal(new Set(first.policeRecordIds).size, 4);
      assert.deepEqual(again.policeRecordIds, first.policeRecordIds);
      const docs = await registrationModel(mongo).find({ _id: caseId }).lean();
      assert.equal(docs.length, 1);
      assert.equal(docs[0]?.householdType, '居民户口');
      assert.equal(docs[0]?.collectiveHousehold, false, 'a retry does not rewrite the registration');
      assert.equal(docs[0]?.members.length, 4);
      assert.deepEqual(
        docs[0]?.members.map((m) => m.policeRecordId),
        first.policeRecordIds,
      );
    });

    it('§25 when the social-insurance transfer is started twice, then one transfer exists with its first start time', async () => {
      const caseId = randomUUID();
      const input = { caseId, idNumber: DEMO_PEOPLE.pointsHigh.idNumber, area: 'yanta' };

      await run(acts.startSocialInsuranceTransfer, input);
      const firstStart = (await socialInsuranceTransferModel(mongo).findById(caseId).lean())?.startedAt;
      await run(acts.startSocialInsuranceTransfer, input);

      const docs = await socialInsuranceTransferModel(mongo).find({ _id: caseId }).lean();
      assert.equal(docs.length, 1);
      assert.deepEqual(docs[0]?.startedAt, firstStart);
      assert.ok(docs[0]?.recordId, 'HR’s record id is kept');
    });
  });

  describe('loadPointsPolicy', () => {
    it('§2 when a known version is asked for, then that version is returned with its threshold', async () => {
      const policy = await run(acts.loadPointsPolicy, { version: 'xian-2016-v1' });

      assert.equal(policy.version, 'xian-2016-v1');
      assert.equal(policy.threshold, 60);
    });

    for (const version of ['../x', '../../package', 'xian-2016-v1/../xian-2016-v1', '', 'XIAN-2016-V1']) {
      it(`when the version is ${JSON.stringify(version)}, then the activity fails non-retryably with UnknownPolicyVersion`, async () => {
        await assert.rejects(run(acts.loadPointsPolicy, { version }), nonRetryable('UnknownPolicyVersion'));
      });
    }
  });

  describe('runDepartmentCheck (simulator over HTTP)', () => {
    const check = (persona: DemoPersona, department: 'police' | 'hrss' | 'housing' | 'education') =>
      run(acts.runDepartmentCheck, { caseId: randomUUID(), department, application: applicationOf(persona) });

    it('§8 when the applicant has a criminal record, then the police lookup reports criminal_record:0', async () => {
      const record = await check(DEMO_PEOPLE.criminal, 'police');
      assert.deepEqual(record.findings, ['criminal_record:0']);
      assert.equal(record.results.length, 1);
    });

    it('§16 when housing knows no residence, then the housing lookup reports no_own_residence', async () => {
      const record = await check(DEMO_PEOPLE.noHousing, 'housing');
      assert.deepEqual(record.findings, ['no_own_residence']);
    });

    it('when the applicant is clean, then every department answers with no findings', async () => {
      for (const d of ['police', 'hrss', 'housing', 'education'] as const) {
        const record = await check(DEMO_PEOPLE.pointsHigh, d);
        assert.deepEqual(record.findings, [], `${d} findings`);
        assert.equal(record.results[0]?.result?.department, d);
      }
    });

    it('§8 §21–23 when a family applies, then police checks every member and education reports the places of the area', async () => {
      const police = await check(DEMO_PEOPLE.parentWithChildren, 'police');
      assert.deepEqual(
        police.results.map((r) => r.personIndex),
        [0, 1, 2, 3],
      );
      assert.deepEqual(police.findings, []);
      const education = await check(DEMO_PEOPLE.parentWithChildren, 'education');
      const result = education.results[0]?.result;
      assert.ok(result?.department === 'education');
      assert.deepEqual(Object.keys(result).sort(), ['department', 'educationLevel'], 'places are capacities, not a record');
      assert.deepEqual(education.findings, []);
    });

    it('§8 when no system knows the person, then the police lookup reports identity_not_found:0', async () => {
      const record = await check(DEMO_PEOPLE.unknownToPolice, 'police');
      assert.deepEqual(record.findings, ['identity_not_found:0']);
      assert.equal(record.results[0]?.result, null);
    });

    it('when the department system is down, then the lookup fails retryably and names no ID number', async () => {
      await faults({ department: 'hrss', failNext: 1 });
      try {
        await assert.rejects(check(DEMO_PEOPLE.pointsHigh, 'hrss'), (err: unknown) => {
          assert.ok(err instanceof DepartmentSystemUnavailableError, `got ${String(err)}`);
          assert.ok(!(err instanceof ApplicationFailure), 'an outage must stay retryable');
          assert.doesNotMatch(err.message, FULL_ID_NUMBER);
          return true;
        });
      } finally {
        await faults();
      }
    });

    it('when the activity is cancelled during a slow lookup, then the lookup is aborted at once', async () => {
      // A client whose own timeout is far away, so only the cancellation can end the lookup.
      const slowActs = createActivities({
        mongo,
        departmentSystems: createDepartmentSystemsClient({
          baseUrl: simulatorUrl,
          timeoutMs: 30_000,
          apiKey: DEVELOPMENT_SIMULATOR_API_KEY,
        }),
        registers: createRegistersClient({ baseUrl: simulatorUrl, timeoutMs: 30_000, apiKey: DEVELOPMENT_SIMULATOR_API_KEY }),
        renderer: createNoticeRenderer(),
      });
      await faults({ department: 'police', delayMs: 20_000 });
      try {
        const env = mockEnv();
        const started = Date.now();
        const lookup = inEnv(env, slowActs.runDepartmentCheck, {
          caseId: randomUUID(),
          department: 'police',
          application: applicationOf(DEMO_PEOPLE.pointsHigh),
        });
        setTimeout(() => env.cancel(), 300);

        await assert.rejects(lookup, (err: unknown) => {
          assert.ok(err instanceof CancelledFailure, `expected CancelledFailure, got ${String(err)}`);
          return true;
        });
        assert.ok(Date.now() - started < 5000, `cancelled after ${Date.now() - started} ms`);
        // The simulator saw its client go away (the HTTP request was really aborted).
        const deadline = Date.now() + 5000;
        let abandoned = 0;
        while (abandoned === 0 && Date.now() < deadline) {
          const res = await fetch(`${simulatorUrl}/__faults`);
          abandoned = ((await res.json()) as { counters: { police: { abandoned: number } } }).counters.police.abandoned;
          if (abandoned === 0) await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(abandoned, 1);
      } finally {
        await faults();
      }
    });
  });
});
