/** API process entry point: load config, connect to Temporal and MongoDB, listen. */
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { createApp } from './app';
import { connectApi } from './connect';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' });
  const { mongo, mongoWatchdog, connection, temporal } = await connectApi(config, logger);
  const app = createApp({ config, logger, temporal, mongo, mongoHealth: mongoWatchdog.health });
  const server = app.listen(config.API_PORT, config.API_HOST, () => {
    logger.info({ url: `http://${config.API_HOST}:${config.API_PORT}` }, 'api listening');
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'api shutting down');
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
