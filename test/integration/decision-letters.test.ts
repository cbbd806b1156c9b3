/**
 * Document numbers (文号) of decision letters against the run's real FerretDB, whose updates are
 * not atomic: unique per department and year under concurrency, the same number on every retry,
 * a sequence of their own per department and per year (Asia/Shanghai), and a rejection letter
 * queued with its number, signatory and appeal bodies (行政许可法 第三十八条).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { trusted, type Connection } from 'mongoose';
import { createActivities, type Activities } from '../../activities';
import { createDepartmentSystemsClient } from '../../activities/adapters/department-systems.client';
import { createRegistersClient } from '../../activities/adapters/registers.client';
import { INVALID_DECISION_NUMBER_REQUEST, type IssueDecisionNumberInput } from '../../activities/decision-letters.activities';
import { createNoticeRenderer } from '../../activities/notifications/renderer';
import { decisionNumberRequest, DOCUMENT_NUMBER } from '../../domain/authorities';
import type { CaseOutcomeInfo, CaseState } from '../../domain/case-state';
import { connectMongo } from '../../models/connection';
import { decisionNumberModel } from '../../models/decision-number.model';
import { noticeModel } from '../../models/notice.model';
import * as notices from '../../workflows/settlement-case/notices';
import { mongoUriFor } from '../support/services';

const silentLogger = new DefaultLogger('ERROR', () => undefined);
const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  new MockActivityEnvironment(undefined, { logger: silentLogger }).run<A, R, typeof fn>(fn, ...args);

/** The sequence number a document number carries (第NNNNNN号). */
const seqOf = (documentNumber: string): number => Number(/第(\d+)号$/.exec(documentNumber)![1]);

