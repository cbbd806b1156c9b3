/**
 * `npm test`: starts the real services on free ports (Temporal dev server with file
 * persistence, FerretDB on PostgreSQL in a database of this run's, dropped afterwards; see
 * ./lib/store.ts), bundles the workflows once, runs every test file under
 * test/ with Node's test runner against them, and stops everything afterwards.
 *
 *   npm test                         # the whole suite
 *   npm test -- test/unit            # only files under a folder (or single files)
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeWorkflowBundle } from './lib/bundle';
import { freePort } from './lib/processes';
import { DATA_DIR, ROOT, readBinaries, startTemporal } from './lib/services';
import { startStore, storeSettings } from './lib/store';
import { exitWith, runNodeTests } from './lib/test-runner';

function findTests(target: string): string[] {
  const abs = resolve(ROOT, target);
  if (!existsSync(abs)) throw new Error(`no such test path: ${target}`);
  if (statSync(abs).isFile()) return [abs];
  return readdirSync(abs, { withFileTypes: true })
    .flatMap((e) => {
      const p = join(abs, e.name);
      if (e.isDirectory()) return e.name === 'fixtures' ? [] : findTests(p);
      return e.name.endsWith('.test.ts') ? [p] : [];
    })
    .sort();
}

async function main(): Promise<number> {
  const targets = process.argv.slice(2);
  const files = (targets.length ? targets : ['test']).flatMap(findTests);
  if (files.length === 0) throw new Error('no test files found');

  const runDir = join(DATA_DIR, 'test-runs', `${Date.now()}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  const bins = readBinaries();
  const settings = storeSettings(process.env);
  const concurrency = Number(process.env.TEST_CONCURRENCY ?? '2');
  const started = Date.now();
  process.stderr.write(`[test] starting Temporal dev server and FerretDB (logs in ${relative(ROOT, runDir)})…\n`);
  const [temporal, store, bundle] = await Promise.all([
    freePort().then((port) =>
      startTemporal({ binary: bins.temporal, port, dbFile: join(runDir, 'temporal.db'), logFile: join(runDir, 'temporal.log') }),
    ),
    freePort().then((port) =>
      startStore({
        settings,
        ferretdbBinary: bins.ferretdb,
        port,
        dir: runDir,
        logFile: join(runDir, 'ferretdb.log'),
        database: `hukou_test_${Date.now()}_${process.pid}`,
        dropOnStop: { abandonedPrefix: 'hukou_test_' },
        // A test file opens up to four connections at once (its own, the API's, the worker's, a checker's).
        clients: [{ name: 'test connections', count: concurrency * 4, maxPoolSize: TEST_MONGODB_POOL }],
        say: (msg) => process.stderr.write(`[test] ${msg}\n`),
      }),
    ),
    writeWorkflowBundle(join(runDir, 'workflow-bundle.js')),
  ]);
  process.stderr.write(
    `[test] services ready in ${Date.now() - started} ms (FerretDB on ${store.description}); running ${files.length} test files\n`,
  );

  return runNodeTests({
    name: 'test',
    files,
    concurrency,
    timeoutMs: process.env.TEST_TIMEOUT_MS ?? '360000',
    runDir,
    env: {
      TEMPORAL_ADDRESS: temporal.address,
      MONGODB_URI: store.uri,
      MONGODB_MAX_POOL_SIZE: String(TEST_MONGODB_POOL),
      ...(store.postgresqlUrl ? { FERRETDB_POSTGRESQL_URL: store.postgresqlUrl } : {}),
      WORKFLOW_BUNDLE_PATH: bundle,
      TEST_RUN_DIR: runDir,
      TEMPORAL_DB_FILE: temporal.options.dbFile,
    },
    stopServices: () => store.stop(),
  });
}

/** Every MongoDB connection of a test run is small: the pool rule (./lib/store.ts) then holds with room. */
const TEST_MONGODB_POOL = 5;

exitWith('test', main);
