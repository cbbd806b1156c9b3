/**
 * What every phase works with: the app's stack and the floor worker as child processes, a
 * Temporal client with and one without the payload codec, a database connection, officer
 * tokens and the synthetic people, seeded into the simulator once up front.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import type { CapacityTable } from '../domain/capacity';
import { DISTRICTS, type Department } from '../domain/vocabulary';
import { connectMongo } from '../models/connection';
import { startAppStack, type AppStack } from '../scripts/lib/app-stack';
import { pollsTaskQueue } from '../temporal/task-queue-pollers';
import { quietLogger, writeWorkflowBundle } from '../scripts/lib/bundle';
import { freePort, spawnManaged, waitUntilReady, type ManagedProcess } from '../scripts/lib/processes';
import { CAPACITY_DIR } from '../policy/capacity-files';
import { ROOT } from '../scripts/lib/services';
import { FLOOR_STORE_TASK_QUEUE, FLOOR_TASK_QUEUE } from './floor/floor.workflow';
import { makePeople, mixedPeople, seedPeople, type SyntheticPerson } from './lib/people';
import { benchDatabase } from './lib/bench-database';
import { say } from './lib/progress';
import type { BenchOptions, BenchSizes, Topology } from './options';
import { testRounds } from '../test/support/round-files';

export const ALL_DEPARTMENTS: Department[] = ['police', 'hrss', 'housing', 'education'];

/** The synthetic people of each phase (one open case per ID number, so a person per case). */
export interface BenchPeople {
  warmup: SyntheticPerson[];
  /** One mixed batch of `cases` people per throughput measurement: [run][worker-count index]. */
  throughput: SyntheticPerson[][][];
  /** Per run, the cases that warm up a freshly started extra worker before a measured batch (not measured). */
  extraWorkerWarmup: SyntheticPerson[][];
  open: SyntheticPerson[];
  points: SyntheticPerson[];
  collective: SyntheticPerson[];
}

export interface BenchContext {
  sizes: BenchSizes;
  quick: boolean;
  /** Repetitions of each repeated figure (--runs). */
  runs: number;
  /** Worker processes the throughput phase measures with, e.g. [1, 2] (--workers). */
  workerCounts: number[];
  /** LOG_LEVEL of the app processes (--log-level; info, as in production, by default). */
  logLevel: string;
  /** FerretDB's PostgreSQL database, when FerretDB runs on PostgreSQL (its backends' CPU is measured). */
  pgDatabase?: string;
  /** Its URL (the store's operations per batch are read from its statistics). */
  pgUrl?: string;
  stack: AppStack;
  client: Client;
  /** Without the payload codec: the floor is bare Temporal (its worker has no codec either). */
  floorClient: Client;
  mongo: Connection;
  officerTokens: Record<Department, string>;
  floorWorker: ManagedProcess;
  /** The floor with a store: the same workflows, each activity one insert into the app's MongoDB. */
  floorStoreWorker: ManagedProcess;
  barePort: number;
  people: BenchPeople;
  /** Submissions retried (timeouts, 5xx, 409 while the first attempt was still in progress). */
  retries: number;
}

/**
 * Bundles the workflows, starts the stack in `runDir` and the floor worker, and seeds the
 * people. `onCleanup` receives what must run however the bench ends (dropping a PostgreSQL
 * database).
 */
