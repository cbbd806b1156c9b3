/**
 * What a batch asked of the store, read where FerretDB keeps it: PostgreSQL's per-table
 * statistics (`pg_stat_user_tables`) of the bench database, before and after the batch. FerretDB
 * on PostgreSQL keeps each MongoDB database as a schema and each collection as a table named
 * `<collection>_<8 hex digits>`, so the difference names, per collection, the rows inserted,
 * updated and deleted and the scans (table or index) that read them: what CPU seconds alone
 * cannot say about why ours costs more than the floor with a store (issue 12 items 4 and 6).
 *
 * A backend reports its counts to the statistics when a transaction ends, but at most once a
 * second: counts of a later transaction wait until the backend has been idle for ten seconds
 * (PostgreSQL 15's PGSTAT_MIN_INTERVAL and PGSTAT_IDLE_INTERVAL), and no one can make another
 * backend report sooner. So the reading after a batch waits 11 s, and a reading is ten seconds
 * behind at most: the previous batch's last operations may fall in this one's, which is why each
 * side counts only its own collections (the floor with a store's one, or all the others). Other
 * processes' operations on those collections in the window count too: the bench runs one side
 * at a time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** One collection's operations. */
export interface TableOperations {
  inserted: number;
  updated: number;
  deleted: number;
  /** Table and index scans: PostgreSQL's reads (a FerretDB command often makes two). */
  scans: number;
  /** Rows those scans read (a table scan reads every row it passes). */
  rowsRead: number;
}

/** Per `<database>.<collection>` (FerretDB's schema and table, the table's hash suffix dropped). */
export type StoreOperations = Record<string, TableOperations>;

const ZERO: TableOperations = { inserted: 0, updated: 0, deleted: 0, scans: 0, rowsRead: 0 };
const FIELDS = Object.keys(ZERO) as Array<keyof TableOperations>;

/** `notices_a224f066` → `notices`; FerretDB's own metadata tables are not collections. */
export function collectionOf(table: string): string | undefined {
  if (table.startsWith('_ferretdb_')) return undefined;
  return table.replace(/_[0-9a-f]{8}$/, '');
}

interface StatRow {
  schemaname: string;
  relname: string;
  n_tup_ins: string;
  n_tup_upd: string;
  n_tup_del: string;
  seq_scan: string | null;
  idx_scan: string | null;
  seq_tup_read: string | null;
  idx_tup_fetch: string | null;
}

export function fromStatRows(rows: readonly StatRow[]): StoreOperations {
  const out: StoreOperations = {};
  const n = (v: string | null) => Number(v ?? 0);
  for (const r of rows) {
    const collection = collectionOf(r.relname);
    if (!collection) continue;
    const key = `${r.schemaname}.${collection}`;
    const prev = out[key] ?? ZERO;
    out[key] = {
      inserted: prev.inserted + n(r.n_tup_ins),
      updated: prev.updated + n(r.n_tup_upd),
      deleted: prev.deleted + n(r.n_tup_del),
      scans: prev.scans + n(r.seq_scan) + n(r.idx_scan),
      rowsRead: prev.rowsRead + n(r.seq_tup_read) + n(r.idx_tup_fetch),
    };
  }
  return out;
}

/** The statistics now, from a connection of its own (a session caches what it read once). */
export async function readStoreOperations(databaseUrl: string): Promise<StoreOperations> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<StatRow>(
      'SELECT schemaname, relname, n_tup_ins, n_tup_upd, n_tup_del, seq_scan, idx_scan, seq_tup_read, idx_tup_fetch FROM pg_stat_user_tables',
    );
    return fromStatRows(rows);
  } finally {
    await client.end();
  }
}

/** What happened between two readings; collections nothing happened to are left out. */
export function operationsBetween(before: StoreOperations, after: StoreOperations): StoreOperations {
  const out: StoreOperations = {};
  for (const [key, a] of Object.entries(after)) {
    const b = before[key] ?? ZERO;
    const d = Object.fromEntries(FIELDS.map((f) => [f, Math.max(0, a[f] - b[f])])) as unknown as TableOperations;
    if (FIELDS.some((f) => d[f] > 0)) out[key] = d;
  }
  return out;
}

/** Sums of the collections `which` keeps (all by default), divided by `cases`. */
export function perCase(
  ops: StoreOperations,
  cases: number,
  which: (key: string) => boolean = () => true,
): TableOperations & { written: number } {
  const sum = { ...ZERO };
  for (const [key, o] of Object.entries(ops)) if (which(key)) for (const f of FIELDS) sum[f] += o[f];
  const each = Object.fromEntries(FIELDS.map((f) => [f, sum[f] / cases])) as unknown as TableOperations;
  return { ...each, written: each.inserted + each.updated + each.deleted };
}

/** Per collection that `which` keeps, its operations per case over several batches of `cases` each. */
export function meanPerCase(
  batches: readonly StoreOperations[],
  cases: number,
  which: (key: string) => boolean = () => true,
): StoreOperations {
  const out: StoreOperations = {};
  for (const ops of batches) {
    for (const [key, o] of Object.entries(ops)) {
      if (!which(key)) continue;
      const sum = (out[key] ??= { ...ZERO });
      for (const f of FIELDS) sum[f] += o[f] / (cases * batches.length);
    }
  }
  return out;
}

/** Counts of a backend that ran again within a second of its last report wait this long for the next. */
const REPORT_LAG_MS = 11_000;

/** Measures the store operations of one batch; `stop()` waits for the backends' last report. */
export async function startStoreMeter(databaseUrl: string): Promise<{ stop(): Promise<StoreOperations> }> {
  const before = await readStoreOperations(databaseUrl);
  return {
    async stop() {
      await sleep(REPORT_LAG_MS);
      return operationsBetween(before, await readStoreOperations(databaseUrl));
    },
  };
}
