/**
 * Temporal SDK runtime metrics that docs/grafana/hukou-settlement.json charts, as the TypeScript
 * SDK 1.24 exporter really names them when worker/runtime.ts configures it (prefix `temporal_`,
 * durations in seconds with a `_seconds` suffix, counters ending in `_total`). Observed by
 * scraping a worker during test/integration/worker-metrics.test.ts, which checks that each one is
 * there after a case ran; test/unit/grafana-dashboard.test.ts lets the dashboard use only these
 * and our own registries' names. A metric the SDK exports only after rarer events (e.g.
 * `temporal_sticky_cache_miss_total`, absent from that scrape) does not belong here.
 */
export const SDK_METRICS = {
  histogram: [
    'temporal_workflow_task_execution_latency_seconds',
    'temporal_workflow_task_schedule_to_start_latency_seconds',
    'temporal_workflow_task_replay_latency_seconds',
    'temporal_activity_schedule_to_start_latency_seconds',
    'temporal_activity_execution_latency_seconds',
  ],
  counter: ['temporal_sticky_cache_hit_total', 'temporal_activity_execution_failed_total'],
  gauge: ['temporal_sticky_cache_size', 'temporal_worker_task_slots_available'],
} as const;

/** The series names a scrape shows for a metric of each type (a histogram's _bucket, _sum, _count). */
export function seriesNames(type: 'histogram' | 'counter' | 'gauge' | 'summary', name: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

export const SDK_SERIES_NAMES: readonly string[] = (Object.keys(SDK_METRICS) as (keyof typeof SDK_METRICS)[]).flatMap((type) =>
  SDK_METRICS[type].flatMap((name) => seriesNames(type, name)),
);
