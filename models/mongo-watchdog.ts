/**
 * Watches a process's MongoDB client by its own heartbeats (issue 12, `mongo-no-reconnect`): the
 * driver polls the server every `heartbeatFrequencyMS` (FerretDB has no streaming monitor) and
 * reports each poll. Failing polls are logged once when they start and once when they stop, so a
 * stuck client can be seen in the logs. When no poll has succeeded for `stalePeriods` periods the
 * process reports itself unhealthy until one succeeds again, so `/healthz` and the worker's
 * liveness probe fail and an orchestrator restarts it; with `reopen` the client is also reopened
 * in place (same mongoose Connection, so every model bound to it keeps working).
 *
 * This is not a reconnect loop beside the driver's (FACTS.md warns against one): the driver keeps
 * reconnecting by itself; the watchdog acts only when its client has gone silent for far longer.
 */
import type { MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';
import { retryUntil } from '../config/retry';
import { connectMongo, mongoOpenOptions } from './connection';
import { mongoTlsOptions, type MongoTlsSettings } from '../config/tls-options';

export interface MongoHealth {
  healthy: boolean;
  /** The last successful heartbeat (ISO), if any since start. */
  lastHeartbeatAt?: string;
  /** Since when heartbeats have failed (ISO), while they do. */
  failingSince?: string;
  /** How often the client was reopened, and tried to be (a try fails while the server is away). */
  reopens: number;
  reopenAttempts: number;
}

export interface MongoWatchdog {
  health(): MongoHealth;
  stop(): void;
}

export interface WatchOptions {
  uri: string;
  /** Options to reopen with: the same as the first open. */
  openOptions: Record<string, unknown>;
  heartbeatMs: number;
  /** Periods without a successful heartbeat before the client counts as silent (default 5). */
  stalePeriods?: number;
  /** Reopen a silent client in place (the processes do; a test may watch without). */
  reopen?: boolean;
  logger: Logger;
  now?: () => number;
}

export function watchMongo(conn: Connection, opts: WatchOptions): MongoWatchdog {
  const now = opts.now ?? Date.now;
  const staleMs = (opts.stalePeriods ?? 5) * opts.heartbeatMs;
  let lastOk = now();
  let everOk = false;
  let failingSince: number | undefined;
  let reopens = 0;
  let reopenAttempts = 0;
  let reopening = false;
  let stopped = false;
  /** After a reopen, the new client gets another stale period to report before the next. */
  let nextReopenAt = now() + staleMs;

  const attach = (client: MongoClient) => {
    client.on('serverHeartbeatSucceeded', () => {
      if (failingSince !== undefined) opts.logger.info({ failedForMs: now() - failingSince }, 'MongoDB heartbeats succeed again');
      lastOk = now();
      everOk = true;
      failingSince = undefined;
    });
    client.on('serverHeartbeatFailed', (e) => {
      if (failingSince !== undefined) return;
      failingSince = now();
      opts.logger.warn({ err: e.failure.message, connectionId: e.connectionId }, 'MongoDB heartbeat failed');
    });
  };
  attach(conn.getClient());

  const reopen = async () => {
    reopening = true;
    reopenAttempts++;
    opts.logger.warn(
      { silentForMs: now() - lastOk, reopens: reopens + 1 },
      'no MongoDB heartbeat for too long: reopening the client',
    );
    try {
      await conn.close();
      await conn.openUri(opts.uri, opts.openOptions);
      attach(conn.getClient());
      reopens++;
      opts.logger.info({ reopens }, 'MongoDB client reopened');
    } catch (err) {
      // Still down: tried again after another stale period.
      opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'reopening the MongoDB client failed');
    } finally {
      nextReopenAt = now() + staleMs;
      reopening = false;
    }
  };

  const timer = setInterval(() => {
    if (!opts.reopen || stopped || reopening || now() - lastOk <= staleMs || now() < nextReopenAt) return;
    void reopen();
  }, opts.heartbeatMs);
  timer.unref();

  return {
    health: () => ({
      healthy: now() - lastOk <= staleMs,
      ...(everOk ? { lastHeartbeatAt: new Date(lastOk).toISOString() } : {}),
      ...(failingSince !== undefined ? { failingSince: new Date(failingSince).toISOString() } : {}),
      reopens,
      reopenAttempts,
    }),
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** A process's MongoDB connection (retried until it answers at start-up) and its watchdog. */
export async function connectWatchedMongo(
  config: Pick<
    Config,
    | 'MONGODB_URI'
    | 'MONGODB_SERVER_SELECTION_TIMEOUT_MS'
    | 'MONGODB_HEARTBEAT_MS'
    | 'MONGODB_MAX_POOL_SIZE'
    | 'MONGODB_REOPEN_SILENT_CLIENT'
  > &
    MongoTlsSettings,
  logger: Logger,
): Promise<{ mongo: Connection; watchdog: MongoWatchdog }> {
  const opts = {
    uri: config.MONGODB_URI,
    serverSelectionTimeoutMS: config.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
    heartbeatFrequencyMS: config.MONGODB_HEARTBEAT_MS,
    maxPoolSize: config.MONGODB_MAX_POOL_SIZE,
    tls: mongoTlsOptions(config),
  };
  const mongo = await retryUntil('MongoDB', logger, () => connectMongo(opts));
  const watchdog = watchMongo(mongo, {
    reopen: config.MONGODB_REOPEN_SILENT_CLIENT,
    uri: opts.uri,
    openOptions: mongoOpenOptions(opts),
    heartbeatMs: opts.heartbeatFrequencyMS,
    logger,
  });
  return { mongo, watchdog };
}
