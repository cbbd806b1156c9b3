/**
 * The PostgreSQL indexes FerretDB v1 cannot make itself (issue 12).
 *
 * FerretDB v1 on PostgreSQL keeps each document in a `_jsonb` column and pushes a top-level
 * equality filter down as `_jsonb->'field' @> value` (a case by id, an inbox by department, the
 * open cases). The indexes it creates for `createIndexes` are B-trees on `(_jsonb->'field')`,
 * which serve `=` but never `@>`: so even `{_id}` reads scan the whole table (FerretDB issue
 * 4646). A GIN index on the same expression serves `@>`; this module adds one for `_id` and for
 * the leading field of every index a model declares, on the tables FerretDB made for them.
 *
 * Only when MongoDB is FerretDB on PostgreSQL (FERRETDB_POSTGRESQL_URL); the worker runs it at
 * start. Built CONCURRENTLY, so a large table keeps taking writes meanwhile; idempotent.
 */
import type { Connection, Model } from 'mongoose';
import pg from 'pg';
import { accessRecordModel } from './access-record.model';
import { auditEventModel } from './audit-event.model';
import { capacityChangeModel } from './capacity-change.model';
import { caseFactDayModel } from './case-fact-day.model';
import { caseFactModel } from './case-fact.model';
import { caseModel } from './case.model';
import { counterModel } from './counter.model';
import { decisionNumberModel } from './decision-number.model';
import { familyRefusalModel } from './family-refusal.model';
import { idempotencyKeyModel } from './idempotency-key.model';
import { noticeModel } from './notice.model';
import { openCaseLockModel } from './open-case-lock.model';
import { registrationModel } from './registration.model';
import { requestFingerprintModel } from './request-fingerprint.model';
import { reservationPoolModel } from './reservation-pool.model';
import { reservationSlotModel } from './reservation-slot.model';
import { reservationModel } from './reservation.model';
import { schoolWaitlistModel } from './school-waitlist.model';
import { socialInsuranceTransferModel } from './social-insurance-transfer.model';
import { webSessionModel } from './web-session.model';

/** Every collection that grows with the cases (probes and migrations stay tiny). */
const MODELS: ReadonlyArray<(conn: Connection) => Model<never>> = [
  accessRecordModel,
  auditEventModel,
  capacityChangeModel,
  caseFactDayModel,
  caseFactModel,
  caseModel,
  counterModel,
  decisionNumberModel,
  familyRefusalModel,
  idempotencyKeyModel,
  noticeModel,
  openCaseLockModel,
  registrationModel,
  requestFingerprintModel,
  reservationPoolModel,
  reservationSlotModel,
  reservationModel,
  schoolWaitlistModel,
  socialInsuranceTransferModel,
  webSessionModel,
] as never;

/**
 * FerretDB sends its filters as prepared statements with the field name as a parameter
 * (`_jsonb->$1 @> $2`). PostgreSQL plans the first five executions of a statement with the
 * values in (an index on `_jsonb->'_id'` matches) and may then switch to a generic plan, where the
 * expression cannot match any index: when a table was still small at that moment, every later
 * read or upsert of that connection scanned the whole table (a benchmark counted 27 million
 * audit-line rows read by 5,700 scans). Custom plans for every execution keep the indexes in use;
 * planning costs a fraction of a millisecond. Set on the database, so FerretDB's connections
 * opened afterwards take it.
 */
export function customPlansSql(database: string): string {
  return `ALTER DATABASE ${quoteIdent(database)} SET plan_cache_mode = force_custom_plan`;
}

/** `_id` and the leading field of each declared index: the fields our equality filters start with. */
export function filteredFields(model: Model<never>): string[] {
  const fields = new Set<string>(['_id']);
  for (const [keys] of model.schema.indexes()) {
    const first = Object.keys(keys)[0];
    // FerretDB pushes nested paths down with `#>`; none of our hot filters lead with one.
    if (first && !first.includes('.')) fields.add(first);
  }
  return [...fields];
}

export interface IndexPlan {
  collection: string;
  fields: string[];
}

export function indexPlan(conn: Connection): IndexPlan[] {
  return MODELS.map((m) => {
    const model = m(conn);
    return { collection: model.collection.collectionName, fields: filteredFields(model) };
  });
}

