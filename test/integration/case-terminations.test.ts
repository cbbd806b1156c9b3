/**
 * A supervisor ends a case (terminate Update or workflow cancellation): every committed step is
 * undone in reverse order. A compensation that fails is retried and surfaced to supervisors,
 * never swallowed (CONVENTIONS "Workflows").
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Connection as MongoConnection } from 'mongoose';
import { createDepartmentSystemsClient } from '../../activities/adapters/department-systems.client';
import { createRegistersClient } from '../../activities/adapters/registers.client';
import { createNoticeRenderer } from '../../activities/notifications/renderer';
import { DEVELOPMENT_SIMULATOR_API_KEY } from '../../config/config';
import { caseModel } from '../../models/case.model';
import { connectMongo } from '../../models/connection';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { createWorker } from '../../worker/create-worker';
import { FailingChecksKey } from '../../workflows/search-attributes';
import { settlementCase } from '../../workflows/settlement-case/settlement-case.workflow';
import {
  caseStatusQuery,
  settlementCaseWorkflowId,
  supervisorActionUpdate,
  terminateUpdate,
  type SettlementCaseInput,
} from '../../workflows/settlement-case/messages';
import type { WorkflowHandle } from '@temporalio/client';
import {
  assertCompensatedInReverse,
  auditTrail,
  noticeEvents,
  noticesOf,
  poolUsage,
  reservationsOf,
  searchAttributes,
  untilHeld,
  untilState,
  untilVisible,
} from '../support/case-records';
import { caseInput, decide, startCase } from '../support/cases';
import { mongoUriFor, temporalAddress, temporalNamespace } from '../support/services';
import { eventually, startStack, type TestStack, TEST_PAYLOAD_KEYS } from '../support/stack';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

function terminate(handle: WorkflowHandle, note = 'duplicate application found by audit') {
  const requestId = randomUUID();
  return handle.executeUpdate(terminateUpdate, {
    updateId: requestId,
    args: [{ requestId, supervisorId: 'supervisor-7', note }],
  });
}

/**
 * A points case with police, housing and education approved: residence and provisional
 * registration held (its quota slot would come only from its admission round, issue 13).
 */
async function caseWithCommits(
  stack: TestStack,
  start = startCase,
  sla: Partial<SettlementCaseInput['sla']> = {},
): Promise<{ input: SettlementCaseInput; handle: WorkflowHandle }> {
  const base = caseInput(DEMO_PEOPLE.pointsHigh);
  const input = { ...base, sla: { ...base.sla, ...sla } };
  const handle = await start(stack, input);
  await Promise.all([decide(handle, 'police'), decide(handle, 'housing'), decide(handle, 'education')]);
  await untilHeld(handle, 2);
  return { input, handle };
}

const POOLS = ['residence:yanta', 'provisional_registration'];

