/**
 * `npm start`: the embedded default. Starts the Temporal dev server (file persistence under
 * .data/), FerretDB on PostgreSQL (the machine's, or an embedded one under .data/postgres; see
 * ./lib/store.ts), the department systems simulator, the identity
 * provider (OpenID Connect, tools/identity; not when AUTH_JWKS_URL names your own), the worker
 * and the API; prints the URLs; starts any of them again that exits (./lib/supervise); Ctrl-C stops
 * every child. Set TEMPORAL_ADDRESS and/or MONGODB_URI to use services you already run instead
 * of the embedded ones, EMBEDDED_TEMPORAL_PORT / EMBEDDED_FERRETDB_PORT to move the embedded ones.
 *
 * `npm run start:cluster` (this script with --cluster): the same, but Temporal is its own server
 * on PostgreSQL (./lib/temporal-cluster; databases <store name>_temporal and
 * <store name>_temporal_visibility on TEMPORAL_CLUSTER_POSTGRES_URL, default
 * postgres://postgres@127.0.0.1:5432/; the store name is kept in .data/, ./lib/store-name), and two worker
 * processes and two API processes (API_PORT and API_PORT + 1) share the work, as in production.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig, webBaseUrl } from '../config/config';
import { applyHistoryRetention } from '../temporal/namespace-retention';
import { echoToConsole } from './lib/console-echo';
import { httpReady, spawnManaged, stopAll, waitUntilReady } from './lib/processes';
import { devJwtSecret, devPayloadKey, devSessionSecret } from './lib/dev-secret';
import { seedDemoCases } from './lib/demo-cases';
import { syncOfficerRoster } from './lib/officer-roster-sync';
import { DATA_DIR, ROOT, readBinaries, spawnTemporal, startTemporal } from './lib/services';
import { pollsTaskQueue } from '../temporal/task-queue-pollers';
import { temporalConnectionOptions } from '../temporal/client';
import { startStore, storeSettings } from './lib/store';
import { storeDatabases, storeName } from './lib/store-name';
import { portClashes } from './lib/planned-ports';
import {
  clusterPortsAt,
  postgresServerFrom,
  readClusterBinaries,
  spawnTemporalCluster,
  startTemporalCluster,
  TEMPORAL_SERVER_VERSION,
} from './lib/temporal-cluster';
import { stopSupervised, supervise, type SuperviseOptions, type Supervisor } from './lib/supervise';
import { demoLogins, DEV_ACCOUNTS_FILE, type DemoLogin } from '../tools/identity/accounts';
import { identityIssuer } from '../tools/identity/issuer';

const LOG_DIR = join(DATA_DIR, 'logs');
/** `npm run start:cluster`: Temporal's own server on PostgreSQL, and two workers and two APIs. */
const CLUSTER = process.argv.includes('--cluster');
// The cluster runs two of each: Temporal hands every task to whichever worker polls, and a load
// balancer would spread requests over the APIs (each is stateless; sessions are in MongoDB).
const COPIES = CLUSTER ? 2 : 1;
const DEFAULT_CLUSTER_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/';

/** The console shows the app's warnings and errors, only errors once shutdown begins (lib/console-echo.ts). */
const toConsole = (line: string): boolean => echoToConsole(line, stopping);

function say(msg: string): void {
  process.stderr.write(`[start] ${msg}\n`);
}

/**
 * The embedded services' ports: 7233 (UI 8233) and 27017 unless set, e.g. when a second checkout
 * runs its own stack beside another one. Only this launcher reads them; the app gets the
 * resulting TEMPORAL_ADDRESS and MONGODB_URI.
 */
function embeddedPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${name}=${JSON.stringify(raw)}: must be a port number`);
  return port;
}

/** Every supervised child, in start order; stopped in reverse (API first, Temporal last). */
const supervised: Supervisor[] = [];
/** What outlives the children and stops after them (an embedded PostgreSQL). */
const stopLast: Array<() => Promise<void>> = [];
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  await stopSupervised([...supervised].reverse());
  await stopAll(); // anything started outside a supervisor
  for (const stop of stopLast) await stop().catch(() => {});
  say('stopped');
  process.exit(code);
}

/** Started, and from then on started again whenever it exits, until shutdown. */
function keep(opts: Omit<SuperviseOptions, 'say'>): Supervisor {
  const s = supervise({ ...opts, say });
  supervised.push(s);
  return s;
}

const portOf = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));

/** The i-th worker's metrics address: WORKER_METRICS_ADDRESS's port plus i (each process listens on its own). */
function workerMetricsAddress(address: string, i: number): string {
  return `${address.slice(0, address.lastIndexOf(':'))}:${portOf(address) + i}`;
}

async function main(): Promise<void> {
  // From the first child on: Ctrl-C (or a SIGTERM to this process alone) stops all of them.
  // A signal handler cannot be awaited; shutdown() ends the process itself.
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const env: NodeJS.ProcessEnv = { ...process.env };
  const embeddedTemporal = !env.TEMPORAL_ADDRESS;
  const embeddedMongo = !env.MONGODB_URI;
  const temporalPort = embeddedPort(env, 'EMBEDDED_TEMPORAL_PORT', 7233);
  const ferretdbPort = embeddedPort(env, 'EMBEDDED_FERRETDB_PORT', 27017);
  const config = loadConfig(env); // fail fast on a bad variable, before anything starts
  const clashes = portClashes({
    apiPort: config.API_PORT,
    metricsPort: config.METRICS_PORT,
    workerMetricsPort: config.WORKER_METRICS_ADDRESS ? portOf(config.WORKER_METRICS_ADDRESS) : undefined,
    copies: COPIES,
  });
  if (clashes.length) throw new Error(`two processes would listen on one port; move one of them:\n  ${clashes.join('\n  ')}`);
  const bins = readBinaries();
  const clusterBins = CLUSTER && embeddedTemporal ? readClusterBinaries() : undefined; // fail fast with the setup hint

  // Each child is supervised once it is ready (a worker once it polls its task queue): one
  // that dies before is a set-up problem, see the catch below. Temporal and FerretDB keep their state in files under .data/, so
  // starting them again after a crash loses nothing; the worker and the API reconnect meanwhile.
  let uiUrl = config.TEMPORAL_UI_URL;
  // Named after .data/, so that deleting it (or a fresh clone) starts every store empty together.
  const databases = storeDatabases(storeName(DATA_DIR));
  if (embeddedTemporal && clusterBins) {
    const postgresUrl = env.TEMPORAL_CLUSTER_POSTGRES_URL || DEFAULT_CLUSTER_POSTGRES_URL;
    say(
      `starting Temporal server ${TEMPORAL_SERVER_VERSION} on 127.0.0.1:${temporalPort} ` +
        `(PostgreSQL ${postgresUrl}: ${databases.temporal}, ${databases.temporalVisibility})…`,
    );
    const t = await startTemporalCluster({
      binaries: clusterBins,
      postgres: postgresServerFrom(postgresUrl),
      database: databases.temporal,
      visibilityDatabase: databases.temporalVisibility,
      ports: clusterPortsAt(temporalPort),
      logFile: join(LOG_DIR, 'temporal.log'),
      historyRetentionDays: config.TEMPORAL_HISTORY_RETENTION_DAYS,
    });
    // Its state is in PostgreSQL: starting it again after a crash loses nothing.
    keep({ name: 'temporal', first: t.proc, spawn: () => spawnTemporalCluster(t.options) });
    env.TEMPORAL_ADDRESS = t.address;
  } else if (embeddedTemporal) {
    say(`starting Temporal dev server on 127.0.0.1:${temporalPort} (history in .data/temporal/)…`);
    const t = await startTemporal({
      binary: bins.temporal,
      port: temporalPort,
      uiPort: temporalPort + 1000,
      // The UI decodes sealed payloads through the API's codec server (README "Reading a case's history").
      codecEndpoint: `${webBaseUrl(config)}/codec`,
      dbFile: join(DATA_DIR, 'temporal', 'temporal.db'),
      logFile: join(LOG_DIR, 'temporal.log'),
    });
    keep({ name: 'temporal', first: t.proc, spawn: () => spawnTemporal(t.options) });
    // The dev server makes its namespace with a retention of its own: set ours (README "Retention").
    const conn = await Connection.connect({ address: t.address });
    try {
      await applyHistoryRetention(conn, config.TEMPORAL_NAMESPACE, config.TEMPORAL_HISTORY_RETENTION_DAYS);
    } finally {
      await conn.close();
    }
    uiUrl = t.uiUrl;
    env.TEMPORAL_ADDRESS = t.address;
    // The supervisors' case pages link to the UI; its origin (either host name) may call the codec server.
    if (uiUrl && !env.TEMPORAL_UI_URL) env.TEMPORAL_UI_URL = uiUrl;
    if (uiUrl && !env.CODEC_CORS_ORIGIN) env.CODEC_CORS_ORIGIN = [uiUrl, uiUrl.replace('127.0.0.1', 'localhost')].join(',');
  }
  if (embeddedMongo) {
    // The cluster's cases have their own MongoDB data: the documents of cases whose workflows
    // live in the dev server's file would point at workflows this server has never seen.
    const store = await startStore({
      settings: storeSettings(env),
      ferretdbBinary: bins.ferretdb,
      port: ferretdbPort,
      dir: clusterBins ? join(DATA_DIR, 'cluster') : DATA_DIR,
      logFile: join(LOG_DIR, 'ferretdb.log'),
      database: clusterBins ? databases.clusterFerretdb : databases.ferretdb,
      clients: [
        {
          name: clusterBins ? 'processes (2 APIs, 2 workers)' : 'processes (API, worker)',
          count: clusterBins ? 4 : 2,
          maxPoolSize: config.MONGODB_MAX_POOL_SIZE,
        },
      ],
      say,
    });
    stopLast.push(() => store.stop());
    say(`FerretDB on 127.0.0.1:${ferretdbPort}, keeping its data in ${store.description}`);
    keep({ name: 'ferretdb', first: store.ferretdb.proc, spawn: store.respawnFerretdb });
    env.MONGODB_URI = store.uri;
    if (store.postgresqlUrl) env.FERRETDB_POSTGRESQL_URL = store.postgresqlUrl;
  }

  const nodeChild =
    (name: string, entry: string, extraEnv: NodeJS.ProcessEnv = {}) =>
    () =>
      spawnManaged({
        name,
        command: process.execPath,
        args: ['--import', 'tsx', join(ROOT, entry)],
        env: { ...env, ...extraEnv },
        cwd: ROOT,
        logFile: join(LOG_DIR, `${name}.log`),
        echo: toConsole,
      });

  const secret = config.AUTH_JWT_SECRET ?? devJwtSecret();
  env.AUTH_JWT_SECRET = secret;
  if (config.PAYLOAD_ENCRYPTION_KEYS.length === 0) env.PAYLOAD_ENCRYPTION_KEYS = devPayloadKey();
  if (!config.SESSION_SECRET) env.SESSION_SECRET = devSessionSecret();
  // HR's completion callbacks (issue 14): the simulator and the API share a secret of this run.
  if (!config.REGISTER_CALLBACK_SECRET) env.REGISTER_CALLBACK_SECRET = randomBytes(32).toString('base64url');
  if (!env.DEPARTMENT_SYSTEMS_URL) {
    say(`starting the department systems simulator (seeded demo records) on ${config.SIMULATOR_HOST}:${config.SIMULATOR_PORT}…`);
    env.DEPARTMENT_SYSTEMS_URL = `http://${config.SIMULATOR_HOST}:${config.SIMULATOR_PORT}`;
    const spawnSimulator = nodeChild('simulator', 'tools/simulator/main.ts');
    const sim = spawnSimulator();
    await waitUntilReady(sim, () => httpReady(`${env.DEPARTMENT_SYSTEMS_URL}/healthz`), 60_000);
    keep({ name: 'simulator', first: sim, spawn: spawnSimulator });
  }
  // The mail sink and its mailbox page (issue 14), unless notices go to an SMTP server you name.
  let mailbox: string | undefined;
  if (!process.env.SMTP_URL) {
    say(`starting the mail sink (SMTP ${config.MAIL_SINK_HOST}:${config.MAIL_SINK_SMTP_PORT})…`);
    env.SMTP_URL = `smtp://${config.MAIL_SINK_HOST}:${config.MAIL_SINK_SMTP_PORT}`;
    mailbox = `http://${config.MAIL_SINK_HOST}:${config.MAIL_SINK_HTTP_PORT}/`;
    const spawnSink = nodeChild('mail-sink', 'tools/mail-sink/main.ts');
    const sink = spawnSink();
    await waitUntilReady(sink, () => httpReady(`${mailbox}healthz`), 60_000);
    keep({ name: 'mail-sink', first: sink, spawn: spawnSink });
  }
  // The embedded identity provider, unless tokens come from a provider you run (AUTH_JWKS_URL):
  // the API then accepts its tokens and the dev secret's (npm run token) side by side.
  let identity: { issuer: string; logins: DemoLogin[]; accountsFile: string } | undefined;
  if (!config.AUTH_JWKS_URL) {
    const issuer = identityIssuer(config);
    say(`starting the identity provider (OpenID Connect) at ${issuer}…`);
    const spawnIdentity = nodeChild('identity', 'tools/identity/main.ts');
    const idp = spawnIdentity();
    await waitUntilReady(idp, () => httpReady(`${issuer}/.well-known/openid-configuration`), 60_000);
    keep({ name: 'identity', first: idp, spawn: spawnIdentity });
    env.AUTH_JWKS_URL = `${issuer}/jwks`;
    env.AUTH_JWKS_ISSUER = issuer;
    identity = {
      issuer,
      logins: config.IDENTITY_ACCOUNTS_FILE ? [] : demoLogins(DEV_ACCOUNTS_FILE),
      accountsFile: config.IDENTITY_ACCOUNTS_FILE ?? DEV_ACCOUNTS_FILE,
    };
  }
  const nth = (name: string, i: number) => (i === 0 ? name : `${name}-${i + 1}`);
  say(COPIES === 1 ? 'starting the worker and the API…' : `starting ${COPIES} workers and ${COPIES} APIs…`);
  const metrics = config.WORKER_METRICS_ADDRESS;
  // A worker is ready once it polls its task queue, and supervised from then on: one that dies
  // before (a policy file it refuses, a bad variable) stops the start-up with its log, as any
  // other service does, rather than being restarted every 30 s behind an API that says ready.
  const started = loadConfig(env);
  // Lazy: an external Temporal not answering yet fails a probe, which is asked again, not the start.
  const temporal = Connection.lazy(temporalConnectionOptions(started));
  const workersReady = Promise.all(
    Array.from({ length: COPIES }, async (_, i) => {
      // Each worker's own metrics port (the next one up), when metrics are served at all.
      const own = metrics ? { WORKER_METRICS_ADDRESS: workerMetricsAddress(metrics, i) } : {};
      const spawnWorker = nodeChild(nth('worker', i), 'worker/main.ts', own);
      const worker = spawnWorker();
      // This very process (the SDK names a poller pid@host), each probe bounded so that a hung
      // call cannot outlast the wait.
      const polls = () =>
        temporal.withDeadline(Date.now() + 5_000, () =>
          pollsTaskQueue(temporal, started.TEMPORAL_NAMESPACE, started.TEMPORAL_TASK_QUEUE, `${worker.child.pid}@${hostname()}`),
        );
      await waitUntilReady(worker, polls, 180_000);
      keep({ name: nth('worker', i), first: worker, spawn: spawnWorker });
    }),
  ).finally(() => temporal.close());
  workersReady.catch(() => undefined); // awaited below, after the APIs: no unhandled rejection meanwhile
  // One public address for the pages whichever API serves them, as behind a load balancer: the
  // sign-in callback goes to the address registered at the identity provider.
  const pagesUrl = webBaseUrl(config);
  const apiUrls: string[] = [];
  const metricsUrls: string[] = [];
  for (let i = 0; i < COPIES; i++) {
    const port = config.API_PORT + i;
    // Each API's own internal metrics listener too (the next port up), as for the workers.
    const metricsPort = config.METRICS_PORT === undefined ? undefined : config.METRICS_PORT + i;
    const own =
      COPIES > 1
        ? { API_PORT: String(port), WEB_BASE_URL: pagesUrl, ...(metricsPort ? { METRICS_PORT: String(metricsPort) } : {}) }
        : {};
    const spawnApi = nodeChild(nth('api', i), 'api/main.ts', own);
    const api = spawnApi();
    const url = `http://${config.API_HOST}:${port}`;
    await waitUntilReady(api, () => httpReady(`${url}/readyz`), 120_000);
    keep({ name: nth('api', i), first: api, spawn: spawnApi });
    apiUrls.push(url);
    // With METRICS_PORT the API serves /metrics only on that listener (api/main.ts).
    metricsUrls.push(`${metricsPort ? `http://${config.METRICS_HOST}:${metricsPort}` : url}/metrics`);
  }
  if (metrics) {
    for (let i = 0; i < COPIES; i++) metricsUrls.push(`http://${workerMetricsAddress(metrics, i)}/metrics`);
  }
  await workersReady;
  const apiUrl = apiUrls[0]!;
  const demo = await seedDemoCases(apiUrl, loadConfig(env), secret);
  // The embedded provider's officers, as a city's sync job would put its provider's roster.
  const roster = identity ? await syncOfficerRoster(apiUrl, loadConfig(env), secret, identity.accountsFile) : undefined;

  process.stdout.write(
    [
      '',
      'Household settlement engine is running:',
      `  Web portal     ${config.WEB_BASE_URL ?? apiUrl}/   (applicants, officers, supervisors: sign in with a demo account below)`,
      `  Rankings       ${config.WEB_BASE_URL ?? apiUrl}/rounds   (public, no sign-in: the points admission rounds and their published rankings, 公示)`,
      `  API            ${apiUrl}/api/v1   (docs ${apiUrl}/api/v1/docs)`,
      ...apiUrls.slice(1).map((u, i) => `  API #${i + 2}         ${u}/api/v1   (a second API process: the same API and pages)`),
      `  Readiness      ${apiUrls.map((u) => `${u}/readyz`).join('   ')}`,
      `  Temporal UI    ${uiUrl ?? (clusterBins ? '(none with the cluster: point temporalio/ui at the gRPC address)' : '(external Temporal: see its own UI)')}`,
      `  Temporal gRPC  ${env.TEMPORAL_ADDRESS}${clusterBins && embeddedTemporal ? `   (Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL)` : ''}`,
      `  MongoDB        ${env.MONGODB_URI}`,
      `  Simulator      ${env.DEPARTMENT_SYSTEMS_URL}   (SMS gateway too: ${env.SMS_GATEWAY_URL ?? env.DEPARTMENT_SYSTEMS_URL}/__sms/messages)`,
      `  Mailbox        ${mailbox ?? `(notices go to ${env.SMTP_URL})`}${mailbox ? '   (development mail sink: every notice email sent)' : ''}`,
      `  Metrics        ${metricsUrls.join('   ')}`,
      `  Logs           ${LOG_DIR}`,
      ...(identity
        ? [
            `  Sign-in (OIDC) ${identity.issuer}   (discovery ${identity.issuer}/.well-known/openid-configuration)`,
            ...(identity.logins.length ? ['Demo accounts (username / password):'] : []),
            ...identity.logins.map((l) => `  ${l.username.padEnd(16)} ${l.password.padEnd(16)} ${l.role}`),
          ]
        : []),
      ...(roster ? [roster] : []),
      'Demo cases:',
      ...demo,
      'Tokens: npm run token -- --role officer --department police   (or --role applicant --sub demo-newcomer --id-number 610124199003150022, --role supervisor)',
      'A child that exits is started again (1 s, doubling to 30 s); press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  // A child that dies before it is ready is a set-up problem (a port in use, a bad variable):
  // restarting would only hide it, so the whole stack stops. Ctrl-C during start-up makes the
  // waits fail too, and then shutdown() is already under way.
  if (stopping) return;
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1); // ends the process itself
});
