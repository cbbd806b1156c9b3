/**
 * Recomputes the access records' hash chains (issue 15 part 3): for each day, records must run
 * seq 1, 2, 3 … without a gap, each `_id` must be its day and seq, each `prevHash` the previous
 * record's hash (the genesis hash for the first) and each `hash` the SM3 of the record as read.
 * Reads the raw collection, not through the schema, so what is checked is exactly what is stored.
 *
 * What a per-day chain cannot show by itself: records cut off the end of a day, or a whole day
 * removed. Keep the day's last hash elsewhere (a report, a log line) to cover that.
 */
import type { Connection } from 'mongoose';
import type { AccessRecordDoc } from '../../models/access-record.model';
import { accessRecordHash, accessRecordId, GENESIS_HASH } from './chain';

export interface ChainBreak {
  /** The first record that does not verify (or the one expected where a record is missing). */
  id: string;
  day: string;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  days: string[];
  records: number;
  /** Each verified day's last hash: what to keep elsewhere to detect a truncated day. */
  lastHashes: Record<string, string>;
  broken?: ChainBreak;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function verifyAccessChain(mongo: Connection, opts: { day?: string } = {}): Promise<ChainReport> {
  if (opts.day !== undefined && !DAY.test(opts.day)) throw new Error(`--day must be YYYY-MM-DD, not ${opts.day}`);
  const raw = mongo.collection<AccessRecordDoc>('access_records');
  const days = opts.day ? [opts.day] : ((await raw.distinct('day')) as string[]).sort();
  const report: ChainReport = { ok: true, days, records: 0, lastHashes: {} };
  for (const day of days) {
    let expected = 1;
    let prevHash = GENESIS_HASH;
    const cursor = raw.find({ day }).sort({ seq: 1 });
    try {
      for await (const r of cursor) {
        const broken = (reason: string): ChainReport => ({ ...report, ok: false, broken: { id: String(r._id), day, reason } });
        if (r.seq !== expected) {
          return {
            ...report,
            ok: false,
            broken: { id: accessRecordId(day, expected), day, reason: `missing: the next record found is ${String(r._id)}` },
          };
        }
        if (r._id !== accessRecordId(day, r.seq)) return broken('its _id does not match its day and seq');
        if (r.prevHash !== prevHash) return broken("its prevHash is not the previous record's hash");
        const { hash, ...body } = r;
        if (accessRecordHash(body) !== hash) return broken('its content does not match its hash (altered)');
        prevHash = hash;
        expected += 1;
        report.records += 1;
      }
    } finally {
      await cursor.close();
    }
    if (expected > 1) report.lastHashes[day] = prevHash;
  }
  return report;
}
