/** Bundles the workflow code once (webpack, ~5–10 s) so every worker of a run reuses it. */
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { WORKFLOWS_PATH } from '../../worker/create-worker';

export async function writeWorkflowBundle(target: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  return target;
}

const noop = () => undefined;
/** The bundler's logger: webpack's chatter off, its errors kept. */
export const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (m: string) => process.stderr.write(`${m}\n`),
  log: noop,
};
