/**
 * Writes the access record of a view (issue 15 part 3, 查询留痕): called by the application
 * layer's queries themselves, so the JSON API, the web pages and the codec server share it and
 * no door can forget it. The record is written before the data is returned: a read that cannot
 * be recorded is not served.
 *
 * Appending keeps the day's chain linear with several API processes and no transactions
 * (FerretDB v1): a record takes place `<day>:<seq + 1>` after the last record it knows, carrying
 * its hash; the unique `_id` lets exactly one appender take each place. Each process remembers
 * the end of the chain it last wrote (per connection), so an append is one insert, whatever the
 * day's length: reading the tail by a sorted query costs the whole day's records on FerretDB,
 * and every staff read appends. A place taken by another process is followed by `_id` to the
 * chain's real end (a long way behind: the tail is read again). Appends of one process queue
 * behind the one in flight and go in together (ordered, one round trip): a crowd of reads is a
 * few inserts, not a race of every reader for the same place.
 *
 * The remembered end stays true because records are never changed or removed, except whole
 * days long past (retention, which forgets the ends it removes in its own process).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import { shanghaiDay } from '../../domain/shanghai-clock';
import { accessRecordModel, type AccessRecordDoc } from '../../models/access-record.model';
import { isDuplicateKey } from '../../models/duplicate-key';
import type { Actor, ApplicantActor } from '../actor';
import type { AppDeps } from '../deps';
import { accessRecordHash, accessRecordId, GENESIS_HASH } from './chain';

/** What was viewed (README "Access records"). */
export const ACCESS_VIEWS = [
  'officer_case',
  'supervisor_case',
  'timeline',
  'audit_trail',
  'audit_csv',
  'notices',
  'notice_letter',
  'officer_inbox',
  'school_waitlist',
  'stuck_cases',
  'temporal_payloads',
  'round_objections',
] as const;
export type AccessView = (typeof ACCESS_VIEWS)[number];

export const ACCESS_DOORS = ['api', 'web', 'codec'] as const;
export type AccessDoor = (typeof ACCESS_DOORS)[number];
export const PURPOSE_MAX = 200;

/** Who may leave access records: everyone but applicants, whose reads of their own cases are not recorded. */
export type StaffActor = Exclude<Actor, ApplicantActor>;

/** What the door adds to a record: how the person came, why (when they said), which request. */
export interface AccessContext {
  via?: (typeof ACCESS_DOORS)[number];
  purpose?: string;
  requestId?: string;
}

/** Rounds of taking places for one batch before the append fails (another process keeps winning). */
const MAX_ATTEMPTS = 200;
/** Records queued behind the insert in flight that go in with the next one. */
const MAX_BATCH = 100;
/** Places taken by others followed one `_id` read at a time before the tail is read again. */
const MAX_FOLLOW = 8;

/** A stated purpose as stored: trimmed, control characters removed, at most PURPOSE_MAX characters. */
export function cleanPurpose(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return text ? text.slice(0, PURPOSE_MAX) : undefined;
}

type ChainEnd = Pick<AccessRecordDoc, 'day' | 'seq' | 'hash'>;

interface Pending {
  body: Omit<AccessRecordDoc, '_id' | 'seq' | 'prevHash' | 'hash'>;
  resolve: (doc: AccessRecordDoc) => void;
  reject: (err: unknown) => void;
}

interface Appender {
  /** The last record this process wrote or saw at the end of the chain; undefined: read the tail. */
  end?: ChainEnd;
  queue: Pending[];
  draining: boolean;
}

const appenders = new WeakMap<Connection, Appender>();

function appenderOf(mongo: Connection): Appender {
  let a = appenders.get(mongo);
  if (!a) appenders.set(mongo, (a = { queue: [], draining: false }));
  return a;
}

/** Forgets the remembered chain ends of `mongo` (after records were removed through it: retention). */
export function forgetAccessChainEnds(mongo: Connection): void {
  appenders.delete(mongo);
}

