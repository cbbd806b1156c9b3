/**
 * What `npm test` and `npm run test:chaos` share: running test files under Node's test runner in
 * a child process (Ctrl-C reaches it), stopping every service afterwards, and keeping a failed
 * run's logs while removing a green run's state.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import { stopAll } from './processes';
import { ROOT } from './services';

export interface TestRun {
  /** Prefix of this runner's own lines ("test", "chaos"). */
  name: string;
  files: string[];
  concurrency: number;
  timeoutMs: string;
  /** Holds the run's service logs and state: removed after a green run, kept otherwise. */
  runDir: string;
  env: Record<string, string>;
  /** Stops what the runner started outside ./processes (a database), before runDir is removed. */
  stopServices?: () => Promise<void>;
}

export async function runNodeTests(run: TestRun): Promise<number> {
  const code = await new Promise<number>((resolveCode) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${run.concurrency}`,
        '--test-reporter=spec',
        // A hung test fails instead of stalling the run (CI has a hard limit).
        `--test-timeout=${run.timeoutMs}`,
        ...run.files.map((f) => relative(ROOT, f)),
      ],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...run.env },
      },
    );
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (c, signal) => resolveCode(c ?? (signal ? 1 : 0)));
  });

  await stopAll();
  await run.stopServices?.().catch((err: unknown) => process.stderr.write(`[${run.name}] stopping services: ${String(err)}\n`));
  if (code === 0) rmSync(run.runDir, { recursive: true, force: true });
  else process.stderr.write(`[${run.name}] failed; service logs kept in ${relative(ROOT, run.runDir)}\n`);
  return code;
}

/** Runs `main`, exits with its code, and on a crash says why and stops every service first. */
export function exitWith(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    async (err: unknown) => {
      process.stderr.write(`[${name}] ${err instanceof Error ? err.message : String(err)}\n`);
      await stopAll();
      process.exit(1);
    },
  );
}
