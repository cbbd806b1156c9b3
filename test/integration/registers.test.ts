/**
 * The departments' registers written through their systems (issue 14), on the real stack: what a
 * settled case leaves at each department (read from the simulator's own database), what a failed
 * case leaves (undone through the department's API), idempotent writes, HR's asynchronous
 * transfer (callback, polling, deadline → incident) and its follow-up notice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import request from 'supertest';
import { createRegistersClient, RegisterUnavailableError } from '../../activities/adapters/registers.client';
import { DEVELOPMENT_SIMULATOR_API_KEY } from '../../config/config';
import { registerKey, type RegisterName } from '../../domain/registers';
import { auditEventModel } from '../../models/audit-event.model';
import { noticeModel } from '../../models/notice.model';
import { registrationModel } from '../../models/registration.model';
import { reservationModel } from '../../models/reservation.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { registerRecordModel } from '../../tools/simulator/register-records.model';
import { caseStatusQuery, terminateUpdate } from '../../workflows/settlement-case/messages';
import { bearer } from '../support/api';
import { supervise, untilState } from '../support/case-records';
import { caseInput, decide, RELAXED_SLA, startCase } from '../support/cases';
import { closeRoundOf } from '../support/rounds';
import { eventually, startStack, TEST_CALLBACK_SECRET, type TestStack } from '../support/stack';
import { signCallback } from '../../app/callback-signature';

/** Every record the simulated departments hold for a case, as `<register>:<item>:<status>`. */
async function recordsOf(stack: TestStack, caseId: string): Promise<string[]> {
  const docs = await registerRecordModel(stack.simMongo).find({ caseId }).lean();
  return docs.map((d) => `${d.register}:${String(d.request?.item)}:${d.status}`).sort();
}

