/**
 * `npm run test:cluster`: the end-to-end tests and the crash scenarios against Temporal's own
 * server on PostgreSQL (./lib/temporal-cluster) instead of the dev server, in two phases:
 *
 * 1. one cluster server on throw-away databases, with FerretDB: the smoke tests (a probe, and
 *    cases driven through the API to settled: test/integration/smoke, api-applicant,
 *    readme-walkthrough) and test/cluster/*.cluster.ts (what PostgreSQL holds afterwards);
 * 2. the chaos scenarios worker-crash and temporal-restart, reduced (`--quick` sizes), each
 *    stack with a cluster server of its own that is killed and restarted on the same databases.
 *
 * Every database it creates is dropped at the end; a failed run keeps its logs under .data/.
 *
 *   npm run test:cluster
 *   TEMPORAL_CLUSTER_POSTGRES_URL=postgres://user:pw@host:5432/ npm run test:cluster
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeWorkflowBundle } from './lib/bundle';
import { freePort, stopAll } from './lib/processes';
import { DATA_DIR, ROOT, readBinaries, startFerretdb } from './lib/services';
import {
  dropClusterDatabases,
  freeClusterPorts,
  postgresServerFrom,
  readClusterBinaries,
  startTemporalCluster,
  TEMPORAL_SERVER_VERSION,
  type TemporalClusterOptions,
} from './lib/temporal-cluster';
import { exitWith, runNodeTests } from './lib/test-runner';

const SMOKE = [
  'test/integration/smoke.test.ts',
  'test/integration/api-applicant.test.ts',
  'test/integration/readme-walkthrough.test.ts',
];
const CHAOS = ['test/chaos/worker-crash.chaos.ts', 'test/chaos/temporal-restart.chaos.ts'];
const CLUSTER_DIR = join(ROOT, 'test', 'cluster');

function say(msg: string): void {
  process.stderr.write(`[test:cluster] ${msg}\n`);
}

async function main(): Promise<number> {
  const postgresUrl = process.env.TEMPORAL_CLUSTER_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/';
  const bins = readBinaries();
  const clusterBins = readClusterBinaries(); // fail fast with the setup hint
  const runDir = join(DATA_DIR, 'cluster-runs', `${Date.now()}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  const clusterTests = readdirSync(CLUSTER_DIR)
    .filter((f) => f.endsWith('.cluster.ts'))
    .sort()
    .map((f) => join(CLUSTER_DIR, f));

  // Phase 1: one server for the smoke tests, on databases of this run's own.
  const database = `hukou_test_${randomBytes(6).toString('hex')}`;
  const cluster: TemporalClusterOptions = {
    binaries: clusterBins,
    postgres: postgresServerFrom(postgresUrl),
    database,
    visibilityDatabase: `${database}_visibility`,
    ports: await freeClusterPorts(),
    logFile: join(runDir, 'smoke', 'temporal.log'),
  };
  let started = Date.now();
  say(`Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL (${database}, ${cluster.visibilityDatabase}) and FerretDB…`);
  let smoke: number;
  try {
    const [temporal, ferretdb, bundle] = await Promise.all([
      startTemporalCluster(cluster),
      freePort().then((port) =>
        startFerretdb({
          binary: bins.ferretdb,
          port,
          sqliteDir: join(runDir, 'smoke', 'ferretdb'),
          logFile: join(runDir, 'smoke', 'ferretdb.log'),
        }),
      ),
      writeWorkflowBundle(join(runDir, 'workflow-bundle.js')),
    ]);
    say(`ready in ${Date.now() - started} ms; ${SMOKE.length + clusterTests.length} smoke test files`);
    started = Date.now();
    smoke = await runNodeTests({
      name: 'test:cluster',
      files: [...SMOKE.map((f) => join(ROOT, f)), ...clusterTests],
      concurrency: 2,
      timeoutMs: process.env.TEST_TIMEOUT_MS ?? '360000',
      runDir: join(runDir, 'smoke'),
      env: {
        TEMPORAL_ADDRESS: temporal.address,
        MONGODB_URI: ferretdb.uri,
        WORKFLOW_BUNDLE_PATH: bundle,
        TEST_RUN_DIR: join(runDir, 'smoke'),
        TEMPORAL_CLUSTER_POSTGRES_URL: postgresUrl,
        TEMPORAL_CLUSTER_DB: cluster.database,
        TEMPORAL_CLUSTER_VISIBILITY_DB: cluster.visibilityDatabase,
      },
    });
    say(`smoke tests ${smoke === 0 ? 'passed' : 'FAILED'} in ${Date.now() - started} ms`);
  } finally {
    await stopAll(); // runNodeTests stops them too, but not when starting failed
    await dropClusterDatabases(cluster);
  }

  // Phase 2: the crash scenarios, each stack on a cluster server of its own (test/chaos/support.ts).
  started = Date.now();
  const chaosDir = join(runDir, 'chaos');
  mkdirSync(chaosDir, { recursive: true });
  const chaos = await runNodeTests({
    name: 'test:cluster',
    files: CHAOS.map((f) => join(ROOT, f)),
    concurrency: 1,
    timeoutMs: process.env.TEST_TIMEOUT_MS ?? '360000',
    runDir: chaosDir,
    env: {
      CHAOS_RUN_DIR: chaosDir,
      CHAOS_QUICK: '1',
      CHAOS_TEMPORAL_CLUSTER_POSTGRES_URL: postgresUrl,
      WORKFLOW_BUNDLE_PATH: join(runDir, 'workflow-bundle.js'),
    },
  });
  say(`chaos scenarios ${chaos === 0 ? 'passed' : 'FAILED'} in ${Date.now() - started} ms`);

  const code = smoke || chaos;
  if (code === 0) rmSync(runDir, { recursive: true, force: true });
  else say(`failed; logs kept in ${relative(ROOT, runDir)}`);
  return code;
}

exitWith('test:cluster', main);