/** PostgreSQL identifiers are at most 63 bytes; a readable name, shortened by a hash if need be. */
function indexName(table: string, field: string): string {
  const name = `hukou_${table}_${field.replace(/[^a-zA-Z0-9]/g, '')}_gin`;
  if (name.length <= 63) return name;
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `${name.slice(0, 50)}_${h.toString(16)}`;
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function isDuplicate(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '23505' || code === '42P07';
}

/**
 * PostgreSQL's planner statistics, as autovacuum gathers them in time: after a bulk load a plan
 * made without them is not the one a running system gets (the bench and the index test).
 */
export async function analyzePostgresql(postgresqlUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresqlUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

export interface EnsuredIndex {
  collection: string;
  field: string;
  index: string;
  created: boolean;
}

/**
 * Creates the collections (so that FerretDB has made their tables) and the GIN indexes on them.
 * `database` is the MongoDB database name, which FerretDB uses as the PostgreSQL schema.
 */
export async function ensurePostgresqlIndexes(opts: {
  mongo: Connection;
  postgresqlUrl: string;
  database?: string;
}): Promise<EnsuredIndex[]> {
  const plan = indexPlan(opts.mongo);
  await Promise.all(MODELS.map((m) => m(opts.mongo).init()));
  const schema = opts.database ?? opts.mongo.db?.databaseName;
  if (!schema) throw new Error('no MongoDB database selected');
  const client = new pg.Client({ connectionString: opts.postgresqlUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const tables = new Map(
      (
        await client.query<{ collection: string; tbl: string }>(
          `SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS tbl FROM ${quoteIdent(schema)}._ferretdb_database_metadata`,
        )
      ).rows.map((r) => [r.collection, r.tbl]),
    );
    await ensureCustomPlans(client);
    await oneProcessAtATime(client, schema);
    const done: EnsuredIndex[] = [];
    for (const { collection, fields } of plan) {
      const table = tables.get(collection);
      if (!table) throw new Error(`FerretDB has no table for collection ${schema}.${collection}`);
      for (const field of fields) {
        const index = indexName(table, field);
        const existing = await client.query<{ valid: boolean }>(
          `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
          [schema, index],
        );
        if (existing.rows[0]?.valid) {
          done.push({ collection, field, index, created: false });
          continue;
        }
        // An interrupted concurrent build leaves an invalid index behind: drop it and build again.
        if (existing.rows[0]) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(schema)}.${quoteIdent(index)}`);
        try {
          await client.query(
            `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(index)} ON ${quoteIdent(schema)}.${quoteIdent(table)} ` +
              `USING gin ((_jsonb -> ${quoteLiteral(field)}) jsonb_path_ops)`,
          );
        } catch (err) {
          // Two workers starting at once: the other one is building it (IF NOT EXISTS does not
          // cover a build in flight). It is theirs to finish.
          if (!isDuplicate(err)) throw err;
        }
        done.push({ collection, field, index, created: true });
      }
    }
    return done;
  } finally {
    await client.end();
  }
}

/**
 * Connections FerretDB opens from now on plan each statement with its values (customPlansSql);
 * the launchers set this before FerretDB starts, so it is usually there already and the catalog is
 * left alone. Two processes altering the database at once update one catalog row and PostgreSQL
 * refuses the second ("tuple concurrently updated", as CI once saw), so the change is made under a
 * database-wide lock: processes of other schemas share the database. A role that may not alter the
 * database leaves it to its owner (README "Database").
 */
async function ensureCustomPlans(client: pg.Client): Promise<void> {
  const isSet = async () =>
    (
      await client.query<{ set: boolean }>(
        `SELECT EXISTS (
           SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
            WHERE d.datname = current_database() AND s.setrole = 0
              AND 'plan_cache_mode=force_custom_plan' = ANY (s.setconfig)) AS set`,
      )
    ).rows[0]!.set;
  if (await isSet()) return;
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('hukou-custom-plans'))");
    if (!(await isSet())) {
      const { db } = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!;
      await client.query(customPlansSql(db));
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    if ((err as { code?: string }).code !== '42501') throw err;
  }
}

/**
 * Waits until this process alone builds the store's indexes. Two workers starting at once used to
 * build them side by side, and PostgreSQL could end one's `CREATE INDEX CONCURRENTLY` with
 * "deadlock detected" (the builds wait for each other's transactions), or one would drop as
 * "interrupted" an index the other was still building. A session advisory lock (freed when the
 * connection ends), taken by polling: a session blocked in `pg_advisory_lock` holds a snapshot
 * that the other's concurrent build waits for, which would deadlock the same way.
 */
async function oneProcessAtATime(client: pg.Client, schema: string, timeoutMs = 15 * 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      `hukou-gin-indexes:${schema}`,
    ]);
    if (rows[0]?.locked) return;
    if (Date.now() > until) throw new Error(`another process has been building the indexes of ${schema} for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