describe('registers through the departments’ systems', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('registers');
  });
  after(async () => {
    await stack.close();
  });

  it('when a family settles, then each department holds its records, the registrations row carries the police record ids, and HR’s completion brings the follow-up notice', async () => {
    // Arrange
    const input = caseInput(DEMO_PEOPLE.parentWithChildren);
    const handle = await startCase(stack, input);

    // Act
    await Promise.all((['police', 'hrss', 'housing', 'education'] as const).map((d) => decide(handle, d)));
    await closeRoundOf(stack.client, handle);
    const result = await handle.result();

    // Assert
    assert.equal(result.status, 'settled');
    const people = 1 + input.application.family.length;
    const records = await registerRecordModel(stack.simMongo).find({ caseId: input.caseId }).lean();
    const of = (r: RegisterName) => records.filter((d) => d.register === r);
    // One final registration per person at the police, each active.
    assert.deepEqual(
      of('household_registration')
        .map((d) => d.request?.item)
        .sort(),
      Array.from({ length: people }, (_, i) => `person-${i}`),
    );
    assert.ok(of('household_registration').every((d) => d.status === 'active'));
    const registration = await registrationModel(stack.mongo).findById(input.caseId).lean();
    assert.deepEqual(
      registration?.members.map((m) => m.policeRecordId).sort(),
      of('household_registration')
        .map((d) => d.recordId)
        .sort(),
    );
    // Every department-owned reservation has its department record, with the same id.
    const reservations = await reservationModel(stack.mongo).find({ caseId: input.caseId, status: 'held' }).lean();
    const owned = reservations.filter((r) => r.kind !== 'quota_slot');
    assert.ok(owned.length >= 2, 'provisional registration and residence at least');
    const active = records.filter((d) => d.status === 'active' && d.register !== 'household_registration');
    assert.deepEqual(owned.map((r) => r.departmentRecordId).sort(), active.map((d) => d.recordId).sort());
    assert.equal(of('provisional_registration').length, 1);
    // HR's transfer completed, and the applicant was told once per channel.
    assert.deepEqual(
      of('social_insurance_transfer').map((d) => d.status),
      ['completed'],
    );
    const notices = await noticeModel(stack.mongo).find({ caseId: input.caseId }).lean();
    assert.deepEqual(
      notices
        .filter((n) => n.event === 'social_insurance_transferred')
        .map((n) => n.channel)
        .sort(),
      ['email', 'sms'],
    );
    const state = await handle.query(caseStatusQuery);
    assert.equal(state.socialInsuranceTransfer?.status, 'completed');
    assert.equal(state.socialInsuranceTransfer?.recordId, of('social_insurance_transfer')[0]?.recordId);
    // The settled letter was written only after the police confirmed every registration.
    const settledLetter = notices.find((n) => n.event === 'settled');
    const lastConfirmed = Math.max(...of('household_registration').map((d) => d.createdAt.getTime()));
    assert.ok(settledLetter && settledLetter.createdAt.getTime() >= lastConfirmed);
    const audit = await auditEventModel(stack.mongo).find({ caseId: input.caseId }).lean();
    assert.ok(audit.some((e) => e.type === 'social_insurance_transferred'));
  });

  it('when a case fails after the police approved, then its provisional registration is undone at the police through its API, even when the undo fails at first', async () => {
    // Arrange: the police system refuses the first two undos.
    const input = caseInput(DEMO_PEOPLE.townOwner);
    const handle = await startCase(stack, input);
    await decide(handle, 'police');
    await untilState(
      handle,
      (s) => (s.reservations.some((r) => r.kind === 'provisional_registration') ? true : undefined),
      'held',
    );
    await stack.faults({ department: 'police', operation: 'undo', failNext: 2 });

    // Act
    await decide(handle, 'housing', 'reject', { reasonCode: 'no_legal_residence', reasonText: 'no residence' });
    const result = await handle.result();
    // The two failures were used up by the undo: it did fail at first, and was tried again.
    const view = (await (await fetch(`${stack.simulatorUrl}/__faults`)).json()) as {
      faults: Array<{ department: string; operation: string; failNext: number; matched: number }>;
    };
    const undo = view.faults.find((f) => f.department === 'police' && f.operation === 'undo');
    assert.equal(undo?.failNext, 0, 'both injected failures answered');
    assert.ok((undo?.matched ?? 0) >= 3, `undo attempts seen: ${undo?.matched}`);
    await stack.faults();

    // Assert
    assert.equal(result.status, 'rejected');
    const client = createRegistersClient({ baseUrl: stack.simulatorUrl, timeoutMs: 2000, apiKey: DEVELOPMENT_SIMULATOR_API_KEY });
    const record = await client.read(
      'provisional_registration',
      registerKey(input.caseId, 'provisional_registration', 'household'),
    );
    assert.equal(record?.status, 'undone');
    assert.ok(record?.recordId, 'it was written before');
    // Nothing of the case stays active anywhere, and no final registration was ever written.
    const left = await recordsOf(stack, input.caseId);
    assert.ok(
      left.every((r) => r.endsWith(':undone')),
      left.join(', '),
    );
    assert.ok(!left.some((r) => r.startsWith('household_registration')));
    assert.equal(await registrationModel(stack.mongo).countDocuments({ _id: input.caseId }), 0);
  });

  it('when the same write is sent twice (a retry), then the department keeps one record and answers its id both times', async () => {
    // Arrange
    const client = createRegistersClient({ baseUrl: stack.simulatorUrl, timeoutMs: 2000, apiKey: DEVELOPMENT_SIMULATOR_API_KEY });
    const caseId = `retry-${Date.now()}`;
    const key = registerKey(caseId, 'residence_confirmation', 'household');
    await stack.faults({ department: 'housing', operation: 'write', failNext: 1 });

    // Act: the first attempt meets a failing system (retryable), then two attempts succeed.
    await assert.rejects(
      client.write('residence_confirmation', key, { caseId, item: 'household', area: 'huyi' }),
      RegisterUnavailableError,
    );
    const first = await client.write('residence_confirmation', key, { caseId, item: 'household', area: 'huyi' });
    const second = await client.write('residence_confirmation', key, { caseId, item: 'household', area: 'huyi' });
    await stack.faults();

    // Assert
    assert.equal(second.recordId, first.recordId);
    assert.deepEqual(await recordsOf(stack, caseId), ['residence_confirmation:household:active']);
    assert.deepEqual(await client.undo('residence_confirmation', key), { undone: true });
    assert.deepEqual(await client.undo('residence_confirmation', key), { undone: false });
  });

  it('when an undo arrives before its write, then it succeeds with nothing to undo and the late write finds the record undone', async () => {
    const client = createRegistersClient({ baseUrl: stack.simulatorUrl, timeoutMs: 2000, apiKey: DEVELOPMENT_SIMULATOR_API_KEY });
    const caseId = `late-${Date.now()}`;
    const key = registerKey(caseId, 'provisional_registration', 'household');

    assert.deepEqual(await client.undo('provisional_registration', key), { undone: false });
    const late = await client.write('provisional_registration', key, { caseId, item: 'household' });

    assert.equal(late.status, 'undone');
    assert.deepEqual(await recordsOf(stack, caseId), []);
  });

  it('when a department refuses a write as malformed, then the adapter’s error is not retryable', async () => {
    const client = createRegistersClient({ baseUrl: stack.simulatorUrl, timeoutMs: 2000, apiKey: DEVELOPMENT_SIMULATOR_API_KEY });
    const err = await client
      .write('household_registration', 'bad-id-number-case:0', { caseId: 'c', item: 'person-0', idNumber: '110105194912310021' })
      .catch((e: unknown) => e);
    assert.ok(err instanceof ApplicationFailure);
    assert.equal(err.nonRetryable, true);
    assert.equal(err.type, 'RegisterWriteRejected');
    assert.ok(!err.message.includes('110105194912310021'), 'no ID number in the message');
  });

  describe('a write the register refuses outright (patch commit-incidents)', () => {
    // A pause between rounds far longer than the test: only a supervisor's retry, or the case's end, ends it.
    const patientSla = { ...RELAXED_SLA, checkRetryPauseMs: 3_600_000, checkRetryMaxPauseMs: 3_600_000 };
    const refusedCommit = async () => {
      const input = caseInput(DEMO_PEOPLE.townOwner, { sla: patientSla });
      const handle = await startCase(stack, input);
      await stack.faults({ department: 'police', operation: 'write', failNext: 1, status: 404 });
      await decide(handle, 'police');
      const incident = await untilState(handle, (s) => s.commitFailures?.[0], 'a refused commit reported as an incident');
      return { input, handle, incident };
    };
    after(() => stack.faults());

    it('when the police register answers 404 to the provisional registration, then the case waits with an incident, and settles once a supervisor retries', async () => {
      // Arrange
      const { input, handle, incident } = await refusedCommit();

      // Assert: waiting, not failed; the incident names the department, the reservation and the answer.
      assert.equal((await handle.describe()).status.name, 'RUNNING');
      assert.equal(incident.department, 'police');
      assert.equal(incident.kind, 'provisional_registration');
      assert.equal(incident.label, 'provisional_registration:household');
      assert.match(incident.error, /HTTP 404/);
      const trail = await auditEventModel(stack.mongo).find({ caseId: input.caseId }).lean();
      assert.ok(trail.some((e) => e.type === 'commit_failed' && e.department === 'police'));
      const escalations = await noticeModel(stack.mongo).find({ caseId: input.caseId, event: 'escalation' }).lean();
      assert.ok(escalations.length >= 1, 'supervisors are told');

      // Act: the cause is fixed (the fault was for one write), a supervisor retries; housing approves.
      await supervise(handle, { department: 'police', action: 'retry_compensation', note: '登记地址已更正' });
      await decide(handle, 'housing');
      const result = await handle.result();

      // Assert
      assert.equal(result.status, 'settled');
      assert.deepEqual((await handle.query(caseStatusQuery)).commitFailures ?? [], []);
      assert.ok((await recordsOf(stack, input.caseId)).includes('provisional_registration:household:active'));
    });

    it('when the police register is down for two whole rounds of retries, then the case waits with an incident escalated only at the second, and settles once it answers again (patch commit-unavailable-incidents)', async () => {
      // Arrange: five failed attempts are one round of the commits' bounded retries; ten are two.
      const input = caseInput(DEMO_PEOPLE.townOwner, { sla: patientSla });
      const handle = await startCase(stack, input);
      await stack.faults({ department: 'police', operation: 'write', failNext: 10, status: 503 });
      await decide(handle, 'police');

      // Act
      const incident = await untilState(handle, (s) => s.commitFailures?.[0], 'a register outage reported as an incident');

      // Assert: an outage, not a refusal; supervisors see it but are not called before it persists.
      assert.equal((await handle.describe()).status.name, 'RUNNING');
      assert.equal(incident.cause, 'unavailable');
      assert.equal(incident.label, 'provisional_registration:household');
      assert.equal(incident.rounds, 1);
      assert.match(incident.error, /503/);
      // The query answers from the workflow; its audit lines reach MongoDB with the next write.
      const trail = await eventually(async () => {
        const lines = await auditEventModel(stack.mongo).find({ caseId: input.caseId, type: 'commit_failed' }).lean();
        return lines.length > 0 ? lines : undefined;
      }, 'the outage in the audit trail');
      assert.deepEqual(
        trail.map((e) => e.what),
        ['provisional_registration:household unavailable'],
      );
      const escalations = await noticeModel(stack.mongo).find({ caseId: input.caseId, event: 'escalation' }).lean();
      assert.deepEqual(escalations, [], 'one round is not yet escalated (checkFailuresBeforeEscalation is 2)');
      const supervisor = await bearer(stack, { sub: 'supervisor-1', role: 'supervisor' });
      const incidents = await eventually(async () => {
        const view = await request(stack.app).get(`/api/v1/supervisor/cases/${input.caseId}`).set('authorization', supervisor);
        const listed = view.body.incidents as Array<{ kind: string; cause?: string; department?: string }> | undefined;
        return listed?.some((i) => i.kind === 'commit') ? listed : undefined;
      }, 'the supervisor’s case view lists the outage');
      assert.deepEqual(
        incidents.filter((i) => i.kind === 'commit').map((i) => [i.department, i.cause]),
        [['police', 'unavailable']],
      );

      // Act: a supervisor retries at once; the register is still down for a second round.
      await supervise(handle, { department: 'police', action: 'retry_compensation', note: '再试一次' });
      await untilState(handle, (s) => (s.commitFailures?.[0]?.rounds === 2 ? true : undefined), 'a second failed round');

      // Assert: escalated now (checkFailuresBeforeEscalation is 2), once.
      const escalated = await eventually(async () => {
        const sent = await noticeModel(stack.mongo).find({ caseId: input.caseId, event: 'escalation' }).lean();
        return sent.length > 0 ? sent : undefined;
      }, 'the escalation after the second round');
      assert.deepEqual(escalated.map((n) => n.channel).sort(), ['email', 'sms']);

      // Act: the register answers again; a supervisor retries now rather than waiting for the pause.
      await supervise(handle, { department: 'police', action: 'retry_compensation', note: '公安系统已恢复' });
      await decide(handle, 'housing');
      const result = await handle.result();

      // Assert
      assert.equal(result.status, 'settled');
      assert.deepEqual((await handle.query(caseStatusQuery)).commitFailures ?? [], []);
    });

    it('when the case is terminated while its commit is refused, then it stops retrying and gives back what it took', async () => {
      // Arrange
      const { input, handle } = await refusedCommit();

      // Act
      const requestId = `terminate-${input.caseId}`;
      await handle.executeUpdate(terminateUpdate, {
        updateId: requestId,
        args: [{ requestId, supervisorId: 'supervisor-1', note: '部门系统拒收，终止办理' }],
      });
      const result = await handle.result();

      // Assert: ended, nothing held by the case or at the police.
      assert.equal(result.status, 'terminated');
      const held = await reservationModel(stack.mongo).find({ caseId: input.caseId, status: 'held' }).lean();
      assert.deepEqual(held, []);
      assert.ok(!(await recordsOf(stack, input.caseId)).some((r) => r.endsWith(':active')));
    });
  });
});

