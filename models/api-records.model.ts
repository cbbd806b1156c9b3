/**
 * Small documents the API keeps for correctness under retries and races (no transactions on
 * FerretDB v1, so each relies on a unique _id):
 * - idempotency keys: same key + same body → the same response; a different body → 422;
 * - open-case locks: one open case per person (§8) — applicant or family member, keyed by
 *   citizen ID number — one document per person and generation (`<idNumber>#<n>`), so that
 *   taking over the lock of an ended case is an insert, which FerretDB v1 does atomically, never
 *   an update, which it does not;
 * - counters: human-readable sequences (case numbers HK-YYYY-NNNNNN, decision-letter numbers),
 *   claimed through `claimNextInSequence`.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

export interface IdempotencyKeyDoc {
  _id: string;
  requestHash: string;
  state: 'pending' | 'done';
  /** What the first request answered (the accepted case), replayed to the same key and body. */
  response?: Record<string, unknown>;
  createdAt: Date;
}

export interface OpenCaseLockDoc {
  /** `<idNumber>#<generation>`: the unique key that makes each takeover a single winner. */
  _id: string;
  /** The citizen ID number of one person of the application: the applicant or a family member. */
  person: string;
  /** 0 for the person's first case, then one more for each case after an ended one. */
  generation: number;
  caseId: string;
  /** pending: the submission is still starting its workflow; started: the case runs. */
  state: 'pending' | 'started';
  lockedAt: Date;
}

export interface CounterDoc {
  _id: string;
  seq: number;
}

const idempotencySchema = new Schema<IdempotencyKeyDoc>(
  {
    _id: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, required: true, enum: ['pending', 'done'] },
    response: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false },
);

const openCaseSchema = new Schema<OpenCaseLockDoc>(
  {
    _id: { type: String, required: true },
    person: { type: String, required: true },
    generation: { type: Number, required: true },
    caseId: { type: String, required: true },
    state: { type: String, required: true, enum: ['pending', 'started'] },
    lockedAt: { type: Date, required: true },
  },
  { collection: 'open_case_locks', versionKey: false },
);
openCaseSchema.index({ person: 1, generation: -1 });

const counterSchema = new Schema<CounterDoc>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'counters', versionKey: false },
);

export function idempotencyKeyModel(conn: Connection): Model<IdempotencyKeyDoc> {
  return (
    (conn.models.IdempotencyKey as Model<IdempotencyKeyDoc> | undefined) ??
    conn.model<IdempotencyKeyDoc>('IdempotencyKey', idempotencySchema)
  );
}

export function openCaseLockModel(conn: Connection): Model<OpenCaseLockDoc> {
  return (
    (conn.models.OpenCaseLock as Model<OpenCaseLockDoc> | undefined) ??
    conn.model<OpenCaseLockDoc>('OpenCaseLock', openCaseSchema)
  );
}

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
