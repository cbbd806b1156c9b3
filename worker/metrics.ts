/**
 * The worker's own Prometheus metrics (issue 11, Operations): activity failures by activity
 * type, compensation failures by reservation kind, and the read-model gauges (cases by status,
 * notices pending) computed on scrape. The SDK's runtime metrics (workflow task latency,
 * schedule-to-start, sticky cache…) come from the Temporal Runtime's own exporter and are
 * appended to these by worker/metrics-server.ts, so one endpoint serves everything.
 *
 * Failures are counted by an activity interceptor, outside the workflow: recorded histories
 * replay unchanged.
 */
import { ApplicationFailure, CancelledFailure, CompleteAsyncError } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import { Counter, Registry } from 'prom-client';
import type { Activities } from '../activities';
import { registerReadModelGauges } from '../app/read-model-gauges';
import type { ReleaseInput } from '../domain/capacity';

/** The saga's compensation (workflows/settlement-case/saga.ts `undo`): releases one reservation. */
const COMPENSATION_ACTIVITY = 'release' satisfies keyof Activities;

export interface WorkerMetrics {
  registry: Registry;
  /** Counts every failed activity attempt; give it to the worker's `interceptors.activity`. */
  activityInterceptor: ActivityInterceptorsFactory;
}

export function createWorkerMetrics(mongo: Connection): WorkerMetrics {
  const registry = new Registry();
  const activityFailures = new Counter({
    name: 'activity_failures_total',
    help: 'Failed activity attempts by activity type; non_retryable="true" for business refusals Temporal does not retry',
    labelNames: ['activity_type', 'non_retryable'],
    registers: [registry],
  });
  const compensationFailures = new Counter({
    name: 'compensation_failures_total',
    help: 'Failed attempts to release a reservation while a case is undone (saga compensation), by reservation kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  registerReadModelGauges(registry, mongo, ['cases_by_status', 'notices_pending']);

  const activityInterceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (err) {
          // Cancellation and asynchronous completion are not failures of the activity's work.
          if (!(err instanceof CancelledFailure || err instanceof CompleteAsyncError)) {
            const activityType = ctx.info.activityType;
            const nonRetryable = err instanceof ApplicationFailure && err.nonRetryable;
            activityFailures.inc({ activity_type: activityType, non_retryable: String(nonRetryable) });
            if (activityType === COMPENSATION_ACTIVITY) {
              const kind = (input.args[0] as Partial<ReleaseInput> | undefined)?.kind ?? 'unknown';
              compensationFailures.inc({ kind });
            }
          }
          throw err;
        }
      },
    },
  });
  return { registry, activityInterceptor };
}
