/**
 * Installs the process's one Temporal Runtime: the SDK's own logs (worker state, retries) go
 * through our structured logger and, when asked, its runtime metrics (workflow task latency,
 * schedule-to-start, sticky cache, polls…) to a Prometheus exporter that worker/metrics-server.ts
 * serves together with our metrics (issue 11, Operations).
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../config/logger';

const SDK_LEVEL: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
};

export interface TemporalRuntimeOptions {
  /**
   * `host:port` the SDK's Prometheus exporter binds (a loopback port: worker/metrics-server.ts
   * reads it and serves it on WORKER_METRICS_ADDRESS); unset, the SDK exports no metrics.
   */
  sdkMetricsAddress?: string;
}

let installed = false;

/**
 * The Runtime can be installed once per process: the first call wins and later ones (every
 * test stack calls this) change nothing. A process that wants the SDK's metrics calls it first.
 */
export function installTemporalRuntime(logger: Logger, opts: TemporalRuntimeOptions = {}): void {
  if (installed) return;
  installed = true;
  const level = SDK_LEVEL[logger.level] ?? 'ERROR';
  Runtime.install({
    ...(opts.sdkMetricsAddress
      ? {
          telemetryOptions: {
            metrics: {
              // Prometheus conventions: durations in seconds with the unit in the name, counters
              // ending in _total (e.g. temporal_workflow_task_execution_latency_seconds).
              prometheus: {
                bindAddress: opts.sdkMetricsAddress,
                useSecondsForDurations: true,
                unitSuffix: true,
                countersTotalSuffix: true,
              },
            },
          },
        }
      : {}),
    logger: new DefaultLogger(level, (entry) => {
      const fields = { sdk: true, ...entry.meta };
      const msg = entry.message;
      switch (entry.level) {
        case 'TRACE':
        case 'DEBUG':
          logger.debug(fields, msg);
          break;
        case 'INFO':
          logger.info(fields, msg);
          break;
        case 'WARN':
          logger.warn(fields, msg);
          break;
        default:
          logger.error(fields, msg);
      }
    }),
  });
}
