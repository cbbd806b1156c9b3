/**
 * Temporal's own server on PostgreSQL — the topology users deploy — for `npm run start:cluster`
 * and `npm run test:cluster`: the two databases are created when missing, set up and upgraded
 * with Temporal's schema tool, the server runs all its services (frontend, history, matching,
 * worker) in one process with our config file (temporal/cluster/hukou.yaml), and the namespace
 * and our search attributes are registered once it answers. docker-compose.yml runs the same
 * version, the same schema steps and the same config file (test/unit/docker-compose.test.ts).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { applyHistoryRetention, DAY_MS } from '../../temporal/namespace-retention';
import { temporal } from '@temporalio/proto';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { portIsOpen, spawnManaged, waitUntilReady, type ManagedProcess } from './processes';
import { ROOT, readBinaries } from './services';

const run = promisify(execFile);

/** The one place the server version is written (setup.mjs and the compose test read it too). */
export const TEMPORAL_SERVER_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'temporal', 'cluster', 'version.json'), 'utf8')) as { temporalServer: string }
).temporalServer;

/** Our config: `<CLUSTER_CONFIG_DIR>/<CLUSTER_CONFIG_ENV>.yaml`, a template the server renders from its environment. */
export const CLUSTER_CONFIG_DIR = 'temporal/cluster';
export const CLUSTER_CONFIG_ENV = 'hukou';
export const SQL_PLUGIN = 'postgres12_pgx';

/**
 * The two databases and the schema each gets, by the name of the schema embedded in the tool
 * (the same .sql files as `schema/postgresql/v12/...` in the server module, so neither the Go
 * module cache nor a checkout of the server is needed at run time, here or in the admin-tools image).
 */
export const CLUSTER_SCHEMAS = [
  { store: 'default', schemaName: 'postgresql/v12/temporal' },
  { store: 'visibility', schemaName: 'postgresql/v12/visibility' },
] as const;

/**
 * Set up and upgrade, each step idempotent, so every start runs them all: create-database
 * ignores an existing database, setup-schema -v 0.0 only creates the version tables when the
 * database is newer than 0.0, and update-schema applies just the versions not yet applied — after
 * a server upgrade, the new ones.
 */
export function schemaToolSteps(database: string, schemaName: string): string[][] {
  return [
    ['--db', database, 'create-database'],
    ['--db', database, 'setup-schema', '-v', '0.0'],
    ['--db', database, 'update-schema', '--schema-name', schemaName],
  ];
}

export interface ClusterBinaries {
  server: string;
  sqlTool: string;
}

/** The server and the schema tool that `node scripts/setup.mjs --cluster` built into the cache. */
export function readClusterBinaries(): ClusterBinaries {
  const bins = readBinaries();
  if (!bins.temporalServer || !bins.temporalSqlTool) {
    throw new Error(
      `Temporal's server and schema tool are not built: run \`node scripts/setup.mjs --cluster\` ` +
        `(npm run start:cluster / test:cluster run it for you; 15 minutes the first time)`,
    );
  }
  return { server: bins.temporalServer, sqlTool: bins.temporalSqlTool };
}

/** A PostgreSQL server reached over TCP, e.g. from postgres://postgres@127.0.0.1:5432/. */
export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function postgresServerFrom(url: string): PostgresServer {
  const u = new URL(url);
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error(`${url}: not a postgres:// URL`);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
  };
}

/** Every port the server listens on: gRPC and ringpop membership for each service, and the frontend's HTTP API. */
export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/** The highest port the server can record (a PostgreSQL SMALLINT). */
const MAX_MEMBERSHIP_PORT = 32767;

/** Temporal's own default layout (7233…7243, 6933…6939) moved so that the frontend is at `frontend`. */
export function clusterPortsAt(frontend: number): ClusterPorts {
  const d = frontend - 7233;
  const ports: ClusterPorts = {
    frontend,
    frontendHttp: 7243 + d,
    frontendMembership: 6933 + d,
    history: 7234 + d,
    historyMembership: 6934 + d,
    matching: 7235 + d,
    matchingMembership: 6935 + d,
    worker: 7239 + d,
    workerMembership: 6939 + d,
  };
  // The server records each service's port in cluster_membership.rpc_port, a SMALLINT: a port
  // above 32767 makes it die at start ("greater than maximum value for int2"), so refuse it here.
  const highest = Math.max(...Object.values(ports));
  const lowest = Math.min(...Object.values(ports));
  if (lowest < 1 || highest > MAX_MEMBERSHIP_PORT) {
    throw new Error(
      `Temporal frontend port ${frontend} (EMBEDDED_TEMPORAL_PORT): the server's ports would run from ${lowest} to ${highest}, ` +
        `but Temporal's SQL schema keeps each port in a SMALLINT, so all must lie in 1–${MAX_MEMBERSHIP_PORT}: ` +
        `choose a frontend port from ${frontend - lowest + 1} to ${frontend + MAX_MEMBERSHIP_PORT - highest}`,
    );
  }
  return ports;
}