describe('issueDecisionNumber (real FerretDB)', () => {
  let mongo: Connection;
  let acts: Activities;

  before(async () => {
    mongo = await connectMongo({
      uri: mongoUriFor(`test_decision_letters_${randomUUID().slice(0, 8)}`),
      serverSelectionTimeoutMS: 5000,
    });
    // Built the way the worker builds them, so the activity is proven registered; no lookup runs here.
    acts = createActivities({
      mongo,
      departmentSystems: createDepartmentSystemsClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 100 }),
      registers: createRegistersClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 100 }),
      renderer: createNoticeRenderer(),
    });
  });

  after(async () => {
    await mongo?.dropDatabase().catch(() => undefined);
    await mongo?.close();
  });

  const request = (over: Partial<IssueDecisionNumberInput> = {}): IssueDecisionNumberInput => ({
    caseId: randomUUID(),
    department: 'police',
    kind: 'rejection',
    at: '2026-04-02T03:00:00Z',
    ...over,
  });

  it('when 20 cases are refused at once, then they get 20 distinct numbers of the police 2026 rejection series', async () => {
    const inputs = Array.from({ length: 20 }, () => request());

    const issued = await Promise.all(inputs.map((i) => run(acts.issueDecisionNumber, i)));

    const numbers = issued.map((r) => r.documentNumber);
    assert.equal(new Set(numbers).size, 20, numbers.join(' '));
    for (const n of numbers) {
      assert.match(n, /^西公户不许字〔2026〕第\d{6}号$/);
      assert.match(n, DOCUMENT_NUMBER);
    }
    const stored = await decisionNumberModel(mongo)
      .find({ caseId: trusted({ $in: inputs.map((i) => i.caseId) }) })
      .lean();
    assert.deepEqual(stored.map((d) => d.documentNumber).sort(), [...numbers].sort());
    assert.ok(stored.every((d) => d.department === 'police' && d.year === '2026' && d.authoritiesVersion === 'xian-2024-v1'));
  });

  it('when the same case and kind is asked again, also concurrently (a retry), then it gets the same number and one record', async () => {
    const input = request();
    const first = await run(acts.issueDecisionNumber, input);

    const retries = await Promise.all(Array.from({ length: 5 }, () => run(acts.issueDecisionNumber, input)));

    for (const r of retries) assert.equal(r.documentNumber, first.documentNumber);
    assert.equal(await decisionNumberModel(mongo).countDocuments({ caseId: input.caseId }), 1);
  });

  it('when a brand-new case and kind is raced by its own retries, then every attempt answers the one number that was stored', async () => {
    const input = request({ department: 'education', kind: 'termination' });

    const attempts = await Promise.all(Array.from({ length: 6 }, () => run(acts.issueDecisionNumber, input)));

    const stored = await decisionNumberModel(mongo).find({ caseId: input.caseId }).lean();
    assert.equal(stored.length, 1);
    for (const a of attempts) assert.equal(a.documentNumber, stored[0]!.documentNumber);
    assert.match(stored[0]!.documentNumber, /^西教落终字〔2026〕第\d{6}号$/);
  });

  it('when another department or another year numbers, then each starts its own sequence at 000001', async () => {
    const hrss = await run(acts.issueDecisionNumber, request({ department: 'hrss' }));
    const hrssAgain = await run(acts.issueDecisionNumber, request({ department: 'hrss', kind: 'termination' }));
    // 2027-01-01 00:30 in Asia/Shanghai, still 2026 in UTC: the decision's Beijing year counts.
    const nextYear = await run(acts.issueDecisionNumber, request({ at: '2026-12-31T16:30:00Z' }));

    assert.equal(hrss.documentNumber, '西人社落不许字〔2026〕第000001号');
    // One sequence per department and year, shared by both letter kinds: numbers never repeat within it.
    assert.equal(hrssAgain.documentNumber, '西人社落终字〔2026〕第000002号');
    assert.equal(nextYear.documentNumber, '西公户不许字〔2027〕第000001号');
  });

  it('when the same case gets a rejection and a termination number, then they are two numbers with their own prefixes', async () => {
    const caseId = randomUUID();
    const rejection = await run(acts.issueDecisionNumber, request({ caseId, department: 'housing' }));
    const termination = await run(acts.issueDecisionNumber, request({ caseId, department: 'housing', kind: 'termination' }));

    assert.match(rejection.documentNumber, /^西房落不许字〔2026〕/);
    assert.match(termination.documentNumber, /^西房落终字〔2026〕/);
    assert.notEqual(seqOf(rejection.documentNumber), seqOf(termination.documentNumber));
  });

  for (const [field, bad] of [
    ['department', { department: 'fire_brigade' }],
    ['kind', { kind: 'approval' }],
    ['at', { at: 'yesterday' }],
    ['caseId', { caseId: '' }],
  ] as const) {
    it(`when the ${field} is invalid, then the activity fails non-retryably naming the field`, async () => {
      await assert.rejects(
        run(acts.issueDecisionNumber, request(bad as Partial<IssueDecisionNumberInput>)),
        (err: unknown) =>
          err instanceof ApplicationFailure &&
          err.type === INVALID_DECISION_NUMBER_REQUEST &&
          err.nonRetryable &&
          err.message.includes(field),
      );
    });
  }

  it('when a refused case is recorded with its numbered letter, then the queued letter names the number, the department, the basis and the appeal bodies', async () => {
    const at = '2026-05-06T07:08:09Z';
    const state: CaseState = {
      caseId: randomUUID(),
      caseNumber: 'HK-2026-009001',
      applicantUserId: 'user-1',
      application: {
        route: 'points',
        district: 'yanta',
        applicant: { idNumber: '11010519491231002X', name: '张三', relation: 'applicant' },
        family: [],
        contact: { phone: '13800138000', email: 'applicant@example.cn', locale: 'zh-CN' },
      },
      status: 'rejected',
      submittedAt: at,
      lastProgressAt: at,
      policyVersion: 'xian-2016-v1',
      collectiveHousehold: false,
      steps: {},
      reservations: [],
      failingCompensations: [],
    };
    const outcome: CaseOutcomeInfo = {
      status: 'rejected',
      at,
      by: 'system',
      role: 'system',
      reasons: [{ code: 'insufficient_points', department: 'police', note: '55 < 60' }],
    };

    // The sequence the workflow runs at the end of a rejected case.
    const { documentNumber } = await run(acts.issueDecisionNumber, decisionNumberRequest(state.caseId, outcome)!);
    state.outcome = { ...outcome, documentNumber };
    await run(acts.recordCaseTransition, { seq: 1, state, audit: [], notices: [notices.rejected(state, state.outcome)] });

    const queued = await noticeModel(mongo).find({ caseId: state.caseId }).lean();
    assert.deepEqual(queued.map((n) => `${n.event}:${n.channel}:${n.status}`).sort(), [
      'rejected:email:queued',
      'rejected:sms:queued',
    ]);
    const letter = queued.find((n) => n.channel === 'email')!.body;
    for (const expected of [
      documentNumber,
      '西安市公安局',
      '第三部分第2项',
      // The points policy by the day it took effect (xian-2016-v1's), not by its file's code.
      '2016年7月1日起施行的积分落户政策',
      '西安市人民政府',
      '西安铁路运输法院',
    ]) {
      assert.ok(letter.includes(expected), `letter names ${expected}`);
    }
    assert.doesNotMatch(letter, /11010519491231002X/);
  });
});
