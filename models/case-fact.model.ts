/**
 * The supervisor dashboard's facts (domain/case-facts.ts): written by the read-model projection
 * beside each case, replaced by `_id` (never incremented: FerretDB v1 updates are not atomic).
 * No personal data: case id, route, area, department, kind, outcome, dates and durations only.
 *
 * The dashboard reads closed days as packs (models/case-fact-day.model.ts) and the last two days
 * and the supplement rounds from here, by `day` and by `month` + `kind`: equalities FerretDB's
 * PostgreSQL backend pushes down, so the archive of other days is not decoded.
 */
import { Schema, trusted, type Connection, type Model } from 'mongoose';
import { caseFacts, type CaseFact } from '../domain/case-facts';
import type { CaseState } from '../domain/case-state';
import { caseModel } from './case.model';
import { dropClosedFactDays, dropFactDays } from './case-fact-day.model';
import { onlyDuplicateKeys } from './duplicate-key';
import { markMigrationDone, migrationDone } from './migrations';

/**
 * `seq`: on supplement rounds only, the transition of the case that wrote the round's outcome, so
 * that a late attempt of an older transition cannot put back an outcome a newer one changed.
 */
export type CaseFactDoc = CaseFact & { seq?: number };

const factSchema = new Schema<CaseFactDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    kind: { type: String, required: true },
    route: { type: String, required: true },
    area: { type: String, required: true },
    department: { type: String },
    outcome: { type: String },
    at: { type: String, required: true },
    day: { type: String, required: true },
    month: { type: String, required: true },
    ms: { type: Number },
    tenths: { type: Number },
    withinSla: { type: Boolean },
    persons: { type: Number },
    seq: { type: Number },
  },
  { collection: 'case_facts', versionKey: false },
);
factSchema.index({ month: 1, kind: 1 });
factSchema.index({ day: 1 });

export function caseFactModel(conn: Connection): Model<CaseFactDoc> {
  return (conn.models.CaseFact as Model<CaseFactDoc> | undefined) ?? conn.model<CaseFactDoc>('CaseFact', factSchema);
}

/** A case's projection as stored: its state at transition `seq`. */
export interface Projection {
  state: CaseState;
  seq: number;
}

/**
 * Writes every fact the projections show; idempotent. Opened, ended and decided facts never
 * change once true (a decision's `_id` holds its instant), so they are inserted if absent — a
 * unique `_id` refusal is the one write FerretDB v1 checks by index on both backends, while a
 * replace by `_id` decodes the whole collection on SQLite (README "Benchmarks"). Only a
 * supplement round's outcome changes (open → answered / lapsed / closed): those are replaced.
 */
export async function writeCaseFacts(conn: Connection, ...projections: Projection[]): Promise<void> {
  await writeFacts(
    conn,
    projections.flatMap((p) => caseFacts(p.state).map((fact) => ({ fact, seq: p.seq }))),
  );
}

/**
 * Writes the facts `state` shows that `before` (the projection it replaced) did not show, or
 * showed otherwise: a transition adds a fact or two, and re-inserting every earlier one only to
 * be refused as a duplicate costs FerretDB a failed insert each. Sound because the projection
 * is written in `seq` order and a stored projection's facts are written before the next
 * transition's (the same activity writes both, and the workflow awaits it).
 */
export async function writeNewCaseFacts(conn: Connection, now: Projection, before: CaseState): Promise<void> {
  const seen = new Map(caseFacts(before).map((f) => [f._id, JSON.stringify(f)]));
  await writeFacts(
    conn,
    caseFacts(now.state)
      .filter((f) => seen.get(f._id) !== JSON.stringify(f))
      .map((fact) => ({ fact, seq: now.seq })),
  );
}

