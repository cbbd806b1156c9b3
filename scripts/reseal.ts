/**
 * Starts the background re-sealing of personal data (issue 15, README "Personal data at rest")
 * after a new key was put first in DATA_ENCRYPTION_KEYS or DATA_CIPHER changed. The running
 * workers do the work (they must already have the new configuration); one run at a time:
 * a second start while one runs is refused by its workflow id.
 *
 *   npx tsx scripts/reseal.ts [--batch 200]
 */
import { parseArgs } from 'node:util';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import '../activities';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { SEALED_COLLECTIONS } from '../models/sealed-fields.plugin';
import { connectTemporal } from '../temporal/client';
import { RESEAL_WORKFLOW_ID } from '../workflows/key-rotation/messages';
import { resealPersonalData } from '../workflows/key-rotation/reseal-personal-data.workflow';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { batch: { type: 'string', default: '200' } } });
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'reseal' });
  const { connection, client } = await connectTemporal(config, logger);
  try {
    const collections = [...SEALED_COLLECTIONS.keys()].sort();
    await client.workflow.start(resealPersonalData, {
      workflowId: RESEAL_WORKFLOW_ID,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ collections, batchSize: Number(values.batch) }],
    });
    logger.info({ workflowId: RESEAL_WORKFLOW_ID, collections }, 'Re-sealing started');
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    logger.warn({ workflowId: RESEAL_WORKFLOW_ID }, 'Re-sealing is already running');
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
