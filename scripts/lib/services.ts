/**
 * Launchers for the real services: the Temporal CLI dev server (SQLite file persistence) and
 * our embedded FerretDB (MongoDB wire protocol). Used by `npm start`, `npm test`, the
 * benchmarks and the restart tests.
 */
import { Connection } from '@temporalio/client';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import mongoose from 'mongoose';
import { searchAttributeCliArgs } from '../../workflows/search-attributes';
import { portIsOpen, spawnManaged, waitUntilReady, type ManagedProcess } from './processes';

export const ROOT = resolve(__dirname, '..', '..');
export const DATA_DIR = join(ROOT, '.data');

export interface Binaries {
  temporal: string;
  ferretdb: string;
  /** Temporal's own server and schema tool: only once `node scripts/setup.mjs --cluster` built them (scripts/lib/temporal-cluster.ts). */
  temporalServer?: string;
  temporalSqlTool?: string;
}

/** Paths resolved (and built if missing) by scripts/setup.mjs, the pre-hook of start and test. */
export function readBinaries(): Binaries {
  const file = join(DATA_DIR, 'binaries.json');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`node scripts/setup.mjs\` (npm start / npm test run it for you)`);
  }
  const bins = JSON.parse(readFileSync(file, 'utf8')) as Binaries;
  for (const [name, path] of Object.entries(bins)) {
    if (!existsSync(path)) throw new Error(`${name} binary ${path} is gone: run \`node scripts/setup.mjs\` to rebuild it`);
  }
  return bins;
}

export interface TemporalServerOptions {
  binary: string;
  port: number;
  uiPort?: number;
  /** The codec server the UI decodes payloads through (the API's /codec, issue 15); only with uiPort. */
  codecEndpoint?: string;
  /** SQLite file; cases survive a restart only because of it. */
  dbFile: string;
  logFile: string;
  namespace?: string;
  echo?: boolean;
}

export interface RunningTemporal {
  proc: ManagedProcess;
  address: string;
  uiUrl: string | undefined;
  options: TemporalServerOptions;
}

export async function startTemporal(opts: TemporalServerOptions): Promise<RunningTemporal> {
  const address = `127.0.0.1:${opts.port}`;
  if (await portIsOpen(opts.port)) {
    throw new Error(
      `port ${opts.port} is already in use; stop what runs there, set TEMPORAL_ADDRESS to use it, or (npm start) EMBEDDED_TEMPORAL_PORT to move ours`,
    );
  }
  const proc = spawnTemporal(opts);
  await waitUntilReady(proc, () => temporalIsReady(address, opts.namespace ?? 'default'));
  return { proc, address, uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined, options: opts };
}

/** The dev server process alone, without the port check and readiness wait: what a restart needs. */
export function spawnTemporal(opts: TemporalServerOptions): ManagedProcess {
  mkdirSync(dirname(opts.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--db-filename',
    opts.dbFile,
    // What the SDK's own CI uses: SQLite file persistence is very slow without these.
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    '--log-level',
    'warn',
    '--namespace',
    opts.namespace ?? 'default',
    ...searchAttributeCliArgs(),
  ];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.uiPort && opts.codecEndpoint) args.push('--ui-codec-endpoint', opts.codecEndpoint);
  return spawnManaged({ name: 'temporal', command: opts.binary, args, logFile: opts.logFile, echo: opts.echo });
}

/** Ready = the frontend answers and the namespace with our search attributes exists. */
export async function temporalIsReady(address: string, namespace: string): Promise<boolean> {
  const conn = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    const res = await conn.operatorService.listSearchAttributes({ namespace });
    return Object.keys(res.customAttributes ?? {}).includes('CaseStatus');
  } finally {
    await conn.close();
  }
}

export interface FerretdbOptions {
  binary: string;
  port: number;
  /** SQLite backend directory (default), or a PostgreSQL URL for the postgresql backend. */
  sqliteDir?: string;
  postgresqlUrl?: string;
  logFile: string;
  echo?: boolean;
}

export interface RunningFerretdb {
  proc: ManagedProcess;
  uri: string;
  options: FerretdbOptions;
}

export async function startFerretdb(opts: FerretdbOptions): Promise<RunningFerretdb> {
  if (await portIsOpen(opts.port)) {
    throw new Error(
      `port ${opts.port} is already in use; stop what runs there, set MONGODB_URI to use it, or (npm start) EMBEDDED_FERRETDB_PORT to move ours`,
    );
  }
  const proc = spawnFerretdb(opts);
  const uri = `mongodb://127.0.0.1:${opts.port}/hukou`;
  await waitUntilReady(proc, () => mongoIsReady(uri));
  return { proc, uri, options: opts };
}

/** The FerretDB process alone, without the port check and readiness wait: what a restart needs. */
export function spawnFerretdb(opts: FerretdbOptions): ManagedProcess {
  const args = ['--listen', `127.0.0.1:${opts.port}`];
  if (opts.postgresqlUrl) args.push('--handler', 'postgresql', '--postgresql-url', opts.postgresqlUrl);
  else args.push('--handler', 'sqlite', '--sqlite-dir', opts.sqliteDir ?? join(DATA_DIR, 'ferretdb'));
  return spawnManaged({ name: 'ferretdb', command: opts.binary, args, logFile: opts.logFile, echo: opts.echo });
}

export async function mongoIsReady(uri: string): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    await client.db().command({ ping: 1 });
    return true;
  } finally {
    await client.close();
  }
}