export async function recordAccess(
  deps: Pick<AppDeps, 'mongo'>,
  input: {
    actor: StaffActor;
    view: AccessView;
    caseIds: readonly string[];
    /** The round viewed, for `round_objections`. */
    roundId?: string;
    access?: AccessContext;
    now?: Date;
  },
): Promise<AccessRecordDoc> {
  const at = (input.now ?? new Date()).toISOString();
  const { actor } = input;
  const purpose = cleanPurpose(input.access?.purpose);
  const body: Pending['body'] = {
    day: shanghaiDay(at),
    at,
    actor: { sub: actor.sub, role: actor.role, ...(actor.role === 'officer' ? { department: actor.department } : {}) },
    view: input.view,
    caseIds: [...input.caseIds],
    ...(input.roundId ? { roundId: input.roundId } : {}),
    ...(purpose ? { purpose } : {}),
    ...(input.access?.via ? { via: input.access.via } : {}),
    ...(input.access?.requestId ? { requestId: input.access.requestId } : {}),
  };
  const appender = appenderOf(deps.mongo);
  const written = new Promise<AccessRecordDoc>((resolve, reject) => appender.queue.push({ body, resolve, reject }));
  if (!appender.draining) void drain(deps.mongo, appender);
  return written;
}

async function drain(mongo: Connection, appender: Appender): Promise<void> {
  appender.draining = true;
  try {
    while (appender.queue.length > 0) {
      // One day per batch: a batch straddling midnight ends one chain and starts the next.
      const day = appender.queue[0]!.body.day;
      let n = 0;
      while (n < appender.queue.length && n < MAX_BATCH && appender.queue[n]!.body.day === day) n++;
      const batch = appender.queue.splice(0, n);
      try {
        await appendBatch(mongo, appender, day, batch);
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  } finally {
    appender.draining = false;
  }
}

function chained(end: ChainEnd | undefined, day: string, batch: Pending[]): AccessRecordDoc[] {
  let [seq, prevHash] = end ? [end.seq, end.hash] : [0, GENESIS_HASH];
  return batch.map((p) => {
    seq += 1;
    const body: Omit<AccessRecordDoc, 'hash'> = { _id: accessRecordId(day, seq), ...p.body, seq, prevHash };
    const doc: AccessRecordDoc = { ...body, hash: accessRecordHash(body) };
    prevHash = doc.hash;
    return doc;
  });
}

/** How many of an ordered insert's documents went in before it failed. */
function insertedBefore(err: unknown): number {
  const e = err as { insertedCount?: number; result?: { insertedCount?: number } };
  return e.insertedCount ?? e.result?.insertedCount ?? 0;
}

async function appendBatch(mongo: Connection, appender: Appender, day: string, batch: Pending[]): Promise<void> {
  const records = accessRecordModel(mongo);
  const readTail = async (): Promise<ChainEnd | undefined> =>
    (await records.findOne({ day }).sort({ seq: -1 }).select({ day: 1, seq: 1, hash: 1 }).lean()) ?? undefined;
  let end = appender.end?.day === day ? appender.end : await readTail();
  let followed = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const docs = chained(end, day, batch);
    try {
      await records.collection.insertMany(docs as never[], { ordered: true });
      appender.end = docs.at(-1)!;
      docs.forEach((d, i) => batch[i]!.resolve(d));
      return;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // The first `done` went in; the next place was taken by another process.
      const done = insertedBefore(err);
      docs.slice(0, done).forEach((d, i) => batch[i]!.resolve(d));
      batch = batch.slice(done);
      const mine = done > 0 ? docs[done - 1] : end;
      const taken = accessRecordId(day, (mine?.seq ?? 0) + 1);
      const next = followed < MAX_FOLLOW ? await records.findById(taken).select({ day: 1, seq: 1, hash: 1 }).lean() : null;
      followed += 1;
      end = next ?? (await readTail());
      appender.end = end;
      // Another crowd is appending too: spread the retries a little.
      if (attempt > 2) await sleep(Math.floor(Math.random() * Math.min(attempt, 20)));
    }
  }
  throw new Error(`access record not appended after ${MAX_ATTEMPTS} attempts (day ${day})`);
}
