/**
 * The API code in the bench process (createApp) on a throw-away database of its own, timed over
 * loopback HTTP: for the phases that seed a read model far larger than the run's own cases
 * ((4) supervisor audit, (7) dashboard). `close()` stops the server and drops the database.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config/config';
import { createLogger } from '../../config/logger';
import { connectMongo } from '../../models/connection';
import { analyzePostgresql, ensurePostgresqlIndexes } from '../../models/postgresql-indexes';
import type { BenchContext } from '../context';
import { say, ticker } from './progress';

export interface DedicatedApi {
  db: string;
  conn: Connection;
  /** http://127.0.0.1:<port> of the API on that database. */
  base: string;
  /** A supervisor's bearer token. */
  token: string;
  /**
   * After a bulk seed: PostgreSQL's statistics, as autovacuum would gather them in time (a plan
   * made without them is not what a running city would get). Nothing to do on SQLite.
   */
  analyze(): Promise<void>;
  close(): Promise<void>;
}

export async function dedicatedApi(ctx: BenchContext, name: string): Promise<DedicatedApi> {
  const db = `bench_${name}_${Date.now()}`;
  const url = new URL(ctx.stack.mongoUri);
  url.pathname = `/${db}`;
  const conn = await connectMongo({ uri: url.toString(), serverSelectionTimeoutMS: 5000 });
  const config = loadConfig({ ...ctx.stack.env, MONGODB_URI: url.toString(), MONGODB_SERVER_SELECTION_TIMEOUT_MS: '30000' });
  const app = createApp({
    config,
    logger: createLogger({ level: 'silent', name: `bench-${name}` }),
    temporal: ctx.client,
    mongo: conn,
  });
  // The indexes the worker adds under FerretDB on PostgreSQL (its own database's; this is another).
  const postgresqlUrl = ctx.stack.postgresqlUrl;
  if (postgresqlUrl) await ensurePostgresqlIndexes({ mongo: conn, postgresqlUrl });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await ctx.stack.token({ sub: 'bench-supervisor', role: 'supervisor' });
  return {
    db,
    conn,
    base,
    token,
    analyze: async () => {
      if (postgresqlUrl) await analyzePostgresql(postgresqlUrl);
    },
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
}

/**
 * Seeds the small size and times it (median of 3), then seeds up to the large size and times it
 * once: the same queries on ten times the data, and their ratio per query.
 */
export async function atTwoSizes<T extends { ms: Record<string, number> }>(
  ctx: BenchContext,
  opts: {
    /** Says what the large seed adds, e.g. "(4) supervisor audit: seeding up to N cases (closed ones only)…". */
    largeNote: string;
    seed: (from: number, to: number, progress: (n: number) => void) => Promise<unknown>;
    time: (runs: number) => Promise<T>;
  },
): Promise<{ small: T & { cases: number }; large: T & { cases: number }; ratio: Record<string, number> }> {
  const { sizes } = ctx;
  let done = 0;
  const progress = (n: number) => {
    done = n;
  };
  let stop = ticker(() => `seeded ${done}/${sizes.seedSmall}`);
  await opts.seed(0, sizes.seedSmall, progress);
  stop();
  const small = await opts.time(3);
  say(opts.largeNote);
  stop = ticker(() => `seeded ${done}/${sizes.seedLarge}`);
  await opts.seed(sizes.seedSmall, sizes.seedLarge, progress);
  stop();
  const large = await opts.time(1);
  return {
    small: { cases: sizes.seedSmall, ...small },
    large: { cases: sizes.seedLarge, ...large },
    ratio: Object.fromEntries(Object.keys(small.ms).map((k) => [k, large.ms[k]! / small.ms[k]!])),
  };
}