async function writeFacts(conn: Connection, facts: Array<{ fact: CaseFact; seq: number }>): Promise<void> {
  const model = caseFactModel(conn);
  const settled = facts.filter((f) => f.fact.kind !== 'supplement').map((f) => f.fact);
  const changing = facts.filter((f) => f.fact.kind === 'supplement');
  if (settled.length > 0) {
    try {
      await model.collection.insertMany(settled as never[], { ordered: false });
    } catch (err) {
      if (!onlyDuplicateKeys(err)) throw err;
    }
    // A day already packed would not count a fact that arrives days late: its pack goes. Also when
    // the insert was refused as a duplicate (a retried projection, the backfill): the pack is made
    // again on the next read, and a worker that stopped between the insert and this drop leaves
    // no pack without its fact behind.
    await dropClosedFactDays(
      conn,
      settled.map((f) => f.day),
    );
  }
  if (changing.length === 0) return;
  // Replaced only from a transition as new as the one that wrote it: an older transition's
  // attempt that ran on after its timeout (its retry done, the case moved on) finds no match, its
  // upsert is refused on the `_id`, and the newer outcome stands.
  try {
    await model.bulkWrite(
      changing.map(({ fact, seq }) => ({
        replaceOne: {
          filter: { _id: fact._id, $or: [{ seq: trusted({ $lte: seq }) }, { seq: trusted({ $exists: false }) }] },
          replacement: { ...fact, seq },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  } catch (err) {
    if (!onlyDuplicateKeys(err)) throw err;
  }
}

/** Marks the backfill below as done, so later starts skip it. */
const FACTS_MIGRATION = 'case-facts';

/**
 * Writes the facts of projections stored before the dashboard existed (idempotent: the same
 * `_id`s). Run by the worker at start; once done, a later start costs one lookup by _id.
 */
export async function backfillCaseFacts(conn: Connection, batch = 500): Promise<number> {
  if (await migrationDone(conn, FACTS_MIGRATION)) return 0;
  let n = 0;
  let pending: Projection[] = [];
  // Before the worker takes tasks (as backfillOpenFlag): no projection races with these writes.
  const cursor = caseModel(conn).find({}).lean().cursor({ batchSize: batch });
  try {
    for await (const doc of cursor) {
      pending.push({ state: doc as CaseState, seq: doc.seq });
      if (pending.length < 100) continue;
      await writeCaseFacts(conn, ...pending);
      n += pending.length;
      pending = [];
    }
  } finally {
    await cursor.close();
  }
  await writeCaseFacts(conn, ...pending);
  n += pending.length;
  // A pack made before these facts existed would hide them (models/case-fact-day.model.ts).
  if (n > 0) await dropFactDays(conn);
  await markMigrationDone(conn, FACTS_MIGRATION);
  return n;
}

/** Marks the persons backfill below as done. */
const PERSONS_MIGRATION = 'case-facts-persons';

/**
 * Adds `persons` to the opened and ended facts written before facts counted persons (idempotent:
 * the same number again; only facts without it are touched). Run by the worker at start, after
 * the backfill above; once done, a later start costs one lookup by _id. Then drops every pack,
 * since packs made before hold no persons.
 */
export async function backfillFactPersons(conn: Connection, batch = 500): Promise<number> {
  if (await migrationDone(conn, PERSONS_MIGRATION)) return 0;
  const facts = caseFactModel(conn);
  let n = 0;
  let pending: Array<{ _id: string; persons: number }> = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const done = await facts.bulkWrite(
      pending.map((f) => ({
        updateOne: {
          filter: { _id: f._id, persons: trusted({ $exists: false }) },
          update: { $set: { persons: f.persons } },
        },
      })),
      { ordered: false },
    );
    n += done.modifiedCount;
    pending = [];
  };
  const cursor = caseModel(conn).find({}).lean().cursor({ batchSize: batch });
  try {
    for await (const doc of cursor) {
      for (const f of caseFacts(doc as CaseState)) if (f.persons !== undefined) pending.push({ _id: f._id, persons: f.persons });
      if (pending.length >= 200) await flush();
    }
  } finally {
    await cursor.close();
  }
  await flush();
  if (n > 0) await dropFactDays(conn);
  await markMigrationDone(conn, PERSONS_MIGRATION);
  return n;
}