/**
 * A free port below 32768. Each service records its address in the cluster_membership table,
 * whose rpc_port column is a SMALLINT: a port from the OS's ephemeral range (32768+, what
 * `freePort()` hands out) makes the server die at start ("greater than maximum value for int2").
 */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.unref();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port found between 20000 and 32000');
}

/** Nine free ports, for a server of a test's own. */
export async function freeClusterPorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const next = () => freeLowPort(taken);
  return {
    frontend: await next(),
    frontendHttp: await next(),
    frontendMembership: await next(),
    history: await next(),
    historyMembership: await next(),
    matching: await next(),
    matchingMembership: await next(),
    worker: await next(),
    workerMembership: await next(),
  };
}

export interface TemporalClusterOptions {
  binaries: ClusterBinaries;
  postgres: PostgresServer;
  /** History, executions, task queues… (the `default` store). */
  database: string;
  /** The `visibility` store: list queries and search attributes. */
  visibilityDatabase: string;
  ports: ClusterPorts;
  logFile: string;
  namespace?: string;
  /** Closed workflows' histories are kept this long (TEMPORAL_HISTORY_RETENTION_DAYS; default 30). */
  historyRetentionDays?: number;
  echo?: boolean;
}

export interface RunningTemporalCluster {
  proc: ManagedProcess;
  address: string;
  options: TemporalClusterOptions;
}

function sqlToolEnv(pg: PostgresServer): NodeJS.ProcessEnv {
  // The variables the tool reads for its --endpoint, --port, --user, --password, --plugin; our
  // config file reads the same ones (SQL_*), see temporal/cluster/hukou.yaml.
  return {
    ...process.env,
    SQL_PLUGIN,
    SQL_HOST: pg.host,
    SQL_PORT: String(pg.port),
    SQL_USER: pg.user,
    SQL_PASSWORD: pg.password,
  };
}