describe('supervisor termination and compensation', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('terminations');
  });
  after(async () => {
    await stack.faults();
    await stack.close();
  });

  it('when a supervisor terminates a case, then it ends as terminated and every reservation is released in reverse order', async () => {
    const { input, handle } = await caseWithCommits(stack);
    assert.deepEqual(await terminate(handle), { status: 'terminated' });
    const result = await handle.result();

    assert.equal(result.status, 'terminated');
    assert.equal(result.compensated.length, 2);
    await assertCompensatedInReverse(stack, input.caseId, 2);
    assert.ok((await reservationsOf(stack, input.caseId)).every((r) => r.status === 'released'));
    const view = await caseModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(view?.status, 'terminated');
    assert.equal(view?.outcome?.by, 'supervisor-7');
    assert.equal(view?.outcome?.note, 'duplicate application found by audit');
    const ended = (await auditTrail(stack, input.caseId)).filter((e) => e.type === 'terminated');
    assert.deepEqual(
      ended.map((e) => `${e.actor.role}:${e.actor.id}`),
      ['supervisor:supervisor-7'],
    );
    // A termination is a decision: a numbered letter with appeal rights, then what was released.
    assert.deepEqual(await noticeEvents(stack, input.caseId), [
      'case_received:email',
      'case_received:sms',
      'reservations_released:email',
      'reservations_released:sms',
      'terminated:email',
      'terminated:sms',
    ]);
    assert.match(view?.outcome?.documentNumber ?? '', /〔\d{4}〕第\d{6}号$/);
  });

  it('when the case workflow is cancelled, then it ends as terminated with the same compensation', async () => {
    const { input, handle } = await caseWithCommits(stack);
    await handle.cancel();
    const result = await handle.result();

    assert.equal(result.status, 'terminated');
    await assertCompensatedInReverse(stack, input.caseId, 2);
    assert.deepEqual(await poolUsage(stack, POOLS), Object.fromEntries(POOLS.map((p) => [p, 0])));
    const view = await caseModel(stack.mongo).findById(input.caseId).lean();
    assert.equal(view?.status, 'terminated');
    assert.ok(Object.values(view?.steps ?? {}).every((s) => ['approved', 'cancelled'].includes(s.status)));
  });

  it('when a case is cancelled while department lookups are in flight, then it ends as terminated without waiting for them', async () => {
    // Each lookup answers only after 20 s: a cancellation that waited for them would take that long.
    const lookupDelayMs = 20_000;
    await stack.faults({ department: '*', delayMs: lookupDelayMs });
    try {
      const input = caseInput(DEMO_PEOPLE.townOwner);
      const handle = await startCase(stack, input);
      await untilState(
        handle,
        (s) => (Object.values(s.steps).some((x) => x.status === 'checking') ? true : undefined),
        'lookups in flight',
      );
      const cancelledAt = Date.now();
      await handle.cancel();
      assert.deepEqual(await handle.result(), { status: 'terminated', compensated: [] });
      const tookMs = Date.now() - cancelledAt;
      assert.ok(tookMs < lookupDelayMs / 2, `ended ${tookMs} ms after the cancellation: it waited for the lookups`);
      assert.deepEqual(await reservationsOf(stack, input.caseId), []);
    } finally {
      await stack.faults();
    }
  });

  describe('when the database is unreachable for the worker while compensating', () => {
    let proxy: TcpProxy;
    let workerMongo: MongoConnection;
    let native: NativeConnection;
    let worker: Worker;
    let running: Promise<void>;
    let taskQueue: string;

    before(async () => {
      const direct = new URL(mongoUriFor(stack.mongo.name));
      proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port) });
      const viaProxy = new URL(direct);
      viaProxy.host = proxy.address;
      workerMongo = await connectMongo({ uri: viaProxy.toString(), serverSelectionTimeoutMS: 500 });
      native = await NativeConnection.connect({ address: temporalAddress() });
      taskQueue = `${stack.taskQueue}-partitioned`;
      worker = await createWorker({
        connection: native,
        namespace: temporalNamespace(),
        taskQueue,
        payloadKeys: TEST_PAYLOAD_KEYS,
        deps: {
          mongo: workerMongo,
          departmentSystems: createDepartmentSystemsClient({
            baseUrl: stack.simulatorUrl,
            timeoutMs: 2000,
            apiKey: DEVELOPMENT_SIMULATOR_API_KEY,
          }),
          registers: createRegistersClient({
            baseUrl: stack.simulatorUrl,
            timeoutMs: 2000,
            apiKey: DEVELOPMENT_SIMULATOR_API_KEY,
          }),
          renderer: createNoticeRenderer(),
        },
        workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
      });
      running = worker.run();
    });
    after(async () => {
      proxy.restore();
      worker.shutdown();
      await running;
      await Promise.allSettled([workerMongo.close(), native.close(), proxy.close()]);
    });

    it('then the failing release is an incident (error, rounds) for supervisors, a supervisor retries it at once when the database is back, and it completes in reverse order', async () => {
      const startPartitioned = (s: TestStack, input: SettlementCaseInput) =>
        s.client.workflow.start(settlementCase, {
          taskQueue,
          workflowId: settlementCaseWorkflowId(input.caseId),
          args: [input],
        });
      // A pause between rounds far longer than the test: only the supervisor's retry ends it.
      const { input, handle } = await caseWithCommits(stack, startPartitioned, {
        checkRetryPauseMs: 3_600_000,
        checkRetryMaxPauseMs: 3_600_000,
      });
      // Every transition so far is written before the partition.
      await eventually(
        async () => ((await caseModel(stack.mongo).findById(input.caseId).lean())?.reservations.length === 2 ? true : undefined),
        'read model shows the two reservations',
      );

      proxy.cut();
      await decide(handle, 'hrss', 'reject', { reasonCode: 'fraudulent_material', reasonText: '社保缴费证明与系统记录不符' });
      const failing = await untilState(
        handle,
        (s) => (s.failingCompensations.length > 0 ? s.failingCompensations : undefined),
        'a compensation reported failing',
      );
      await untilVisible(stack, handle, `FailingChecks = 'compensation'`);
      assert.deepEqual((await searchAttributes(stack, handle)).get(FailingChecksKey), ['compensation']);
      assert.equal((await handle.describe()).status.name, 'RUNNING', 'the case waits; it does not end with a reservation held');

      const watched = await handle.query(caseStatusQuery);
      const incident = watched.compensationFailures?.[0];
      // A failing compensation is the system watching, not progress: the last progress stays before it.
      assert.ok(incident && watched.lastProgressAt < incident.since, `${watched.lastProgressAt} before ${incident?.since}`);
      const retry = (requestId: string) =>
        handle.executeUpdate(supervisorActionUpdate, {
          updateId: requestId,
          args: [
            {
              requestId,
              supervisorId: 'supervisor-1',
              department: incident!.department,
              action: 'retry_compensation',
              note: '数据库已恢复',
            },
          ],
        });
      // Another department has nothing failing: its retry is refused.
      const other = incident?.department === 'hrss' ? 'police' : 'hrss';
      const otherRetry = handle.executeUpdate(supervisorActionUpdate, {
        updateId: randomUUID(),
        args: [
          { requestId: randomUUID(), supervisorId: 'supervisor-1', department: other, action: 'retry_compensation', note: 'x' },
        ],
      });
      await assert.rejects(
        otherRetry,
        (err: Error) => /is failing/.test(String(err.cause ?? err.message)) || /is failing/.test(err.message),
      );

      proxy.restore();
      await retry(randomUUID());
      const result = await handle.result();

      assert.equal(result.status, 'rejected');
      await assertCompensatedInReverse(stack, input.caseId, 2);
      assert.ok((await reservationsOf(stack, input.caseId)).every((r) => r.status === 'released'));
      const trail = await auditTrail(stack, input.caseId);
      // The last commit is undone first, so it is the one seen failing (and it blocks the rest).
      const lastCommit = trail.filter((e) => e.type === 'commit' && e.what.endsWith(' reserved')).at(-1)!;
      const lastKind = lastCommit.what.replace(' reserved', '');
      assert.deepEqual(failing, [`${lastKind}:${String(lastCommit.data?.item)}`]);
      assert.equal(incident?.label, failing[0]);
      assert.equal(incident?.kind, lastKind);
      assert.ok(
        incident && incident.rounds >= 1 && incident.error.length > 0,
        `an incident with error and rounds: ${JSON.stringify(incident)}`,
      );
      const retried = trail.filter((e) => e.type === 'supervisor_action' && e.what === 'retry_compensation');
      assert.equal(retried.length, 1, 'the retry is audited');
      assert.equal(retried[0]?.why, '数据库已恢复');
      const failed = trail.filter((e) => e.type === 'compensation_failed');
      assert.ok(failed.length >= 1);
      assert.ok(failed.every((e) => e.what === `release ${lastKind} failed`));
      const escalations = (await noticesOf(stack, input.caseId)).filter((n) => n.event === 'escalation');
      assert.deepEqual(escalations.map((n) => `${n.channel}:${n.recipient.kind}`).sort(), [
        'email:supervisors',
        'sms:supervisors',
      ]);
      const view = await caseModel(stack.mongo).findById(input.caseId).lean();
      assert.deepEqual(view?.failingCompensations, []);
      assert.deepEqual(view?.compensationFailures, []);
      assert.deepEqual(view?.failingChecks, []);
      assert.equal(view?.status, 'rejected');
    });
  });
});