describe('HR’s transfer past its deadline, without a callback', () => {
  let stack: TestStack;
  before(async () => {
    // HR completes a transfer 8 s after it is asked and never calls back: the case must poll.
    stack = await startStack('registers_overdue', { transfer: { delayMs: 8000, callback: false } });
  });
  after(async () => {
    await stack.close();
  });

  it('when HR’s callback is not signed with the shared secret, then it is refused and the case is not told', async () => {
    // Arrange: a settled case whose transfer HR completes only later (no callback; a poll a minute away).
    const input = caseInput(DEMO_PEOPLE.townOwner, { sla: { ...RELAXED_SLA, socialInsuranceTransferPollMs: 60_000 } });
    const handle = await startCase(stack, input);
    await Promise.all([decide(handle, 'police'), decide(handle, 'housing')]);
    const transfer = await untilState(
      handle,
      (s) => (s.status === 'settled' && s.socialInsuranceTransfer?.recordId ? s.socialInsuranceTransfer : undefined),
      'settled, the transfer pending',
    );
    assert.equal(transfer.status, 'pending');

    // Act: a completion naming the case's real record, signed with the wrong secret.
    const body = JSON.stringify({
      recordId: transfer.recordId,
      idempotencyKey: registerKey(input.caseId, 'social_insurance_transfer', 'applicant'),
      caseId: input.caseId,
      status: 'completed',
      completedAt: new Date().toISOString(),
    });
    const post = (signature: string) =>
      request(stack.app)
        .post('/api/v1/callbacks/social-insurance-transfers')
        .set('content-type', 'application/json')
        .set('x-register-signature', signature)
        .send(body);
    const res = await post(`sha256=${'0'.repeat(64)}`);

    // Assert: refused, and the case still waits for HR.
    assert.equal(res.status, 401);
    assert.match(res.body.type, /bad-signature$/);
    assert.equal((await handle.query(caseStatusQuery)).socialInsuranceTransfer?.status, 'pending');
    // The same completion signed with HR's secret completes it at once: what refused it was the signature.
    const signed = await post(signCallback(TEST_CALLBACK_SECRET, body));
    assert.ok(signed.status < 300, `${signed.status} ${signed.text}`);
    await untilState(
      handle,
      (s) => (s.socialInsuranceTransfer?.status === 'completed' ? true : undefined),
      'completed by the signed callback',
    );
    assert.equal((await handle.result()).status, 'settled');
  });

  it('when HR has not completed the transfer by its deadline, then supervisors see an incident, and polling later finds it completed and tells the applicant', async () => {
    // Arrange
    const input = caseInput(DEMO_PEOPLE.townOwner, {
      sla: { ...RELAXED_SLA, socialInsuranceTransferMs: 1000, socialInsuranceTransferPollMs: 500 },
    });
    const handle = await startCase(stack, input);
    const supervisor = `Bearer ${await stack.token({ sub: 'supervisor-1', role: 'supervisor' })}`;

    // Act
    await Promise.all([decide(handle, 'police'), decide(handle, 'housing')]);

    // Assert: overdue → an incident in the stuck list, and an escalation to supervisors.
    await untilState(handle, (s) => (s.socialInsuranceTransfer?.overdue ? true : undefined), 'the transfer overdue');
    const stuck = await eventually(async () => {
      const res = await request(stack.app)
        .get('/api/v1/supervisor/stuck-cases?reason=overdue&department=hrss&limit=50')
        .set('authorization', supervisor)
        .expect(200);
      const items = res.body.items as Array<{ caseId: string; incidents: Array<{ kind: string; department: string }> }>;
      return items.find((i) => i.caseId === input.caseId);
    }, 'the case in the stuck list');
    assert.deepEqual(
      stuck.incidents.map((i) => `${i.kind}:${i.department}`),
      ['transfer_overdue:hrss'],
    );
    const escalations = await eventually(async () => {
      const n = await noticeModel(stack.mongo).find({ caseId: input.caseId, event: 'escalation' }).lean();
      return n.length >= 2 ? n : undefined;
    }, 'the escalation notices');
    assert.deepEqual(escalations.map((n) => n.channel).sort(), ['email', 'sms']);

    // Then HR completes it: the case finds out by polling, tells the applicant and ends.
    assert.equal((await handle.result()).status, 'settled');
    const state = await handle.query(caseStatusQuery);
    assert.equal(state.socialInsuranceTransfer?.status, 'completed');
    assert.equal(state.socialInsuranceTransfer?.overdue, false);
    const followUp = await noticeModel(stack.mongo).find({ caseId: input.caseId, event: 'social_insurance_transferred' }).lean();
    assert.deepEqual(followUp.map((n) => n.channel).sort(), ['email', 'sms']);
  });
});
