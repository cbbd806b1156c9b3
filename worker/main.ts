/** Worker process entry point. Worker.run() drains and stops on SIGINT / SIGTERM by itself. */
import { Connection } from '@temporalio/client';
import { GracefulShutdownPeriodExpiredError, NativeConnection } from '@temporalio/worker';
import { ConfigError, loadWorkerConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { warnSecretsNotUsed } from '../config/process-secrets';
import { warnUnknownVariables } from '../config/unknown-variables';
import { retryUntil } from '../config/retry';
import { createTemporalClient, temporalConnectionOptions } from '../temporal/client';
import { backfillOpenFlag } from '../models/case.model';
import { backfillCaseFacts, backfillFactPersons } from '../models/case-fact.model';
import { connectWatchedMongo } from '../models/mongo-watchdog';
import { ensurePostgresqlIndexes } from '../models/postgresql-indexes';
import { createActivityDeps } from './activity-deps';
import { ensureRoundSchedules, roundSettings } from '../temporal/admission-rounds';
import { createWorker } from './create-worker';
import { ensureNoticeDispatchers } from '../temporal/notice-dispatchers';
import { ensureRetentionSchedule } from '../temporal/retention-schedule';
import { createWorkerMetrics } from './metrics';
import { freeLoopbackAddress, serveWorkerMetrics } from './metrics-server';
import { installTemporalRuntime } from './runtime';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  warnUnknownVariables(logger);
  warnSecretsNotUsed('worker', logger);
  // With WORKER_METRICS_ADDRESS the SDK exports its runtime metrics on a private loopback port
  // that the worker's endpoint appends to its own.
  const sdkMetricsAddress = config.WORKER_METRICS_ADDRESS ? await freeLoopbackAddress() : undefined;
  installTemporalRuntime(logger, { sdkMetricsAddress });
  const { mongo, watchdog } = await connectWatchedMongo(config, logger);
  const backfilled = await backfillOpenFlag(mongo);
  if (backfilled > 0) logger.info({ cases: backfilled }, 'read model: open flag added to older projections');
  const withFacts = await backfillCaseFacts(mongo);
  if (withFacts > 0) logger.info({ cases: withFacts }, 'read model: dashboard facts written for older projections');
  const withPersons = await backfillFactPersons(mongo);
  if (withPersons > 0) logger.info({ facts: withPersons }, 'read model: persons added to older dashboard facts');
  if (config.FERRETDB_POSTGRESQL_URL) {
    const indexes = await ensurePostgresqlIndexes({ mongo, postgresqlUrl: config.FERRETDB_POSTGRESQL_URL });
    const created = indexes.filter((i) => i.created).map((i) => i.index);
    if (created.length > 0) logger.info({ created }, 'PostgreSQL: GIN indexes added under FerretDB');
  }
  const temporalOptions = temporalConnectionOptions(config);
  const connection = await retryUntil('Temporal', logger, () => NativeConnection.connect(temporalOptions));
  // Bulk interventions (issue 11) send cases their Updates from an activity, through a client.
  const clientConnection = await retryUntil('Temporal', logger, () => Connection.connect(temporalOptions));
  const temporal = createTemporalClient({
    connection: clientConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    payloadKeys: config.PAYLOAD_ENCRYPTION_KEYS,
    payloadCipher: config.DATA_CIPHER,
  });
  const metrics = config.WORKER_METRICS_ADDRESS ? createWorkerMetrics(mongo) : undefined;
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: {
      ...createActivityDeps(mongo, config, {
        onBrokenFile: (err) =>
          logger.error({ err: err.message }, 'policy file does not load: its last good version stays in use until it is mended'),
      }),
      temporal,
    },
    payloadKeys: config.PAYLOAD_ENCRYPTION_KEYS,
    payloadCipher: config.DATA_CIPHER,
    workflowBundlePath: config.WORKFLOW_BUNDLE_PATH,
    activityInterceptors: metrics ? [metrics.activityInterceptor] : [],
    tuning: { shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE_MS, shutdownForceTime: config.WORKER_SHUTDOWN_FORCE_MS },
  });
  const metricsServer =
    metrics && config.WORKER_METRICS_ADDRESS
      ? await serveWorkerMetrics({
          address: config.WORKER_METRICS_ADDRESS,
          registry: metrics.registry,
          sdkAddress: sdkMetricsAddress,
          logger,
          mongoHealth: watchdog.health,
        })
      : undefined;
  // Admission rounds open and close on their dates by Temporal Schedules (issue 13): made here,
  // once per round date still ahead; a Schedule that exists is left alone, so every worker may.
  const scheduled = await ensureRoundSchedules({ client: temporal, ...roundSettings(config) });
  if (scheduled.length > 0) logger.info({ scheduled }, 'admission-round schedules created');
  // The nightly retention sweep (issue 15 part 5): one Schedule per deployment, made or brought
  // to the configured time by whichever worker starts.
  const retention = await ensureRetentionSchedule(temporal, config);
  logger.info({ ...retention, at: config.RETENTION_SWEEP_AT }, 'retention schedule in place');
  // The notice dispatchers (issue 14): one per channel, started once whichever worker comes first.
  if (config.NOTICE_DELIVERY) {
    const dispatchers = await ensureNoticeDispatchers({ client: temporal, taskQueue: config.TEMPORAL_TASK_QUEUE });
    logger.info({ dispatchers }, 'notice dispatchers running');
  }
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  try {
    await worker.run();
  } catch (err) {
    // Past WORKER_SHUTDOWN_FORCE_MS the SDK leaves its tasks as they are and asks the process to
    // go: what was still running is retried by another worker once its timeout passes.
    if (!(err instanceof GracefulShutdownPeriodExpiredError)) throw err;
    logger.warn({ forceAfterMs: config.WORKER_SHUTDOWN_FORCE_MS }, 'worker: shutdown did not drain in time; exiting');
    process.exit(1);
  }
  await metricsServer?.close();
  watchdog.stop();
  await Promise.allSettled([connection.close(), clientConnection.close(), mongo.close()]);
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  // A configuration error says what to set; its stack would only bury that.
  const shown = err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`worker failed: ${shown}\n`);
  process.exit(1);
});
