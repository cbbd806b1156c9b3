/**
 * Verifies the access records' hash chains (issue 15 part 3; app/access-records/verify.ts):
 *
 *   npm run verify:access-records                      every day in the collection
 *   npm run verify:access-records -- --day 2026-12-02  one Asia/Shanghai day
 *
 * Reads MONGODB_URI like the API. Prints each day's record count and last hash and exits 0 when
 * every chain verifies; otherwise prints the first broken record's id and why, and exits 1.
 */
import { parseArgs } from 'node:util';
import { verifyAccessChain } from '../app/access-records/verify';
import { loadConfig } from '../config/config';
import { connectMongo } from '../models/connection';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { day: { type: 'string' } } });
  const config = loadConfig();
  const mongo = await connectMongo({
    uri: config.MONGODB_URI,
    serverSelectionTimeoutMS: config.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
  });
  try {
    const report = await verifyAccessChain(mongo, values.day === undefined ? {} : { day: values.day });
    for (const day of report.days) {
      const last = report.lastHashes[day];
      if (last) process.stdout.write(`${day}: chain verified, last hash ${last}\n`);
    }
    if (report.broken) {
      const b = report.broken;
      process.stderr.write(`access records: BROKEN at ${b.id} (day ${b.day}): ${b.reason}\n`);
      return 1;
    }
    process.stdout.write(`access records: ${report.records} records on ${report.days.length} day(s) verified\n`);
    return 0;
  } finally {
    await mongo.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`verify:access-records: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
