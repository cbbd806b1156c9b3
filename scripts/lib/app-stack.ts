/**
 * The whole application as separate processes, the way it is deployed: the Temporal dev server
 * (SQLite file), FerretDB (SQLite directory), the department systems simulator, the worker and
 * the API, each a child process on a free 127.0.0.1 port. Used by `npm run bench` and
 * `npm run test:chaos`, which must be able to kill and restart any one of them: the worker with
 * SIGKILL, Temporal on the same --db-filename, FerretDB on the same port and directory.
 * With `temporalCluster`, Temporal is its own server on PostgreSQL instead (./temporal-cluster,
 * `npm run test:cluster`), on two databases of the stack's own, restarted on the same databases
 * and dropped when the stack stops.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import { mintToken, type TokenClaims } from '../../api/auth/identity';
import { cityWideUnlessScoped } from './dev-token-claims';
import { loadConfig } from '../../config/config';
import { useDataProtection } from '../../models/data-protection';
import { dataProtectionFor } from '../../security/data-protection';
import { createTemporalClient } from '../../temporal/client';
import { searchAttributeCliArgs } from '../../workflows/search-attributes';
import { dropAbandonedDatabases, dropDatabase, ensureDatabase } from './postgresql';
import { DEFAULT_FERRETDB_POOL, poolSizingProblems } from './store';
import { pollsTaskQueue } from '../../temporal/task-queue-pollers';
import {
  freePort,
  freePorts,
  httpReady,
  portIsOpen,
  spawnManaged,
  tailLog,
  waitUntilReady,
  type ManagedProcess,
} from './processes';
import {
  ROOT,
  readBinaries,
  startFerretdb,
  startTemporal,
  temporalIsReady,
  type Binaries,
  type RunningFerretdb,
  type RunningTemporal,
} from './services';
import {
  dropClusterDatabases,
  freeClusterPorts,
  postgresServerFrom,
  readClusterBinaries,
  startTemporalCluster,
  type TemporalClusterOptions,
} from './temporal-cluster';

export interface AppStackOptions {
  /** Where the databases and logs go (created). */
  dir: string;
  /** A workflow bundle prepared once (scripts/lib/bundle.ts); without it the worker bundles at start. */
  workflowBundlePath?: string;
  /** Extra environment for the API, worker and simulator (short SLAs, rate limits, …). */
  env?: Record<string, string>;
  /** API entry point relative to the repository (default api/main.ts). */
  apiEntry?: string;
  /**
   * false = a Temporal dev server WITHOUT --db-filename (everything in memory, lost on exit).
   * Only the chaos suite's guard uses it, to prove the restart scenario notices.
   */
  temporalPersistence?: boolean;
  /**
   * FerretDB's PostgreSQL backend on this (existing, dedicated) database instead of its SQLite
   * backend in `dir`, e.g. postgres://postgres@127.0.0.1:5432/hukou_bench.
   */
  ferretdbPostgresqlUrl?: string;
  /**
   * A PostgreSQL server (its maintenance database's URL) on which the stack makes a database of
   * its own for FerretDB, dropped at stop(): what `npm run test:chaos` does by default.
   */
  postgresqlServerUrl?: string;
  /**
   * MongoDB driver options appended to MONGODB_URI for every process, e.g. `maxPoolSize=10`.
   * FerretDB's PostgreSQL backend deadlocks when more client operations run at once than its
   * PostgreSQL pool has connections (README "Benchmarks"): capping the drivers' pools avoids it.
   */
  mongoUriOptions?: string;
  /** LOG_LEVEL of the app processes (default warn: logs go to files, and info logs cost CPU). */
  logLevel?: string;
  /**
   * Temporal's own server on this PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/)
   * instead of the dev server, on throw-away databases named after the stack.
   */
  temporalCluster?: { postgresUrl: string };
}

