/** Prometheus metrics: request latency, cases by status (read on scrape), decisions per department. */
import type { RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from '../config/config';
import { configuredCoverage, type CoverageSource } from '../app/queries/calendar-coverage';
import { registerReadModelGauges } from '../app/read-model-gauges';

export interface Metrics {
  registry: Registry;
  decisions: Counter<'department' | 'decision'>;
  middleware: RequestHandler;
}

/** `calendar`: where hukou_calendar_provisional reads the calendar files (tests); default the shipped folder, today. */
export function createMetrics(mongo: Connection, config?: Config, calendar: CoverageSource = {}): Metrics {
  const registry = new Registry();
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'officer_decisions_total',
    help: 'Officer decisions accepted',
    labelNames: ['department', 'decision'],
    registers: [registry],
  });
  registerReadModelGauges(registry, mongo, ['cases_by_status']);
  if (config?.DEADLINE_CLOCK === 'working-days')
    new Gauge({
      name: 'hukou_calendar_provisional',
      help: '1 while deadlines counted now reach a year without its holiday calendar (policy/calendar/<year>.json): they count weekdays only',
      registers: [registry],
      collect() {
        this.set(configuredCoverage(config, calendar).provisional ? 1 : 0);
      },
    });
  const middleware: RequestHandler = (req, res, next) => {
    const end = latency.startTimer({ method: req.method });
    res.on('finish', () => {
      // The route template, never the raw URL: ids (and anything else) stay out of label values.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ route, status: String(res.statusCode) });
    });
    next();
  };
  return { registry, decisions, middleware };
}
