/**
 * `npm test`: starts the real services on free ports (Temporal dev server with file
 * persistence, embedded FerretDB), bundles the workflows once, runs every test file under
 * test/ with Node's test runner against them, and stops everything afterwards.
 *
 *   npm test                         # the whole suite
 *   npm test -- test/unit            # only files under a folder (or single files)
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeWorkflowBundle } from './lib/bundle';
import { freePort } from './lib/processes';
import { DATA_DIR, ROOT, readBinaries, startFerretdb, startTemporal } from './lib/services';
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
  const started = Date.now();
  process.stderr.write(`[test] starting Temporal dev server and FerretDB (logs in ${relative(ROOT, runDir)})…\n`);
  const [temporal, ferretdb, bundle] = await Promise.all([
    freePort().then((port) =>
      startTemporal({ binary: bins.temporal, port, dbFile: join(runDir, 'temporal.db'), logFile: join(runDir, 'temporal.log') }),
    ),
    freePort().then((port) =>
      startFerretdb({ binary: bins.ferretdb, port, sqliteDir: join(runDir, 'ferretdb'), logFile: join(runDir, 'ferretdb.log') }),
    ),
    writeWorkflowBundle(join(runDir, 'workflow-bundle.js')),
  ]);
  process.stderr.write(`[test] services ready in ${Date.now() - started} ms; running ${files.length} test files\n`);

  return runNodeTests({
    name: 'test',
    files,
    concurrency: Number(process.env.TEST_CONCURRENCY ?? '2'),
    timeoutMs: process.env.TEST_TIMEOUT_MS ?? '360000',
    runDir,
    env: {
      TEMPORAL_ADDRESS: temporal.address,
      MONGODB_URI: ferretdb.uri,
      WORKFLOW_BUNDLE_PATH: bundle,
      TEST_RUN_DIR: runDir,
      TEMPORAL_DB_FILE: temporal.options.dbFile,
    },
  });
}

exitWith('test', main);