export interface AppStack {
  readonly dir: string;
  readonly apiUrl: string;
  readonly simulatorUrl: string;
  readonly temporalAddress: string;
  /** Where Temporal keeps its state, in words (a restart finds it there). */
  readonly temporalState: string;
  /** The cluster server's PostgreSQL databases (history, visibility); absent for the dev server. */
  readonly temporalDatabases?: readonly string[];
  /** MONGODB_URI of the app processes (with mongoUriOptions). */
  readonly mongoUri: string;
  /** The PostgreSQL database under FerretDB, when it is on PostgreSQL (FERRETDB_POSTGRESQL_URL). */
  readonly postgresqlUrl?: string;
  readonly taskQueue: string;
  readonly namespace: string;
  /** The environment every app process gets. */
  readonly env: NodeJS.ProcessEnv;
  readonly secret: string;
  temporal: RunningTemporal | { proc: ManagedProcess; address: string };
  ferretdb: RunningFerretdb;
  worker: ManagedProcess;
  /** Workers started by addWorker() beside `worker`, polling the same task queue (the bench's "two workers"). */
  readonly extraWorkers: ManagedProcess[];
  api: ManagedProcess;
  simulator: ManagedProcess;
  /** The mail sink (issue 14): the SMTP server notices go to, and its mailbox page. */
  mailSink: ManagedProcess;
  readonly mailboxUrl: string;
  /** Stops the mail sink (an SMTP outage) until startMailSink(). */
  stopMailSink(): Promise<void>;
  startMailSink(): Promise<void>;
  /** A Bearer token for this stack's API. */
  /** A Bearer token for these claims; an officer without a scope is minted city-wide (scripts/lib/dev-token-claims.ts). */
  token(caller: TokenClaims): Promise<string>;
  /** A Temporal client on this stack's server (one connection, reconnecting on its own). */
  client(): Promise<Client>;
  /** Starts a worker process and waits until it polls its task queue. */
  startWorker(): Promise<ManagedProcess>;
  /** Starts one more worker process beside the running one(s) and waits until it polls. */
  addWorker(): Promise<ManagedProcess>;
  /** Stops (SIGTERM, graceful) the workers addWorker() started. */
  stopExtraWorkers(): Promise<void>;
  /** kill -9 of the worker, as a crash would. */
  killWorker(): Promise<void>;
  /** Stops the API (SIGTERM) and starts it again on the same port, as an orchestrator would. */
  restartApi(): Promise<void>;
  /** Kills the Temporal server (SIGKILL) and keeps it down until startTemporal(). */
  killTemporal(): Promise<void>;
  /** (Re)starts the Temporal server on the same port and, if persistent, the same SQLite file. */
  startTemporal(): Promise<void>;
  /** Stops FerretDB (SIGTERM, as an orderly outage) until startFerretdb(). */
  stopFerretdb(): Promise<void>;
  /** Restarts FerretDB on the same port and SQLite directory. */
  startFerretdb(): Promise<void>;
  /** The last lines of every process log, for a failure message. */
  logTails(lines?: number): string;
  stop(): Promise<void>;
}

/** The dev server exactly as scripts/lib/services.ts starts it, minus --db-filename. */
async function startInMemoryTemporal(binary: string, port: number, logFile: string) {
  if (await portIsOpen(port)) throw new Error(`port ${port} is already in use`);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--log-level', 'warn'];
  args.push('--namespace', 'default', ...searchAttributeCliArgs());
  const proc = spawnManaged({ name: 'temporal-in-memory', command: binary, args, logFile });
  const address = `127.0.0.1:${port}`;
  await waitUntilReady(proc, () => temporalIsReady(address, 'default'));
  return { proc, address };
}

/**
 * Starts a server on a port from freePort(), again on another one if something took that port
 * in between (other test runs on the machine, outgoing connections' ephemeral ports).
 */
async function onFreshPort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (err) {
      if (attempt >= 3 || !/already in use/i.test(String(err))) throw err;
    }
  }
}

/** Starts everything; if any part fails to start, stops what did start before rethrowing. */
export async function startAppStack(opts: AppStackOptions): Promise<AppStack> {
  const started: ManagedProcess[] = [];
  const afterStop: Array<() => Promise<void>> = [];
  const cluster = opts.temporalCluster ? await clusterOptions(opts.dir, opts.temporalCluster.postgresUrl) : undefined;
  if (cluster) afterStop.push(() => dropClusterDatabases(cluster));
  try {
    return await startAll(opts, started, afterStop, cluster);
  } catch (err) {
    for (const p of started.reverse()) await p.stop(5000);
    for (const f of afterStop) await f().catch(() => undefined);
    throw err;
  }
}

