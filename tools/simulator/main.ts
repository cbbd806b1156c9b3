/**
 * Department systems simulator entry point: load config and the people files (people/*.json and
 * SIMULATOR_PEOPLE; a bad file stops it here, naming the person and field), connect to the
 * database `department_systems` on the server of MONGODB_URI (its own database, apart from the
 * case engine's), seed them, listen on SIMULATOR_HOST:SIMULATOR_PORT (127.0.0.1 unless told).
 */
import { loadStandInConfig, simulatorApiKeys, smsCallbackSecret } from '../../config/config';
import { warnSecretsNotUsed } from '../../config/process-secrets';
import { loadSmsTemplates } from '../../policy/sms-templates';
import { createLogger } from '../../config/logger';
import { connectWatchedMongo } from '../../models/mongo-watchdog';
import { createSimulatorApp } from './app';
import { everyoneIn, loadPeople, simulatorPeopleSources } from './people-file';
import { seedDepartmentSystems } from './seed';

const SIMULATOR_DATABASE = 'department_systems';

/** The same server, user and options as `uri`, but the simulator's own database. */
function simulatorMongoUri(uri: string): string {
  const url = new URL(uri);
  url.pathname = `/${SIMULATOR_DATABASE}`;
  return url.toString();
}

async function main(): Promise<void> {
  const config = loadStandInConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'department-systems-simulator' });
  warnSecretsNotUsed('simulator', logger);
  const apiKeys = simulatorApiKeys(config);
  if (apiKeys.length === 0) throw new Error('SIMULATOR_API_KEYS: set at least one caller key in production');
  const sources = simulatorPeopleSources(config.SIMULATOR_PEOPLE);
  const entries = loadPeople(sources);
  // Watched like the engine's own processes: a client that stays silent after an outage is
  // reopened (models/mongo-watchdog.ts), or every lookup would answer 503 from then on.
  const { mongo: conn } = await connectWatchedMongo({ ...config, MONGODB_URI: simulatorMongoUri(config.MONGODB_URI) }, logger);
  const seeded = await seedDepartmentSystems(conn, everyoneIn(entries));
  logger.info(
    { database: SIMULATOR_DATABASE, sources, files: new Set(entries.map((e) => e.source)).size, ...seeded },
    'department records seeded',
  );

  const callbackUrl =
    config.SIMULATOR_CALLBACK_URL ?? `http://${config.API_HOST}:${config.API_PORT}/api/v1/callbacks/social-insurance-transfers`;
  // The provider approved the templates the engine sends by: the same table, read at each send as
  // the engine reads it, and once now so that a broken file stops the start.
  const approved = () => loadSmsTemplates(config.SMS_TEMPLATES_FILE);
  approved();
  // The SMS gateway's receipts go to the API's callback (issue 14).
  const sms = {
    callbackUrl: config.SMS_CALLBACK_URL ?? `http://${config.API_HOST}:${config.API_PORT}/api/v1/callbacks/sms-receipts`,
    approved,
    ...(smsCallbackSecret(config) ? { callbackSecret: smsCallbackSecret(config) } : {}),
  };
  const app = createSimulatorApp({
    conn,
    logger,
    sms,
    apiKeys,
    // Fault injection is a test tool: a production simulator never offers it.
    faultInjection: config.NODE_ENV !== 'production',
    registers: {
      transferDelayMs: config.SIMULATOR_TRANSFER_DELAY_MS,
      ...(config.REGISTER_CALLBACK_SECRET ? { callback: { url: callbackUrl, secret: config.REGISTER_CALLBACK_SECRET } } : {}),
    },
  });
  const server = app.listen(config.SIMULATOR_PORT, config.SIMULATOR_HOST, () => {
    logger.info({ url: `http://${config.SIMULATOR_HOST}:${config.SIMULATOR_PORT}` }, 'department systems simulator listening');
  });
  server.on('error', (err) => {
    logger.fatal({ err: err.message }, 'department systems simulator cannot listen');
    process.exit(1);
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'department systems simulator shutting down');
    server.close(() => {
      // The process ends here whether or not the close succeeds; the timer below is the backstop.
      void conn.close().finally(() => process.exit(0));
    });
    // Delayed fault-injection answers and keep-alive sockets must not hold the exit.
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`department systems simulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
