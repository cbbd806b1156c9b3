/**
 * Human-readable sequences (case numbers HK-YYYY-NNNNNN, decision-letter numbers), each number
 * handed out once through `claimNextInSequence`.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

export interface CounterDoc {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<CounterDoc>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'counters', versionKey: false },
);

export function counterModel(conn: Connection): Model<CounterDoc> {
  return (conn.models.Counter as Model<CounterDoc> | undefined) ?? conn.model<CounterDoc>('Counter', counterSchema);
}

/**
 * The next free number of a sequence (e.g. `case-number:2026`), each number handed out once.
 * The counter only proposes: FerretDB v1 can lose concurrent `$inc`s (its updates are
 * read-modify-write), so a number is claimed by inserting `claimed:<claimKey(n)>` under the unique
 * _id, and a collision just takes the next one; so does a lost race to create the counter.
 * Gaps are possible (a claim whose caller then fails); repeats are not.
 */
export async function claimNextInSequence(
  conn: Connection,
  sequence: string,
  claimKey: (n: number) => string,
  attempts = 50,
): Promise<number> {
  const counters = counterModel(conn);
  for (let attempt = 0; attempt < attempts; attempt++) {
    let doc: CounterDoc | null;
    try {
      doc = await counters
        .findOneAndUpdate({ _id: sequence }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' })
        .lean();
    } catch (err) {
      // The sequence's first numbers, raced: another caller's upsert created the counter (FerretDB
      // v1 upserts are read-then-insert). It exists now; propose again.
      if (!isDuplicateKey(err)) throw err;
      continue;
    }
    const n = doc!.seq;
    try {
      await counters.create({ _id: `claimed:${claimKey(n)}`, seq: n });
      return n;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new Error(`could not claim a number of ${sequence} after ${attempts} attempts`);
}
