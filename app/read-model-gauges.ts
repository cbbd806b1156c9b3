/**
 * Prometheus gauges over the read model, computed when scraped (never on a timer, so an idle
 * endpoint costs the database nothing). Shared by the API's /metrics and the worker's endpoint
 * (issue 11, Operations): one query per gauge, written once. Each query is bounded by
 * maxTimeMS; a query that fails or times out leaves its gauge without samples for that scrape
 * and counts in read_model_gauge_failures_total, so an unreachable database never hides the
 * rest of the scrape (request latency, activity failures, the SDK's metrics).
 */
import type { Connection } from 'mongoose';
import { Counter, Gauge, type Registry } from 'prom-client';
import { caseModel } from '../models/case.model';
import { noticeModel } from '../models/notice.model';

/** How long a gauge's query may run on the database before the scrape gives up on it. */
export const GAUGE_QUERY_MAX_TIME_MS = 2000;

export type ReadModelGauge = 'cases_by_status' | 'notices_pending';

export function registerReadModelGauges(registry: Registry, mongo: Connection, gauges: readonly ReadModelGauge[]): void {
  let failed: ReadModelGauge[] = [];
  const inFlight = new Set<Promise<void>>();
  /** Runs a gauge's query; on failure the gauge shows no samples (not a misleading 0) and the failure is noted. */
  const collect = (gauge: Gauge<string>, name: ReadModelGauge, query: () => Promise<void>): Promise<void> => {
    const run = (async () => {
      gauge.reset();
      try {
        await query();
      } catch {
        gauge.reset();
        gauge.remove({}); // a gauge without labels keeps a 0 sample after reset()
        failed.push(name);
      }
    })();
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  };

  if (gauges.includes('cases_by_status')) {
    const cases = caseModel(mongo);
    const gauge: Gauge<'status'> = new Gauge({
      name: 'cases_by_status',
      help: 'Settlement cases in the read model by status',
      labelNames: ['status'],
      registers: [registry],
      collect: () =>
        collect(gauge, 'cases_by_status', async () => {
          const rows = await cases
            .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }])
            .option({ maxTimeMS: GAUGE_QUERY_MAX_TIME_MS });
          for (const r of rows) gauge.set({ status: r._id }, r.n);
        }),
    });
  }
  if (gauges.includes('notices_pending')) {
    const notices = noticeModel(mongo);
    const gauge: Gauge = new Gauge({
      name: 'notices_pending',
      help: 'Notices in the outbox still queued for delivery (status queued)',
      registers: [registry],
      collect: () =>
        collect(gauge, 'notices_pending', async () => {
          gauge.set(await notices.countDocuments({ status: 'queued' }).maxTimeMS(GAUGE_QUERY_MAX_TIME_MS));
        }),
    });
  }
  // Registered after the gauges: a scrape has started their queries when this one is read, and
  // it waits for them, so a failure shows in the same scrape.
  const failures = new Counter({
    name: 'read_model_gauge_failures_total',
    help: 'Scrapes where a read-model gauge could not be computed (database unreachable or slower than its limit), by gauge',
    labelNames: ['gauge'],
    registers: [registry],
    async collect() {
      await Promise.all(inFlight);
      for (const gauge of failed) failures.inc({ gauge });
      failed = [];
    },
  });
}