export async function startBench(
  opts: BenchOptions,
  runDir: string,
  onCleanup: (c: () => Promise<void>) => void,
  topology: Topology = 'dev-server',
): Promise<BenchContext> {
  say('bundling workflows (app and floor)…');
  // Made first: the two bundles are written in parallel, and the floor's could come first (ENOENT).
  mkdirSync(runDir, { recursive: true });
  const floorBundlePath = join(runDir, 'floor-bundle.js');
  const [bundle] = await Promise.all([
    writeWorkflowBundle(join(runDir, 'workflow-bundle.js')),
    bundleWorkflowCode({ workflowsPath: join(__dirname, 'floor', 'floor.workflow.ts'), logger: quietLogger }).then(({ code }) =>
      writeFileSync(floorBundlePath, code),
    ),
  ]);
  const barePort = await freePort();
  const pg = opts.store === 'postgresql' ? await benchDatabase(opts.postgresqlUrl, onCleanup) : undefined;
  if (pg) say(`created PostgreSQL database ${pg.name} for FerretDB's PostgreSQL backend`);
  const { sizes } = opts;
  const throughputBatches = Array.from({ length: opts.runs }, () => opts.workerCounts.map(() => mixedPeople(sizes.cases)));
  const capacityDir = writeBenchCapacities(runDir, sizes.cases * opts.runs * opts.workerCounts.length);
  say(
    `starting ${topology === 'cluster' ? 'Temporal server on PostgreSQL' : 'Temporal dev server'}, FerretDB (${opts.store}), ` +
      `simulator, worker, API (LOG_LEVEL=${opts.logLevel})…`,
  );
  const stack = await startAppStack({
    dir: runDir,
    workflowBundlePath: bundle,
    apiEntry: 'bench/api-entry.ts',
    logLevel: opts.logLevel,
    // The app runs with NODE_ENV=production, which requires a session secret for the web pages.
    env: {
      BENCH_BARE_PORT: String(barePort),
      RATE_LIMIT_PER_MINUTE: '100000000',
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      CAPACITY_DIR: capacityDir,
      // Points cases wait for their admission round (issue 13): rounds of the bench's own that
      // rank a moment after the first case joins, with a short notice, so cases settle in seconds.
      ROUNDS_DIR: testRounds(`bench${process.pid}`).dir,
      ROUND_CLOSE_AFTER_MS: '500',
      PUBLIC_NOTICE_MS: '500',
    },
    ...(topology === 'cluster' ? { temporalCluster: { postgresUrl: opts.postgresqlUrl } } : {}),
    // Five clients with ≤ 8 connections each stay below FerretDB's PostgreSQL pool (see app-stack.ts).
    ...(pg ? { ferretdbPostgresqlUrl: pg.url, mongoUriOptions: 'maxPoolSize=8' } : {}),
  });
  const client = await stack.client();
  const floorClient = new Client({ connection: client.connection, namespace: stack.namespace });
  const startFloorWorker = async (name: string, taskQueue: string, env: NodeJS.ProcessEnv = {}) => {
    const proc = spawnManaged({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', join(__dirname, 'floor', 'floor.worker.ts')],
      env: { ...stack.env, ...env, BENCH_FLOOR_BUNDLE: floorBundlePath, BENCH_FLOOR_TASK_QUEUE: taskQueue },
      cwd: ROOT,
      logFile: join(runDir, `${name}.log`),
    });
    await waitUntilReady(proc, () => pollsTaskQueue(client, stack.namespace, taskQueue, `${proc.child.pid}@`));
    return proc;
  };
  const floorWorker = await startFloorWorker('floor-worker', FLOOR_TASK_QUEUE);
  const floorStoreWorker = await startFloorWorker('floor-store-worker', FLOOR_STORE_TASK_QUEUE, {
    BENCH_FLOOR_MONGODB_URI: stack.mongoUri,
  });
  const mongo = await connectMongo({ uri: stack.mongoUri, serverSelectionTimeoutMS: 5000 });
  const officerTokens = Object.fromEntries(
    await Promise.all(
      ALL_DEPARTMENTS.map(async (d) => [d, await stack.token({ sub: `bench-officer-${d}`, role: 'officer', department: d })]),
    ),
  ) as Record<Department, string>;
  say(`stack ready: API ${stack.apiUrl}, Temporal ${stack.temporalAddress}, MongoDB ${stack.mongoUri}`);

  const people: BenchPeople = {
    warmup: mixedPeople(sizes.warmup),
    throughput: throughputBatches,
    extraWorkerWarmup: Array.from({ length: opts.runs }, () =>
      opts.workerCounts.some((w) => w > 1) ? mixedPeople(sizes.warmup) : [],
    ),
    open: makePeople('town', sizes.open),
    points: makePeople('points', 1, { district: 'changan' }),
    collective: makePeople('collective', 1, { district: 'changan' }),
  };
  const everyone = [
    people.warmup,
    people.throughput.flat(2),
    people.extraWorkerWarmup.flat(),
    people.open,
    people.points,
    people.collective,
  ].flat();
  say(`seeding ${everyone.length} synthetic people into the simulator's records…`);
  await seedPeople(stack.mongoUri, everyone);

  return {
    sizes,
    quick: opts.quick,
    runs: opts.runs,
    workerCounts: opts.workerCounts,
    logLevel: opts.logLevel,
    ...(pg ? { pgDatabase: pg.name, pgUrl: pg.url } : {}),
    stack,
    client,
    floorClient,
    mongo,
    officerTokens,
    floorWorker,
    floorStoreWorker,
    barePort,
    people,
    retries: 0,
  };
}

/**
 * The shipped capacity file with every district's points quota and kindergarten and primary
 * places raised to `places`: the throughput batches' points and family cases must settle, not
 * exhaust a demo quota of 3–12 (the reservation cost is the same; exhaustion has its own tests).
 */
function writeBenchCapacities(runDir: string, places: number): string {
  const dir = join(runDir, 'capacities');
  mkdirSync(dir, { recursive: true });
  const file = 'xian-capacity-2026.json';
  const table = JSON.parse(readFileSync(join(CAPACITY_DIR, file), 'utf8')) as CapacityTable;
  for (const d of DISTRICTS) {
    table.pointsQuota[d] = Math.max(table.pointsQuota[d], places);
    const school = table.schoolPlaces[d];
    if (school) {
      school.kindergarten = Math.max(school.kindergarten ?? 0, places);
      school.primary = Math.max(school.primary ?? 0, places);
    }
  }
  writeFileSync(join(dir, file), JSON.stringify(table));
  return dir;
}

/** Stops what `startBench` started: its MongoDB connection, the floor workers and the stack. */
export async function stopBench(ctx: BenchContext): Promise<void> {
  await ctx.mongo.close();
  await Promise.all([ctx.floorWorker.stop(), ctx.floorStoreWorker.stop()]);
  await ctx.stack.stop();
}
