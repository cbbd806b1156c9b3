/**
 * API process entry point: load config, connect to Temporal and MongoDB, listen — on the public
 * port, and with METRICS_PORT on the internal metrics port too (api/metrics-app.ts).
 */
import type { Server } from 'node:http';
import { loadApiConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { warnSecretsNotUsed } from '../config/process-secrets';
import { warnUnknownVariables } from '../config/unknown-variables';
import { createApp } from './app';
import { answerClientErrorsAsProblems } from './client-errors';
import { connectApi } from './connect';
import { readinessReport } from './health.router';
import { createMetrics } from './metrics';
import { createMetricsApp } from './metrics-app';
import { problemTypeUri } from './problem';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' });
  warnUnknownVariables(logger);
  warnSecretsNotUsed('api', logger);
  const { mongo, mongoWatchdog, connection, temporal } = await connectApi(config, logger);
  const metrics = createMetrics(mongo, config);
  // One readiness report for both doors: the public /readyz's summary and the internal one in full.
  const readiness = readinessReport({ config, logger, temporal, mongo });
  const app = createApp({ config, logger, temporal, mongo, mongoHealth: mongoWatchdog.health, metrics, readiness });
  const server = app.listen(config.API_PORT, config.API_HOST, () => {
    logger.info({ url: `http://${config.API_HOST}:${config.API_PORT}` }, 'api listening');
  });
  answerClientErrorsAsProblems(server, problemTypeUri(config));
  let metricsServer: Server | undefined;
  if (config.METRICS_PORT !== undefined) {
    metricsServer = createMetricsApp({ config, logger, metrics, readiness }).listen(
      config.METRICS_PORT,
      config.METRICS_HOST,
      () => {
        logger.info({ url: `http://${config.METRICS_HOST}:${config.METRICS_PORT}/metrics` }, 'api metrics listening');
      },
    );
    metricsServer.on('error', (err) => {
      logger.fatal({ err: err.message }, 'api metrics cannot listen');
      process.exit(1);
    });
  }

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'api shutting down');
    metricsServer?.close();
    server.close(() => {
      // Fire and forget: allSettled never rejects, and the process exits once both are closed.
      mongoWatchdog.stop();
      void Promise.allSettled([connection.close(), mongo.close()]).then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
