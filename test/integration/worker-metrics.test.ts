/**
 * The worker's metrics endpoint (issue 11, Operations): our own metrics (activity failures,
 * cases by status, notices pending) and the Temporal SDK's runtime metrics on one scrape.
 * Like worker/main.ts with WORKER_METRICS_ADDRESS set, this process installs the Runtime with
 * the SDK's exporter on a free loopback port before the stack does, and serves the endpoint
 * on port 0 so parallel test files never collide.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../config/logger';
import { caseModel } from '../../models/case.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { freeLoopbackAddress, serveWorkerMetrics, type WorkerMetricsServer } from '../../worker/metrics-server';
import { installTemporalRuntime } from '../../worker/runtime';
import { awaitingDecision, caseInput, startCase } from '../support/cases';
import { parsePrometheusText, sumOf, type Sample } from '../support/prometheus-text';
import { SDK_SERIES_NAMES } from '../support/sdk-metrics';
import { eventually, startStack, type TestStack } from '../support/stack';

describe('worker metrics: our metrics and the SDK runtime metrics on one endpoint', () => {
  let stack: TestStack;
  let server: WorkerMetricsServer;
  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`http://${server.address}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return parsePrometheusText(await res.text());
  };

  before(async () => {
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'test-worker-metrics' });
    const sdkAddress = await freeLoopbackAddress();
    installTemporalRuntime(logger, { sdkMetricsAddress: sdkAddress });
    stack = await startStack('worker_metrics', { workerMetrics: true });
    server = await serveWorkerMetrics({ address: '127.0.0.1:0', registry: stack.workerMetrics!.registry, sdkAddress, logger });
  });
  after(async () => {
    await server?.close();
    await stack?.faults();
    await stack?.close();
  });

  it('when a lookup fails twice before it answers, then the scrape counts the failures, the case, its queued notice and the SDK task metrics', async () => {
    await stack.faults({ department: 'police', failNext: 2 });
    const input = caseInput(DEMO_PEOPLE.townOwner);
    const handle = await startCase(stack, input);
    await awaitingDecision(handle, 'police');

    const samples = await eventually(async () => {
      const s = await scrape();
      return sumOf(s, 'activity_failures_total', { activity_type: 'runDepartmentCheck' }) >= 2 ? s : undefined;
    }, 'two failed lookups counted');
    assert.equal(sumOf(samples, 'activity_failures_total', { activity_type: 'runDepartmentCheck', non_retryable: 'true' }), 0);

    const view = await caseModel(stack.mongo).findById(input.caseId).lean();
    assert.ok(view, 'the case is in the read model');
    assert.equal(sumOf(samples, 'cases_by_status', { status: view.status }), 1);
    assert.ok(sumOf(samples, 'notices_pending') >= 1, 'the acknowledgement notice is queued');
    assert.ok(sumOf(samples, 'temporal_workflow_task_execution_latency_seconds_count') >= 1, 'the SDK timed workflow tasks');
    assert.ok(sumOf(samples, 'temporal_activity_execution_failed_total', { activity_type: 'runDepartmentCheck' }) >= 2);
  });

  it('when the worker has run a case, then every SDK metric the dashboard uses is on the endpoint', async () => {
    const names = new Set((await scrape()).map((s) => s.name));
    assert.deepEqual(
      SDK_SERIES_NAMES.filter((n) => !names.has(n)),
      [],
      'test/support/sdk-metrics.ts lists a metric the SDK does not export',
    );
  });

  it('when anything but GET /metrics is asked for, then the endpoint answers 404', async () => {
    assert.equal((await fetch(`http://${server.address}/`)).status, 404);
    assert.equal((await fetch(`http://${server.address}/metrics`, { method: 'POST' })).status, 404);
  });
});
