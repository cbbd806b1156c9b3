/**
 * /metrics away from the public port (issue 15 §6). With METRICS_PORT set (required in
 * production) the API process serves its metrics on a second listener at METRICS_HOST:METRICS_PORT
 * — an address only the monitoring network reaches — and the public app answers 404 there.
 * Without it (development, tests) the public app serves them as before, open or behind
 * METRICS_TOKEN.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';
import { readyzHandler, type ReadinessReport } from './health.router';
import type { Metrics } from './metrics';
import { createErrorHandler, HttpProblem, notFoundHandler, problemTypeUri } from './problem';

type MetricsConfig = Pick<Config, 'METRICS_TOKEN' | 'METRICS_PORT' | 'NODE_ENV' | 'WEB_BASE_URL' | 'API_HOST' | 'API_PORT'>;

/**
 * On the public app, 404 whenever the metrics live on METRICS_PORT (always so in production);
 * wherever they are served, METRICS_TOKEN (compared in constant time) when it is set.
 */
export function metricsGuard(config: MetricsConfig, where: 'public' | 'internal' = 'public'): RequestHandler {
  const expected = config.METRICS_TOKEN ? Buffer.from(`Bearer ${config.METRICS_TOKEN}`) : undefined;
  return (req, _res, next) => {
    if (where === 'public' && (config.METRICS_PORT !== undefined || config.NODE_ENV === 'production'))
      throw new HttpProblem(404, 'not-found', 'Metrics are served on the internal METRICS_PORT, not here');
    if (!expected) return next();
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new HttpProblem(401, 'unauthorized', 'The metrics token is required', {}, { 'WWW-Authenticate': 'Bearer' });
    next();
  };
}

/**
 * The internal listener's app: /metrics, and /readyz in full (the public one says only what is
 * up: api/health.router.ts). api/main.ts listens on METRICS_HOST:METRICS_PORT.
 */
export function createMetricsApp(deps: {
  config: MetricsConfig;
  logger: Logger;
  metrics: Metrics;
  readiness?: () => Promise<ReadinessReport>;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsGuard(deps.config, 'internal'), async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  if (deps.readiness) app.get('/readyz', metricsGuard(deps.config, 'internal'), readyzHandler(deps.readiness, 'full'));
  app.use(notFoundHandler);
  // Its problems are the API's: their types are the public app's pages.
  app.use(createErrorHandler(deps.logger, problemTypeUri(deps.config)));
  return app;
}
