/**
 * Prometheus gauges over the read model, computed when scraped (never on a timer, so an idle
 * endpoint costs the database nothing). Shared by the API's /metrics and the worker's endpoint
 * (issue 11, Operations): one query per gauge, written once. Each query is bounded by
 * maxTimeMS so a slow database makes a scrape fail, not hang.
 */
import type { Connection } from 'mongoose';
import { Gauge, type Registry } from 'prom-client';
import { caseModel } from '../models/case.model';
import { noticeModel } from '../models/notice.model';

/** How long a gauge's query may run on the database before the scrape gives up on it. */
export const GAUGE_QUERY_MAX_TIME_MS = 2000;

export function registerCasesByStatusGauge(registry: Registry, mongo: Connection): Gauge<'status'> {
  const cases = caseModel(mongo);
  return new Gauge({
    name: 'cases_by_status',
    help: 'Settlement cases in the read model by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await cases
        .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }])
        .option({ maxTimeMS: GAUGE_QUERY_MAX_TIME_MS });
      for (const r of rows) this.set({ status: r._id }, r.n);
    },
  });
}

export function registerNoticesPendingGauge(registry: Registry, mongo: Connection): Gauge {
  const notices = noticeModel(mongo);
  return new Gauge({
    name: 'notices_pending',
    help: 'Notices in the outbox still queued for delivery (status queued)',
    registers: [registry],
    async collect() {
      this.set(await notices.countDocuments({ status: 'queued' }).maxTimeMS(GAUGE_QUERY_MAX_TIME_MS));
    },
  });
}