function withoutPoolSetting(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('pool_max_conns');
  return u.toString();
}

/** Each stack's MongoDB pool per process when it makes its own PostgreSQL database. */
const STACK_MONGODB_POOL = 10;

/** A database of this stack's on `server`, after the pool rule (scripts/lib/store.ts) is checked. */
async function ownDatabase(server: string): Promise<{ server: string; name: string; url: string }> {
  // The API, up to two workers and the scenario's own checking connection.
  const problems = poolSizingProblems({
    ferretdbPool: DEFAULT_FERRETDB_POOL,
    clients: [{ name: 'processes and checkers', count: 4, maxPoolSize: STACK_MONGODB_POOL }],
  });
  if (problems.length) throw new Error(problems.join('\n'));
  await dropAbandonedDatabases(server, 'hukou_stack_');
  const name = `hukou_stack_${Date.now()}_${process.pid}`;
  const url = new URL(await ensureDatabase(server, name));
  url.searchParams.set('pool_max_conns', String(DEFAULT_FERRETDB_POOL));
  return { server, name, url: url.toString() };
}

/** A cluster server of the stack's own: fresh ports, and databases no other stack uses. */
async function clusterOptions(dir: string, postgresUrl: string): Promise<TemporalClusterOptions> {
  const database = `hukou_cluster_${randomBytes(6).toString('hex')}`;
  return {
    binaries: readClusterBinaries(),
    postgres: postgresServerFrom(postgresUrl),
    database,
    visibilityDatabase: `${database}_visibility`,
    ports: await freeClusterPorts(),
    logFile: join(dir, 'temporal.log'),
  };
}

