/**
 * Issue 11 "Interventions": a bulk intervention runs as a workflow of its own, a few cases at a
 * time, shows its progress while it runs, acts once per case however often it is started, and
 * reports each case's outcome (a case that has ended is refused, not a failure of the run).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import {
  invalidPaths,
  knownOfficer,
  submitCase,
  tokens,
  townBody,
  waitForStatus,
  waitForWorkflow,
  type Tokens,
} from '../support/api';
import type { BulkProgressView } from '../../app/queries/bulk-progress';
import { eventually, startStack, type TestStack } from '../support/stack';
import { dueAtEndOfOfficeDay } from '../../domain/working-days';
import { loadWorkingCalendar } from '../../policy/calendar-files';

/** The route answers the workflow's progress as JSON. */
type Progress = BulkProgressView;

describe('API, supervisor: bulk interventions', () => {
  let stack: TestStack;
  let t: Tokens;
  before(async () => {
    stack = await startStack('bulk_intervention');
    t = await tokens(stack);
  });
  after(async () => {
    await stack.close();
  });

  const start = (body: object, key: string) =>
    request(stack.app)
      .post('/api/v1/supervisor/bulk-interventions')
      .set('authorization', t.supervisor)
      .set('idempotency-key', key)
      .send(body);
  const progress = async (id: string): Promise<Progress> => {
    const res = await request(stack.app).get(`/api/v1/supervisor/bulk-interventions/${id}`).set('authorization', t.supervisor);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Progress;
  };

  it('when a supervisor reassigns 20 cases in bulk, then progress shows while it runs, each case is reassigned once with the reason audited, and an ended case is reported as refused', async () => {
    // Arrange: 20 cases waiting for a police decision, and one the supervisor has terminated.
    const caseIds = await Promise.all(Array.from({ length: 20 }, () => submitCase(stack, t.applicant, townBody())));
    await Promise.all(
      caseIds.map((id) =>
        waitForWorkflow(stack, id, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting', 60_000),
      ),
    );
    const ended = await submitCase(stack, t.applicant, townBody());
    await waitForWorkflow(stack, ended, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');
    const terminated = await request(stack.app)
      .post(`/api/v1/supervisor/cases/${ended}/termination`)
      .set('authorization', t.supervisor)
      .send({ note: '申请人已迁出' });
    assert.equal(terminated.status, 202, JSON.stringify(terminated.body));
    await waitForStatus(stack, ended, 'terminated');
    const key = `bulk-${randomUUID()}`;
    await knownOfficer(stack, { sub: 'police-officer-9', role: 'officer', department: 'police' });
    const body = {
      action: 'reassign',
      department: 'police',
      officerId: 'police-officer-9',
      note: '批量改派：原经办人休假',
      // A duplicate id is acted on once.
      caseIds: [...caseIds, ended, caseIds[0]],
      concurrency: 5,
      pauseMs: 1000,
    };

    // Act
    const first = await start(body, key);
    const again = await start(body, key);
    assert.equal(first.headers.location, `/api/v1/supervisor/bulk-interventions/${first.body.id}`, 'where its progress is');
    const running = await eventually(async () => {
      const p = await progress(first.body.id);
      return p.done > 0 && !p.finished ? p : undefined;
    }, 'progress while running');
    const report = await eventually(
      async () => {
        const p = await progress(first.body.id);
        return p.finished ? p : undefined;
      },
      'the report',
      60_000,
    );
    const afterwards = await start(body, key);

    // Assert
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal(again.status, 202);
    assert.equal(again.body.id, first.body.id, 'the same request id is the same run');
    assert.equal(afterwards.body.id, first.body.id);
    assert.equal(running.total, 21);
    assert.ok(running.done < running.total);
    assert.deepEqual(
      { total: report.total, done: report.done, succeeded: report.succeeded, refused: report.refused, failed: report.failed },
      { total: 21, done: 21, succeeded: 20, refused: 1, failed: 0 },
    );
    const endedItem = report.items.find((i) => i.caseId === ended);
    assert.equal(endedItem?.outcome, 'refused');
    assert.match(endedItem?.detail ?? '', /CaseNotOpen/);
    // The refusal's problem code, as the API answers it for one case; the run's id as the POST gave it.
    assert.equal(endedItem?.code, 'case-not-open');
    assert.equal(report.id, first.body.id);
    for (const id of caseIds) {
      const c = await waitForWorkflow(stack, id, (x) => x.steps.police?.assignedOfficer === 'police-officer-9', 'reassigned');
      assert.equal(c.steps.police?.assignedOfficer, 'police-officer-9');
      // The report names each case by its number too, as a supervisor quotes it.
      assert.equal(report.items.find((i) => i.caseId === id)?.caseNumber, c.caseNumber);
    }
    // Audited once per case (three starts, one action), with the supervisor's reason.
    await Promise.all(
      caseIds.map(async (id) => {
        const audit = await eventually(async () => {
          const res = await request(stack.app).get(`/api/v1/supervisor/cases/${id}/audit`).set('authorization', t.supervisor);
          const actions = (res.body.items as Array<{ type: string; what: string; why?: string; actor: { id: string } }>).filter(
            (e) => e.type === 'supervisor_action',
          );
          return actions.length > 0 ? actions : undefined;
        }, 'the audit record');
        assert.deepEqual(
          audit.map((e) => `${e.what}:${e.actor.id}:${e.why}`),
          ['reassign:supervisor-1:批量改派：原经办人休假'],
        );
      }),
    );
  });

  it('when a supervisor extends deadlines in bulk by working days, then each step falls due that many working days after its old due day', async () => {
    // Arrange: two cases waiting for a police decision on the working-day clock.
    const caseIds = await Promise.all([0, 1].map(() => submitCase(stack, t.applicant, townBody())));
    const before = await Promise.all(
      caseIds.map((id) =>
        waitForWorkflow(stack, id, (c) => c.steps.police?.status === 'awaiting_decision' && !!c.steps.police.dueAt, 'police due'),
      ),
    );

    // Act
    const started = await start(
      { action: 'extend_deadline', department: 'police', extendByWorkingDays: 2, note: '派出所系统升级', caseIds },
      `bulk-${randomUUID()}`,
    );
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const report = await eventually(async () => {
      const p = await progress(started.body.id);
      return p.finished ? p : undefined;
    }, 'the report');

    // Assert
    assert.equal(report.succeeded, 2, JSON.stringify(report.items));
    const calendar = loadWorkingCalendar();
    for (const [i, id] of caseIds.entries()) {
      const old = before[i]!.steps.police!.dueAt!;
      const expected = dueAtEndOfOfficeDay(calendar, old, 2, '17:00').dueAt;
      const c = await waitForWorkflow(stack, id, (x) => x.steps.police?.dueAt === expected, `due ${expected}`);
      assert.equal(c.steps.police?.dueAt, expected);
    }
  });

  it('when a bulk reassignment names an officer the service does not know, or of another department, it is refused; one of another district is refused by each case', async () => {
    // Arrange: a police case (in 鄠邑区's town), officers the service has met.
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForWorkflow(stack, caseId, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');
    await knownOfficer(stack, { sub: 'police-yanta-2', role: 'officer', department: 'police', district: ['yanta'] });
    await knownOfficer(stack, { sub: 'housing-officer-2', role: 'officer', department: 'housing' });
    const reassign = (officerId: string) =>
      start({ action: 'reassign', department: 'police', officerId, note: '改派', caseIds: [caseId] }, `bulk-${randomUUID()}`);

    // Act
    const unknownOfficer = await reassign('nobody-xyz');
    const otherDepartment = await reassign('housing-officer-2');
    const otherDistrict = await reassign('police-yanta-2');
    const report = await eventually(async () => {
      const p = await progress(otherDistrict.body.id);
      return p.finished ? p : undefined;
    }, 'the report');

    // Assert
    for (const res of [unknownOfficer, otherDepartment]) {
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.ok((res.body.invalidParams as Array<{ path: string }>).some((p) => p.path === '/officerId'));
    }
    assert.equal(otherDistrict.status, 202, JSON.stringify(otherDistrict.body));
    assert.deepEqual(
      report.items.map((i) => [i.outcome, i.detail, i.code]),
      [['refused', 'InvalidAction', 'invalid-action']],
    );
    const c = await waitForWorkflow(stack, caseId, () => true, 'the case');
    assert.equal(c.steps.police?.assignedOfficer, undefined, 'nobody holds the step');
  });

  it('when a bulk intervention has no reason or an action lacks its parameter, then it is refused as invalid', async () => {
    // Act
    // Well-formed case ids: each request has only the fault its name says.
    const noNote = await start(
      { action: 'escalate', department: 'police', note: ' ', caseIds: [randomUUID()] },
      `bulk-${randomUUID()}`,
    );
    const noOfficer = await start(
      { action: 'reassign', department: 'police', note: 'why', caseIds: [randomUUID()] },
      `bulk-${randomUUID()}`,
    );
    const notACaseId = await start(
      { action: 'escalate', department: 'police', note: 'why', caseIds: [randomUUID(), 'not-a-uuid'] },
      `bulk-${randomUUID()}`,
    );
    const unknown = await request(stack.app)
      .get('/api/v1/supervisor/bulk-interventions/0123456789abcdef0123456789abcdef')
      .set('authorization', t.supervisor);

    // Assert
    assert.equal(noNote.status, 400);
    assert.deepEqual(invalidPaths(noNote), ['/note']);
    assert.equal(noOfficer.status, 400);
    assert.deepEqual(invalidPaths(noOfficer), ['/officerId']);
    // A case id is checked as the single-case routes check it, not reported later as not found.
    assert.equal(notACaseId.status, 400, JSON.stringify(notACaseId.body));
    assert.deepEqual(
      notACaseId.body.invalidParams.map((p: { path: string }) => p.path),
      ['/caseIds/1'],
    );
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.headers['content-type']), /problem\+json/);
  });
});
