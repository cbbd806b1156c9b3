/**
 * Opens the MongoDB connection explicitly (never on import). Works against MongoDB and
 * FerretDB v1 alike: the code never relies on transactions, change streams, TTL / partial /
 * sparse indexes, $lookup/$facet or projections on findOneAndUpdate (README, "Database").
 */
import mongoose, { type Connection } from 'mongoose';

// Query filters from requests can never smuggle operators ($gt, $where, $nor …) into a query,
// and unknown filter paths are an error rather than silently matching everything.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

export interface MongoOptions {
  uri: string;
  serverSelectionTimeoutMS: number;
  /** How often the driver polls the server (default 10 s); the watchdog counts in these periods. */
  heartbeatFrequencyMS?: number;
  /** The driver's pool (its default is 100); FerretDB on PostgreSQL must hold every process's. */
  maxPoolSize?: number;
  /** The driver's TLS options from configuration (config/tls-options.ts mongoTlsOptions). */
  tls?: Record<string, unknown>;
}

/** The options a connection is opened (and reopened, models/mongo-watchdog.ts) with. */
export function mongoOpenOptions(opts: MongoOptions): Record<string, unknown> {
  return {
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS,
    ...(opts.heartbeatFrequencyMS ? { heartbeatFrequencyMS: opts.heartbeatFrequencyMS } : {}),
    ...(opts.maxPoolSize ? { maxPoolSize: opts.maxPoolSize } : {}),
    ...opts.tls,
    // Fail fast when the database is gone instead of queueing commands forever: the API turns
    // the error into a 503 and activities are retried by Temporal.
    bufferCommands: false,
    autoIndex: true,
  };
}

export async function connectMongo(opts: MongoOptions): Promise<Connection> {
  const conn = mongoose.createConnection(opts.uri, mongoOpenOptions(opts));
  await conn.asPromise();
  return conn;
}

/** Readiness probe: a round trip to the server, bounded by a timeout. */
export async function pingMongo(conn: Connection, timeoutMs: number): Promise<void> {
  const db = conn.db;
  if (!db || conn.readyState !== mongoose.ConnectionStates.connected) throw new Error('not connected');
  await withTimeout(db.command({ ping: 1 }), timeoutMs, 'MongoDB ping');
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
