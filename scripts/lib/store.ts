/**
 * The embedded MongoDB of `npm start`, `npm test` and the fault-injection runs: FerretDB on
 * PostgreSQL by default (issue 12), SQLite only when EMBEDDED_STORE=sqlite asks for it.
 *
 * Why PostgreSQL: FerretDB's SQLite backend pushes down only an exact `{_id}` filter and decodes
 * the whole collection for anything else, so every inbox, stuck-case and dashboard query slows
 * with the data (README "Database"). On PostgreSQL, equality filters on top-level fields reach
 * PostgreSQL, and the worker adds the indexes that serve them (models/postgresql-indexes.ts).
 *
 * Why the pool check: FerretDB takes one PostgreSQL connection per operation (and per open
 * cursor) from a pool with no wait deadline. More concurrent client operations than the pool
 * holds hang every client. So the pool must exceed the sum of every client's `maxPoolSize`, and
 * PostgreSQL must accept the pool: checked here before anything starts, failing with a message.
 */
import { join } from 'node:path';
import {
  DEFAULT_POSTGRESQL_URL,
  databaseUrl,
  dropAbandonedDatabases,
  dropDatabase,
  ensureDatabase,
  openPostgresqlServer,
  redact,
  type PostgresqlServer,
} from './postgresql';
import { spawnFerretdb, startFerretdb, type FerretdbOptions, type RunningFerretdb } from './services';

export type StoreKind = 'postgresql' | 'sqlite';

export interface StoreSettings {
  kind: StoreKind;
  /** The machine's PostgreSQL server to use when it answers. */
  machinePostgresqlUrl: string;
  /** FerretDB's PostgreSQL pool (pgx `pool_max_conns`). */
  ferretdbPool: number;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${JSON.stringify(raw)}: must be a positive integer`);
  return n;
}

/** FerretDB's own default pool, kept: 50 connections serve the default topologies with room. */
export const DEFAULT_FERRETDB_POOL = 50;

/** The launchers' knobs (README "Database"): EMBEDDED_STORE, EMBEDDED_POSTGRESQL_URL, FERRETDB_POSTGRESQL_POOL. */
export function storeSettings(env: NodeJS.ProcessEnv): StoreSettings {
  const kind = env.EMBEDDED_STORE || 'postgresql';
  if (kind !== 'postgresql' && kind !== 'sqlite')
    throw new Error(`EMBEDDED_STORE=${JSON.stringify(kind)}: must be postgresql (the default) or sqlite`);
  const machinePostgresqlUrl = env.EMBEDDED_POSTGRESQL_URL || DEFAULT_POSTGRESQL_URL;
  if (!/^postgres(ql)?:\/\//.test(machinePostgresqlUrl))
    throw new Error(`EMBEDDED_POSTGRESQL_URL=${JSON.stringify(machinePostgresqlUrl)}: must be a postgres:// URL`);
  return { kind, machinePostgresqlUrl, ferretdbPool: positiveInt(env, 'FERRETDB_POSTGRESQL_POOL', DEFAULT_FERRETDB_POOL) };
}

/** One kind of client of the store: `count` processes (or connections) of `maxPoolSize` each. */
export interface StoreClient {
  name: string;
  count: number;
  maxPoolSize: number;
}

/** The pool rule, as a message per violation (empty when the sizes are sound). */
export function poolSizingProblems(opts: {
  ferretdbPool: number;
  clients: readonly StoreClient[];
  /** PostgreSQL's max_connections. What other programs hold now is a warning, not a rule (startStore). */
  postgresql?: { max: number; inUse: number };
}): string[] {
  const problems: string[] = [];
  const demand = opts.clients.reduce((sum, c) => sum + c.count * c.maxPoolSize, 0);
  const parts = opts.clients.map((c) => `${c.count} ${c.name} × maxPoolSize ${c.maxPoolSize}`).join(' + ');
  if (opts.ferretdbPool <= demand) {
    problems.push(
      `FerretDB's PostgreSQL pool (FERRETDB_POSTGRESQL_POOL=${opts.ferretdbPool}) must exceed the sum of its clients' pools ` +
        `(${parts} = ${demand}), or more operations than it holds would hang every client: ` +
        `raise FERRETDB_POSTGRESQL_POOL or lower MONGODB_MAX_POOL_SIZE`,
    );
  }
  if (opts.postgresql) {
    // PostgreSQL keeps superuser_reserved_connections (3 by default) for administrators.
    const usable = opts.postgresql.max - 3;
    if (opts.ferretdbPool > usable) {
      problems.push(
        `PostgreSQL accepts ${opts.postgresql.max} connections (max_connections), so FerretDB's pool of ` +
          `${opts.ferretdbPool} (FERRETDB_POSTGRESQL_POOL) would be refused connections at its peak: ` +
          `lower FERRETDB_POSTGRESQL_POOL (and MONGODB_MAX_POOL_SIZE with it) or raise PostgreSQL's max_connections`,
      );
    }
  }
  return problems;
}

