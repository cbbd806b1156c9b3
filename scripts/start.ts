/**
 * `npm start`: the embedded default. Starts the Temporal dev server (file persistence under
 * .data/), FerretDB (SQLite under .data/), the worker and the API; prints the URLs; Ctrl-C
 * stops every child. Set TEMPORAL_ADDRESS and/or MONGODB_URI to use services you already run
 * instead of the embedded ones.
 */
import { join } from 'node:path';
import { loadConfig } from '../config/config';
import { spawnManaged, stopAll, tailLog, waitUntilReady, type ManagedProcess } from './lib/processes';
import { devJwtSecret, devPayloadKey } from './lib/dev-secret';
import { seedDemoCases } from './lib/demo-cases';
import { DATA_DIR, ROOT, readBinaries, startFerretdb, startTemporal } from './lib/services';

const LOG_DIR = join(DATA_DIR, 'logs');

/** The console shows warnings and errors of the app's JSON logs (pino level ≥ 40); the files keep everything. */
function warningsOnly(line: string): boolean {
  const m = /"level":(\d+)/.exec(line);
  return m ? Number(m[1]) >= 40 : true;
}

function say(msg: string): void {
  process.stderr.write(`[start] ${msg}\n`);
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const embeddedTemporal = !env.TEMPORAL_ADDRESS;
  const embeddedMongo = !env.MONGODB_URI;
  const config = loadConfig(env); // fail fast on a bad variable, before anything starts
  const bins = readBinaries();

  let uiUrl = config.TEMPORAL_UI_URL;
  if (embeddedTemporal) {
    const port = Number(config.TEMPORAL_ADDRESS.split(':')[1]);
    say(`starting Temporal dev server on ${config.TEMPORAL_ADDRESS} (history in .data/temporal/)…`);
    const t = await startTemporal({
      binary: bins.temporal,
      port,
      uiPort: port + 1000,
      dbFile: join(DATA_DIR, 'temporal', 'temporal.db'),
      logFile: join(LOG_DIR, 'temporal.log'),
    });
    uiUrl = t.uiUrl;
    env.TEMPORAL_ADDRESS = t.address;
  }
  if (embeddedMongo) {
    const port = Number(new URL(config.MONGODB_URI).port || 27017);
    say(`starting FerretDB (SQLite in .data/ferretdb/) on 127.0.0.1:${port}…`);
    const f = await startFerretdb({
      binary: bins.ferretdb,
      port,
      sqliteDir: join(DATA_DIR, 'ferretdb'),
      logFile: join(LOG_DIR, 'ferretdb.log'),
    });
    env.MONGODB_URI = f.uri;
  }

  const node = (name: string, entry: string): ManagedProcess =>
    spawnManaged({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', join(ROOT, entry)],
      env,
      cwd: ROOT,
      logFile: join(LOG_DIR, `${name}.log`),
      echo: warningsOnly,
    });

  const secret = config.AUTH_JWT_SECRET ?? devJwtSecret();
  env.AUTH_JWT_SECRET = secret;
  if (config.PAYLOAD_ENCRYPTION_KEYS.length === 0) env.PAYLOAD_ENCRYPTION_KEYS = devPayloadKey();
  const children: ManagedProcess[] = [];
  if (!env.DEPARTMENT_SYSTEMS_URL) {
    say(`starting the department systems simulator (seeded demo records) on ${config.SIMULATOR_HOST}:${config.SIMULATOR_PORT}…`);
    env.DEPARTMENT_SYSTEMS_URL = `http://${config.SIMULATOR_HOST}:${config.SIMULATOR_PORT}`;
    const sim = node('simulator', 'tools/simulator/main.ts');
    children.push(sim);
    await waitUntilReady(sim, async () => (await fetch(`${env.DEPARTMENT_SYSTEMS_URL}/healthz`)).ok, 60_000);
  }
  say('starting the worker and the API…');
  const api = node('api', 'api/main.ts');
  children.push(node('worker', 'worker/main.ts'), api);
  const apiUrl = `http://${config.API_HOST}:${config.API_PORT}`;
  await waitUntilReady(api, async () => (await fetch(`${apiUrl}/readyz`)).ok, 120_000);
  const demo = await seedDemoCases(apiUrl, loadConfig(env), secret);

  process.stdout.write(
    [
      '',
      'Household settlement engine is running:',
      `  API            ${apiUrl}/api/v1   (docs ${apiUrl}/api/v1/docs)`,
      `  Readiness      ${apiUrl}/readyz`,
      `  Temporal UI    ${uiUrl ?? '(external Temporal: see its own UI)'}`,
      `  Temporal gRPC  ${env.TEMPORAL_ADDRESS}`,
      `  MongoDB        ${env.MONGODB_URI}`,
      `  Simulator      ${env.DEPARTMENT_SYSTEMS_URL}`,
      `  Metrics        ${apiUrl}/metrics`,
      `  Logs           ${LOG_DIR}`,
      'Demo cases:',
      ...demo,
      'Tokens: npm run token -- --role officer --department police   (or --role applicant --sub demo-townOwner, --role supervisor)',
      'Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await stopAll();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  for (const child of children) {
    void child.exited.then((code) => {
      if (stopping) return;
      say(`${child.name} exited unexpectedly (${code}); last log lines:\n${tailLog(child.logFile)}`);
      void shutdown(1);
    });
  }
}

main().catch(async (err: unknown) => {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll();
  process.exit(1);
});