async function sqlTool(opts: Pick<TemporalClusterOptions, 'binaries' | 'postgres'>, args: string[]): Promise<void> {
  try {
    await run(opts.binaries.sqlTool, args, { env: sqlToolEnv(opts.postgres), maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `temporal-sql-tool ${args.join(' ')} failed (PostgreSQL at ${opts.postgres.host}:${opts.postgres.port} as ${opts.postgres.user}):\n` +
        `${(e.stderr || e.stdout || e.message).trim().split('\n').slice(-15).join('\n')}`,
    );
  }
}

/** Creates the two databases when missing and brings both schemas up to this server version's. */
export async function setUpClusterSchemas(
  opts: Pick<TemporalClusterOptions, 'binaries' | 'postgres' | 'database' | 'visibilityDatabase'>,
) {
  for (const { store, schemaName } of CLUSTER_SCHEMAS) {
    const db = store === 'default' ? opts.database : opts.visibilityDatabase;
    for (const step of schemaToolSteps(db, schemaName)) await sqlTool(opts, step);
  }
}

/** Drops both databases (throw-away test clusters; the server must be stopped first). */
export async function dropClusterDatabases(
  opts: Pick<TemporalClusterOptions, 'binaries' | 'postgres' | 'database' | 'visibilityDatabase'>,
) {
  for (const db of [opts.database, opts.visibilityDatabase]) await sqlTool(opts, ['--db', db, 'drop-database', '--force']);
}

/** Sets up the schemas, starts the server, waits until it serves our namespace with its search attributes. */
export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<RunningTemporalCluster> {
  const address = `127.0.0.1:${opts.ports.frontend}`;
  for (const [name, port] of Object.entries(opts.ports)) {
    if (await portIsOpen(port)) {
      throw new Error(
        `port ${port} (${name}) is already in use; stop what runs there, set TEMPORAL_ADDRESS to use it, or (npm start) EMBEDDED_TEMPORAL_PORT to move ours`,
      );
    }
  }
  await setUpClusterSchemas(opts);
  const proc = spawnTemporalCluster(opts);
  const namespace = opts.namespace ?? 'default';
  let lastError: unknown;
  try {
    await waitUntilReady(
      proc,
      () =>
        prepareNamespace(address, namespace, opts.historyRetentionDays).catch((err: unknown) => {
          lastError = err;
          throw err;
        }),
      180_000, // a cold server on 2 busy cores: membership join, shard acquisition, system workflows
    );
  } catch (err) {
    await proc.stop(5000);
    const why = lastError instanceof Error ? `\nlast readiness error: ${lastError.message}` : '';
    throw new Error(`${err instanceof Error ? err.message : String(err)}${why}`);
  }
  return { proc, address, options: opts };
}

/**
 * Settings of temporal/cluster/hukou.yaml an operator may set for `start:cluster`: passed on
 * from the environment (the rest of the server's environment is the launcher's own).
 * NUM_HISTORY_SHARDS counts only when the databases are first created.
 */
export const CLUSTER_KNOBS = ['SQL_MAX_CONNS', 'NUM_HISTORY_SHARDS', 'TEMPORAL_LOG_LEVEL'] as const;

/** The server process alone, on already set-up databases: what a restart needs. */
export function spawnTemporalCluster(opts: TemporalClusterOptions): ManagedProcess {
  const p = opts.ports;
  const env: NodeJS.ProcessEnv = {
    ...sqlToolEnv(opts.postgres),
    TEMPORAL_DB: opts.database,
    TEMPORAL_VISIBILITY_DB: opts.visibilityDatabase,
    FRONTEND_GRPC_PORT: String(p.frontend),
    FRONTEND_HTTP_PORT: String(p.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(p.frontendMembership),
    HISTORY_GRPC_PORT: String(p.history),
    HISTORY_MEMBERSHIP_PORT: String(p.historyMembership),
    MATCHING_GRPC_PORT: String(p.matching),
    MATCHING_MEMBERSHIP_PORT: String(p.matchingMembership),
    WORKER_GRPC_PORT: String(p.worker),
    WORKER_MEMBERSHIP_PORT: String(p.workerMembership),
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_DYNAMIC_CONFIG_FILE: join(ROOT, CLUSTER_CONFIG_DIR, 'dynamicconfig.yaml'),
    // The config file's own knobs, when the operator sets them (README "Temporal cluster").
    ...Object.fromEntries(CLUSTER_KNOBS.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
  };
  return spawnManaged({
    name: 'temporal-cluster',
    command: opts.binaries.server,
    // All four services in this one process (the default of `start`); production runs each as
    // several processes of its own with the same config (README "Temporal cluster").
    args: ['--root', ROOT, '--config', CLUSTER_CONFIG_DIR, '--env', CLUSTER_CONFIG_ENV, '--allow-no-auth', 'start'],
    env,
    cwd: ROOT,
    logFile: opts.logFile,
    echo: opts.echo,
  });
}

// gRPC status codes (@grpc/grpc-js `status`), as the client's service errors carry them.
const ALREADY_EXISTS = 6;

/** The Temporal CLI's `--type` names → the API's IndexedValueType. */
const INDEXED_VALUE_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Creates the namespace and registers our search attributes, both idempotent (a SQL server
 * creates no namespace by itself, not even `default`), then checks the frontend really serves
 * them: a visibility query on CaseStatus is refused until its namespace cache has the aliases.
 * Throws while any of it is not there yet; the caller polls.
 */
export async function prepareNamespace(address: string, namespace: string, retentionDays = 30): Promise<boolean> {
  const conn = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await conn.workflowService.getSystemInfo({});
    try {
      await conn.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs(retentionDays * DAY_MS),
      });
    } catch (err) {
      if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
      // Made before: brought to the configured retention (README "Retention").
      await applyHistoryRetention(conn, namespace, retentionDays);
    }
    const existing = await conn.operatorService.listSearchAttributes({ namespace });
    const missing = CASE_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (existing.customAttributes ?? {})));
    if (missing.length > 0) {
      await conn.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED_VALUE_TYPES[k.type]!])),
      });
    }
    await conn.workflowService.countWorkflowExecutions({ namespace, query: `CaseStatus = 'ready-probe'` });
    return true;
  } finally {
    await conn.close();
  }
}