export interface StoreOptions {
  settings: StoreSettings;
  ferretdbBinary: string;
  port: number;
  /** Logs, and the data of an embedded PostgreSQL or of SQLite. */
  dir: string;
  logFile: string;
  /** The PostgreSQL database FerretDB keeps its data in (created when missing). */
  database: string;
  /**
   * Drop that database when the store stops (test runs), and any `<prefix><time>_<pid>` one a
   * killed run of the same kind left; otherwise it is kept (`npm start`).
   */
  dropOnStop?: { abandonedPrefix: string };
  clients: readonly StoreClient[];
  say(msg: string): void;
}

export interface RunningStore {
  readonly ferretdb: RunningFerretdb;
  /** MONGODB_URI of the clients. */
  readonly uri: string;
  /** The PostgreSQL database under FerretDB (FERRETDB_POSTGRESQL_URL of the worker); absent on SQLite. */
  readonly postgresqlUrl?: string;
  /** e.g. "PostgreSQL (the machine's, database hukou)". */
  readonly description: string;
  /** FerretDB alone again, on the same port and data: what a restart needs. */
  respawnFerretdb(): ReturnType<typeof spawnFerretdb>;
  stop(): Promise<void>;
}

function ferretdbUrl(dbUrl: string, pool: number): string {
  const u = new URL(dbUrl);
  u.searchParams.set('pool_max_conns', String(pool));
  return u.toString();
}

export async function startStore(opts: StoreOptions): Promise<RunningStore> {
  const { settings } = opts;
  let server: PostgresqlServer | undefined;
  let postgresqlUrl: string | undefined;
  let description: string;
  const ferretOptions: FerretdbOptions = { binary: opts.ferretdbBinary, port: opts.port, logFile: opts.logFile };
  if (settings.kind === 'postgresql') {
    server = await openPostgresqlServer({
      machineUrl: settings.machinePostgresqlUrl,
      embeddedDir: join(opts.dir, 'postgres'),
      // The pool plus room for the worker's index builds and a person with psql.
      embeddedMaxConnections: settings.ferretdbPool + 20,
      say: opts.say,
    });
    try {
      const connections = await server.connections();
      const problems = poolSizingProblems({
        ferretdbPool: settings.ferretdbPool,
        clients: opts.clients,
        postgresql: connections,
      });
      if (problems.length) throw new Error(problems.join('\n'));
      if (connections.max - connections.inUse < settings.ferretdbPool) {
        opts.say(
          `warning: PostgreSQL has ${connections.max - connections.inUse} of its ${connections.max} connections free now, ` +
            `fewer than FerretDB's pool of ${settings.ferretdbPool}: at its peak FerretDB would be refused some`,
        );
      }
      if (opts.dropOnStop) await dropAbandonedDatabases(server.url, opts.dropOnStop.abandonedPrefix);
      postgresqlUrl = await ensureDatabase(server.url, opts.database);
    } catch (err) {
      await server.stop();
      throw err;
    }
    ferretOptions.postgresqlUrl = ferretdbUrl(postgresqlUrl, settings.ferretdbPool);
    description =
      server.origin === 'machine'
        ? `PostgreSQL (this machine's at ${redact(databaseUrl(server.url, opts.database))})`
        : `PostgreSQL (embedded, in ${join(opts.dir, 'postgres')}, database ${opts.database})`;
  } else {
    ferretOptions.sqliteDir = join(opts.dir, 'ferretdb');
    description = `SQLite (in ${ferretOptions.sqliteDir}; every query but by _id reads whole collections)`;
  }
  let ferretdb: RunningFerretdb;
  try {
    ferretdb = await startFerretdb(ferretOptions);
  } catch (err) {
    await server?.stop();
    throw err;
  }
  const maxPool = Math.max(...opts.clients.map((c) => c.maxPoolSize));
  const uri = `${ferretdb.uri}?maxPoolSize=${maxPool}`;
  return {
    ferretdb,
    uri,
    postgresqlUrl,
    description,
    respawnFerretdb: () => spawnFerretdb(ferretOptions),
    async stop() {
      await ferretdb.proc.stop();
      if (server && opts.dropOnStop) await dropDatabase(server.url, opts.database).catch(() => {});
      await server?.stop();
    },
  };
}