async function startAll(
  opts: AppStackOptions,
  started: ManagedProcess[],
  afterStop: Array<() => Promise<void>>,
  cluster?: TemporalClusterOptions,
): Promise<AppStack> {
  mkdirSync(opts.dir, { recursive: true });
  const bins: Binaries = readBinaries();
  const persistent = opts.temporalPersistence ?? true;
  if (cluster && !persistent)
    throw new Error('temporalPersistence: false is the dev server without a file; a cluster always persists');
  const [apiPort, simPort, metricsPort, sinkSmtpPort, sinkHttpPort] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const temporalOpts = {
    binary: bins.temporal,
    port: 0,
    dbFile: join(opts.dir, 'temporal.db'),
    logFile: join(opts.dir, 'temporal.log'),
  };
  const own = opts.postgresqlServerUrl && !opts.ferretdbPostgresqlUrl ? await ownDatabase(opts.postgresqlServerUrl) : undefined;
  if (own) afterStop.push(() => dropDatabase(own.server, own.name));
  const postgresqlUrl = opts.ferretdbPostgresqlUrl ?? own?.url;
  const ferretOpts = {
    binary: bins.ferretdb,
    port: 0,
    ...(postgresqlUrl ? { postgresqlUrl } : { sqliteDir: join(opts.dir, 'ferretdb') }),
    logFile: join(opts.dir, 'ferretdb.log'),
  };
  const launchTemporal = async () => {
    const t = cluster
      ? await startTemporalCluster(cluster) // the same ports and databases every time
      : persistent
        ? await startTemporal(temporalOpts)
        : await startInMemoryTemporal(bins.temporal, temporalOpts.port, temporalOpts.logFile);
    started.push(t.proc);
    return t;
  };
  const launchFerretdb = async () => {
    const f = await startFerretdb(ferretOpts);
    started.push(f.proc);
    return f;
  };
  const [t, f] = await Promise.allSettled([
    cluster
      ? launchTemporal()
      : onFreshPort((port) => {
          temporalOpts.port = port;
          return launchTemporal();
        }),
    onFreshPort((port) => {
      ferretOpts.port = port;
      return launchFerretdb();
    }),
  ]);
  if (t.status === 'rejected') throw t.reason;
  if (f.status === 'rejected') throw f.reason;
  const temporal = t.value;
  const ferretdb = f.value;
  // FerretDB's pool setting is its own business, not the worker's connection string.
  const pgDatabaseUrl = postgresqlUrl ? withoutPoolSetting(postgresqlUrl) : undefined;
  const uriOptions = opts.mongoUriOptions ?? (own ? `maxPoolSize=${STACK_MONGODB_POOL}` : undefined);
  const withOptions = (uri: string) => (uriOptions ? `${uri}?${uriOptions}` : uri);

  const secret = randomBytes(32).toString('base64url');
  const payloadKey = randomBytes(32).toString('base64');
  const taskQueue = 'settlement-cases';
  const namespace = 'default';
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const simulatorUrl = `http://127.0.0.1:${simPort}`;
  const simulatorKey = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: opts.logLevel ?? 'warn',
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    // Production requires the public address (sign-in callback, problem type URIs): here, the API's own.
    WEB_BASE_URL: apiUrl,
    // Production serves the API's metrics only on an internal listener (api/metrics-app.ts).
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
    SIMULATOR_HOST: '127.0.0.1',
    SIMULATOR_PORT: String(simPort),
    DEPARTMENT_SYSTEMS_URL: simulatorUrl,
    // The engine's key, and the one the simulator accepts (issue 15 §6).
    DEPARTMENT_SYSTEMS_API_KEY: simulatorKey,
    SIMULATOR_API_KEYS: simulatorKey,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URI: withOptions(ferretdb.uri),
    AUTH_JWT_SECRET: secret,
    PAYLOAD_ENCRYPTION_KEYS: payloadKey,
    // Personal fields in MongoDB (issue 15): production refuses to start without their keys.
    DATA_ENCRYPTION_KEYS: `stack:${randomBytes(32).toString('base64')}`,
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    // HR completes transfers after a second and calls the API back (issue 14).
    REGISTER_CALLBACK_SECRET: randomBytes(32).toString('base64url'),
    SIMULATOR_CALLBACK_URL: `${apiUrl}/api/v1/callbacks/social-insurance-transfers`,
    SIMULATOR_TRANSFER_DELAY_MS: '1000',
    // Notice delivery (issue 14): the stack's own mail sink; receipts signed with a secret of its own.
    SMTP_URL: `smtp://127.0.0.1:${sinkSmtpPort}`,
    // Production requires the SMS gateway by name (config loadWorkerConfig): the simulator's.
    SMS_GATEWAY_URL: simulatorUrl,
    MAIL_SINK_SMTP_PORT: String(sinkSmtpPort),
    MAIL_SINK_HTTP_PORT: String(sinkHttpPort),
    SMS_CALLBACK_SECRET: randomBytes(24).toString('base64url'),
    NOTICE_RETRY_BASE_MS: '1000',
    NOTICE_RETRY_MAX_MS: '5000',
    NOTICE_MAX_ATTEMPTS: '100',
    ...(opts.workflowBundlePath ? { WORKFLOW_BUNDLE_PATH: opts.workflowBundlePath } : {}),
    ...(pgDatabaseUrl ? { FERRETDB_POSTGRESQL_URL: pgDatabaseUrl } : {}),
    ...opts.env,
  };
  const config = loadConfig(env); // fail fast on a bad override, before anything else starts
  // This process (a chaos scenario, the bench) reads the stack's collections through the same
  // models: it must open what the stack's processes sealed, with the stack's keys.
  useDataProtection(dataProtectionFor(config));

  let connection: Connection | undefined;
  let client: Client | undefined;
  const getClient = async (): Promise<Client> => {
    connection ??= await Connection.connect({ address: temporal.address });
    client ??= createTemporalClient({
      connection,
      namespace,
      payloadKeys: config.PAYLOAD_ENCRYPTION_KEYS,
      payloadCipher: config.DATA_CIPHER,
    });
    return client;
  };

  let workerCount = 0;
  const node = (name: string, entry: string, extraEnv: NodeJS.ProcessEnv = {}): ManagedProcess => {
    const proc = spawnManaged({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', join(ROOT, entry)],
      env: { ...env, ...extraEnv },
      cwd: ROOT,
      logFile: join(opts.dir, `${name}.log`),
    });
    started.push(proc);
    return proc;
  };

  const startWorker = async (): Promise<ManagedProcess> => {
    workerCount += 1;
    const proc = node(workerCount === 1 ? 'worker' : `worker-${workerCount}`, 'worker/main.ts');
    const c = await getClient();
    // Ready = this very process polls the task queue (its identity starts with its pid).
    await waitUntilReady(proc, async () => pollsTaskQueue(c, namespace, taskQueue, `${proc.child.pid}@`), 120_000);
    return proc;
  };

  let apiCount = 0;
  const startApi = async (): Promise<ManagedProcess> => {
    apiCount += 1;
    const proc = node(apiCount === 1 ? 'api' : `api-${apiCount}`, opts.apiEntry ?? 'api/main.ts');
    await waitUntilReady(proc, () => httpReady(`${apiUrl}/readyz`), 120_000);
    return proc;
  };
  // The engine runs as in production; the simulator runs in test mode, the only mode (besides
  // development) that serves the fault endpoints chaos scripts drive.
  const simulator = node('simulator', 'tools/simulator/main.ts', { NODE_ENV: 'test' });
  const mailboxUrl = `http://127.0.0.1:${sinkHttpPort}/`;
  const startMailSink = async (): Promise<ManagedProcess> => {
    const proc = node('mail-sink', 'tools/mail-sink/main.ts');
    await waitUntilReady(proc, () => httpReady(`${mailboxUrl}healthz`), 120_000);
    return proc;
  };
  const mailSink = await startMailSink();
  const [worker, , api] = await Promise.all([
    startWorker(),
    waitUntilReady(simulator, () => httpReady(`${simulatorUrl}/healthz`), 120_000),
    startApi(),
  ]);

  const stack: AppStack = {
    dir: opts.dir,
    apiUrl,
    simulatorUrl,
    temporalAddress: temporal.address,
    ...(cluster ? { temporalDatabases: [cluster.database, cluster.visibilityDatabase] } : {}),
    temporalState: cluster
      ? `PostgreSQL databases ${cluster.database} and ${cluster.visibilityDatabase}`
      : persistent
        ? temporalOpts.dbFile
        : 'memory (no --db-filename)',
    mongoUri: withOptions(ferretdb.uri),
    postgresqlUrl: pgDatabaseUrl,
    taskQueue,
    namespace,
    env,
    secret,
    temporal,
    ferretdb,
    worker,
    extraWorkers: [],
    api,
    simulator,
    mailSink,
    mailboxUrl,
    async stopMailSink() {
      await stack.mailSink.stop(5000);
    },
    async startMailSink() {
      stack.mailSink = await startMailSink();
    },
    token: (caller) =>
      mintToken(cityWideUnlessScoped(caller), { secret, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
    client: getClient,
    async startWorker() {
      stack.worker = await startWorker();
      return stack.worker;
    },
    async addWorker() {
      const proc = await startWorker();
      stack.extraWorkers.push(proc);
      return proc;
    },
    async stopExtraWorkers() {
      for (const p of stack.extraWorkers.splice(0)) await p.stop(30_000);
    },
    async restartApi() {
      await stack.api.stop(5000);
      stack.api = await startApi();
    },
    async killWorker() {
      await stack.worker.kill();
    },
    async killTemporal() {
      await stack.temporal.proc.kill();
    },
    async startTemporal() {
      stack.temporal = await launchTemporal(); // the same port (and SQLite file) as before
    },
    async stopFerretdb() {
      await stack.ferretdb.proc.stop();
    },
    async startFerretdb() {
      stack.ferretdb = await launchFerretdb(); // the same port and SQLite directory as before
    },
    logTails(lines = 15) {
      return [
        stack.temporal.proc,
        stack.ferretdb.proc,
        stack.simulator,
        stack.mailSink,
        stack.worker,
        ...stack.extraWorkers,
        stack.api,
      ]
        .map((p) => `--- ${p.name} (${p.logFile})\n${tailLog(p.logFile, lines)}`)
        .join('\n');
    },
    async stop() {
      await connection?.close().catch(() => undefined);
      const procs = [
        stack.api,
        ...stack.extraWorkers,
        stack.worker,
        stack.simulator,
        stack.mailSink,
        stack.ferretdb.proc,
        stack.temporal.proc,
      ];
      for (const p of procs) await p.stop(5000);
      for (const f of afterStop) await f().catch(() => undefined);
    },
  };
  return stack;
}
