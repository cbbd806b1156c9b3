/**
 * `npm run test:chaos`: the fault-injection suite (test/chaos/*.chaos.ts — a suffix `npm test`
 * does not pick up). Bundles the workflows once, then runs the scenario files one at a time
 * (each starts a whole stack of its own and kills parts of it; on 2 cores they must not
 * compete), and removes the run's state after a green run.
 *
 *   npm run test:chaos                                   # every scenario, full size (~10 min)
 *   npm run test:chaos -- --quick                        # smaller batches, shorter outages (CI)
 *   npm run test:chaos -- test/chaos/worker-crash.chaos.ts   # one scenario
 *   npm run test:chaos -- --quick --skip=test/chaos/worker-crash.chaos.ts   # all but one
 *   CHAOS_STRICT=1 npm run test:chaos                    # known engine bugs fail the run too
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeWorkflowBundle } from './lib/bundle';
import { openPostgresqlServer } from './lib/postgresql';
import { DATA_DIR, ROOT, readBinaries } from './lib/services';
import { storeSettings } from './lib/store';
import { exitWith, runNodeTests } from './lib/test-runner';

const CHAOS_DIR = join(ROOT, 'test', 'chaos');

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  // --skip=<file>: every scenario but this one (CI runs worker-crash on the cluster instead).
  const skipped = new Set(argv.filter((a) => a.startsWith('--skip=')).map((a) => resolve(ROOT, a.slice('--skip='.length))));
  const targets = argv.filter((a) => !a.startsWith('--'));
  const files = (
    targets.length
      ? targets.map((t) => resolve(ROOT, t))
      : readdirSync(CHAOS_DIR)
          .filter((f) => f.endsWith('.chaos.ts'))
          .sort()
          .map((f) => join(CHAOS_DIR, f))
  ).filter((f) => !skipped.has(f));
  if (files.length === 0) throw new Error('no chaos scenarios found');
  readBinaries(); // fail fast with the setup hint

  const runDir = join(DATA_DIR, 'chaos-runs', `${Date.now()}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  process.stderr.write(
    `[chaos] ${quick ? 'quick' : 'full'} run of ${files.length} scenario files; state in ${relative(ROOT, runDir)}\n`,
  );
  const bundle = await writeWorkflowBundle(join(runDir, 'workflow-bundle.js'));
  // Each scenario's stack makes its own database on this server (scripts/lib/app-stack.ts).
  const settings = storeSettings(process.env);
  const postgresql =
    settings.kind === 'postgresql'
      ? await openPostgresqlServer({
          machineUrl: settings.machinePostgresqlUrl,
          embeddedDir: join(runDir, 'postgres'),
          embeddedMaxConnections: 200,
          say: (msg) => process.stderr.write(`[chaos] ${msg}\n`),
        })
      : undefined;
  process.stderr.write(`[chaos] FerretDB on ${postgresql ? `PostgreSQL (${postgresql.origin})` : 'SQLite'}\n`);

  return runNodeTests({
    name: 'chaos',
    files,
    concurrency: 1,
    timeoutMs: process.env.TEST_TIMEOUT_MS ?? (quick ? '240000' : '600000'),
    runDir,
    env: {
      CHAOS_RUN_DIR: runDir,
      CHAOS_QUICK: quick ? '1' : '0',
      WORKFLOW_BUNDLE_PATH: bundle,
      CHAOS_POSTGRESQL_SERVER: postgresql?.url ?? '',
    },
    stopServices: async () => postgresql?.stop(),
  });
}

exitWith('chaos', main);
