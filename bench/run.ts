/**
 * `npm run bench`: measures the engine on the real stack it starts itself and prints one table
 * in which every figure stands beside a baseline measured in the same run on the same server.
 *
 *   npm run bench                      # default: 300 cases, 1 000 open cases, 10 000 / 100 000 read-model cases
 *   npm run bench -- --cases 500       # more (or fewer) cases for the throughput figure
 *   npm run bench -- --quick           # a few minutes less: small numbers everywhere (a smoke run)
 *
 * Process model (see README "Benchmarks"): Temporal dev server, FerretDB, the simulator, the
 * app's worker, the API (bench/api-entry.ts = api/main.ts + a bare Express route in the same
 * process) and the floor workflow's worker each run as a child process; this process is only
 * the load generator. Everything listens on 127.0.0.1; state lives in .data/bench/<run>/ and
 * is removed after a successful run.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { trusted, type Connection } from 'mongoose';
import * as prettier from 'prettier';
import { createApp } from '../api/app';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import type { Department } from '../domain/vocabulary';
import { caseModel } from '../models/case.model';
import { connectMongo } from '../models/connection';
import { startAppStack, pollsTaskQueue, type AppStack } from '../scripts/lib/app-stack';
import { quietLogger, writeWorkflowBundle } from '../scripts/lib/bundle';
import { freePort, spawnManaged, stopAll, waitUntilReady, type ManagedProcess } from '../scripts/lib/processes';
import { DATA_DIR, ROOT, readBinaries } from '../scripts/lib/services';
import { DEMO_PEOPLE } from '../tools/simulator/demo-people';
import { demoApplication } from '../scripts/lib/demo-cases';
import { caseStatusQuery, settlementCaseWorkflowId } from '../workflows/settlement-case/messages';
import { FLOOR_TASK_QUEUE, floorCase, floorDecideUpdate, floorWaitingQuery, type FloorInput } from './floor/floor.workflow';
import { call, decide, mapPool, sleep, startOfficerPool, submit, until, type DecisionBody } from './lib/api-driver';
import {
  callLoop,
  latencies,
  loadLoop,
  machine,
  rssMiB,
  timed,
  type Latencies,
  type LoadResult,
  type Machine,
} from './lib/measure';
import { applicationFor, makePeople, seedPeople, type SyntheticPerson } from './lib/people';
import { createDatabase, dropDatabase, postgresqlAvailable } from './lib/postgres';
import { seedReadModel } from './lib/read-model-seed';

// ---- options -----------------------------------------------------------------------------------

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string' },
    quick: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    store: { type: 'string', default: 'auto' },
    'postgresql-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
if (!['auto', 'sqlite', 'postgresql'].includes(args.store!)) throw new Error('--store must be auto, sqlite or postgresql');
/** auto: FerretDB on PostgreSQL when this machine runs one (createdb works), else on SQLite. */
const store: 'sqlite' | 'postgresql' =
  args.store === 'auto'
    ? postgresqlAvailable(args['postgresql-url']!)
      ? 'postgresql'
      : 'sqlite'
    : (args.store as 'sqlite' | 'postgresql');
const quick = args.quick ?? false;
const OPTS = {
  cases: Number(args.cases ?? (quick ? 40 : 300)),
  warmup: quick ? 5 : 10,
  open: quick ? 200 : 1000,
  latencySamples: quick ? 40 : 200,
  latencyConcurrency: 4,
  seedSmall: quick ? 2000 : 10_000,
  seedLarge: quick ? 20_000 : 100_000,
  seedOpen: quick ? 200 : 1000,
  loadMs: quick ? 3000 : 5000,
  connections: 16,
  submitters: 10,
  officersPerDepartment: 4,
};
if (!Number.isInteger(OPTS.cases) || OPTS.cases < 1 || OPTS.cases > 10_000) throw new Error('--cases must be 1…10000');

// ---- progress ----------------------------------------------------------------------------------

const t0 = Date.now();
const elapsed = () => `${String(Math.round((Date.now() - t0) / 1000)).padStart(4)}s`;
function say(msg: string): void {
  process.stderr.write(`[bench ${elapsed()}] ${msg}\n`);
}
const loadAverage: Record<string, number> = {};
function noteLoad(phase: string): void {
  loadAverage[phase] = Math.round(os.loadavg()[0]! * 100) / 100;
}
/** Prints `status()` every 3 s until stopped: long phases show they are moving. */
function ticker(status: () => string): () => void {
  const timer = setInterval(() => say(`  … ${status()}`), 3000);
  return () => clearInterval(timer);
}

// ---- helpers -----------------------------------------------------------------------------------

const ALL_DEPARTMENTS: Department[] = ['police', 'hrss', 'housing', 'education'];

interface Ctx {
  stack: AppStack;
  client: Client;
  /** Without the payload codec: the floor is bare Temporal (its worker has no codec either). */
  floorClient: Client;
  mongo: Connection;
  officerTokens: Record<Department, string>;
  floorWorker: ManagedProcess;
  barePort: number;
  /** Submissions retried (timeouts, 5xx, 409 while the first attempt was still in progress). */
  retries: number;
}

async function applicantToken(ctx: Ctx, sub: string): Promise<string> {
  return ctx.stack.token({ sub, role: 'applicant' });
}

/**
 * Submits every person's application through the API (bounded concurrency); returns case ids in
 * order. A submission that times out or meets a 5xx is retried with the same Idempotency-Key,
 * as a client should: it cannot create a second case.
 */
async function submitAll(ctx: Ctx, people: SyntheticPerson[], onDone?: () => void): Promise<string[]> {
  return mapPool(people, OPTS.submitters, async (p) => {
    const token = await applicantToken(ctx, `bench-${p.idNumber}`);
    for (let attempt = 1; ; attempt++) {
      let outcome: string;
      try {
        const res = await submit(ctx.stack.apiUrl, token, applicationFor(p), `bench-${p.idNumber}`);
        if (res.status === 202) {
          onDone?.();
          return res.body.caseId;
        }
        outcome = `${res.status} ${JSON.stringify(res.body)}`;
        if (res.status < 500 && res.status !== 409) throw new Error(`submission refused: ${outcome}`);
      } catch (err) {
        if (!(err instanceof Error) || err.name !== 'TimeoutError') throw err;
        outcome = 'no answer within 30 s';
      }
      if (attempt >= 5) throw new Error(`submission failed ${attempt} times, last: ${outcome}`);
      ctx.retries++;
      await sleep(1000);
    }
  });
}

async function countCases(ctx: Ctx, filter: Record<string, unknown>): Promise<number> {
  return caseModel(ctx.mongo).countDocuments(filter);
}

/** Cases submitted and driven to settled by the officer pool, through the API. Returns cases/s and ids. */
async function runOurCases(ctx: Ctx, people: SyntheticPerson[], label: string) {
  const ours = new Set<string>();
  const pool = startOfficerPool({
    apiUrl: ctx.stack.apiUrl,
    tokens: { police: ctx.officerTokens.police, housing: ctx.officerTokens.housing },
    officersPerDepartment: OPTS.officersPerDepartment,
    decisionFor: (caseId) => (ours.has(caseId) ? { decision: 'approve' } : undefined),
  });
  let submitted = 0;
  let settled = 0;
  const stopTicker = ticker(() => `${label}: ${submitted}/${people.length} submitted, ${settled} settled`);
  const before = (await ctx.client.workflow.count(`WorkflowType = 'settlementCase' AND ExecutionStatus = 'Completed'`)).count;
  const started = performance.now();
  try {
    const ids = await submitAll(ctx, people, () => {
      submitted++;
    });
    for (const id of ids) ours.add(id);
    // Completion is read from Temporal's visibility (cheap), not by polling the read model, so
    // the measurement adds no load to the database under test; the read model is checked after.
    await until(
      async () => {
        settled =
          (await ctx.client.workflow.count(`WorkflowType = 'settlementCase' AND ExecutionStatus = 'Completed'`)).count - before;
        return settled >= ids.length ? true : undefined;
      },
      `${label}: ${ids.length} cases settled`,
      60 * 60_000,
      300,
    );
    const seconds = (performance.now() - started) / 1000;
    const notSettled = ids.length - (await countCases(ctx, { _id: trusted({ $in: ids }), status: 'settled' }));
    if (notSettled > 0) throw new Error(`${label}: ${notSettled} of ${ids.length} cases ended otherwise than settled`);
    return { ids, seconds, casesPerSecond: ids.length / seconds };
  } finally {
    stopTicker();
    await pool.stop();
  }
}

/** The floor: started and decided straight through the Temporal client. */
async function runFloorCases(ctx: Ctx, count: number, shape: FloorInput, label: string) {
  let done = 0;
  let failure: unknown;
  const stopTicker = ticker(() => `${label}: ${done}/${count} done`);
  const started = performance.now();
  try {
    await mapPool(
      Array.from({ length: count }, (_, i) => i),
      OPTS.submitters,
      async () => {
        const handle = await ctx.floorClient.workflow.start(floorCase, {
          taskQueue: FLOOR_TASK_QUEUE,
          workflowId: `BenchFloor:${randomUUID()}`,
          args: [shape],
        });
        // Decided as soon as started (updates wait in the workflow): the floor needs no officer inbox.
        void Promise.all(Array.from({ length: shape.branches }, (_, b) => handle.executeUpdate(floorDecideUpdate, { args: [b] })))
          .then(() => handle.result())
          .then(
            () => {
              done++;
            },
            (err: unknown) => {
              failure ??= err;
            },
          );
      },
    );
    const deadline = Date.now() + 30 * 60_000;
    while (done < count) {
      if (failure) throw failure;
      if (Date.now() > deadline) throw new Error(`${label}: ${done}/${count} floor cases after 30 min`);
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, casesPerSecond: count / seconds };
  } finally {
    stopTicker();
  }
}

function countEvents(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>) {
  const events = history.events ?? [];
  return {
    events: events.length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    updates: events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length,
  };
}

/** Waits until the API's read model lists the case as settled; returns its history length and size. */
async function settleOne(ctx: Ctx, application: Record<string, unknown>, departments: Department[], sub: string) {
  const token = await applicantToken(ctx, sub);
  const res = await submit(ctx.stack.apiUrl, token, application);
  if (res.status !== 202) throw new Error(`submission refused: ${res.status} ${JSON.stringify(res.body)}`);
  const caseId = res.body.caseId;
  const pool = startOfficerPool({
    apiUrl: ctx.stack.apiUrl,
    tokens: Object.fromEntries(departments.map((d) => [d, ctx.officerTokens[d]])),
    officersPerDepartment: 1,
    decisionFor: (id) => (id === caseId ? { decision: 'approve' } : undefined),
  });
  try {
    const handle = ctx.client.workflow.getHandle(settlementCaseWorkflowId(caseId));
    const result = (await handle.result()) as { status: string };
    if (result.status !== 'settled') throw new Error(`${sub}: ended ${result.status}, expected settled`);
    const d = await handle.describe();
    return { caseId, events: d.historyLength, bytes: d.historySize ?? NaN };
  } finally {
    await pool.stop();
  }
}

// ---- phases ------------------------------------------------------------------------------------

interface Results {
  machine: Machine;
  options: typeof OPTS;
  store: string;
  processModel: string;
  /** Submissions the load generator had to retry (timeouts, 5xx). */
  submissionRetries: number;
  throughput: {
    cases: number;
    ours: { seconds: number; casesPerSecond: number };
    floor: { seconds: number; casesPerSecond: number; shape: FloorInput };
    ratio: number;
  };
  decisionLatencyMs: { api: Latencies; rawUpdate: Latencies; ratioP50: number; concurrency: number };
  statusReads: {
    api: LoadResult;
    bare: LoadResult;
    readModel: LoadResult;
    connections: number;
    ratioRps: number;
    ratioToReadModel: number;
    bodyBytes: number;
  };
  supervisorAudit: {
    /** Median request time and matching cases (`total`) per query. */
    small: { cases: number; stuck: number; ms: Record<string, number>; totals: Record<string, number>; capMs: number };
    large: { cases: number; stuck: number; ms: Record<string, number>; totals: Record<string, number>; capMs: number };
    ratio: Record<string, number>;
  };
  footprint: {
    historyEvents: Record<string, { events: number; bytes: number }>;
    floorEvents: number;
    openCases: number;
    workerRssMiB: { idle: number; open: number };
    floorWorkerRssMiB: { idle: number; open: number };
  };
  durationSeconds: number;
  /** 1-minute load average at the start and at the end of each phase: other work on the machine shows here. */
  loadAverage: Record<string, number>;
}

async function phaseThroughput(ctx: Ctx, floorShape: FloorInput) {
  say(`(1) throughput: floor — ${OPTS.cases} minimal workflows through the Temporal client`);
  const floor = await runFloorCases(ctx, OPTS.cases, floorShape, 'floor');
  say(`    floor: ${floor.casesPerSecond.toFixed(2)} cases/s (${floor.seconds.toFixed(1)} s)`);
  say(`(1) throughput: ours — ${OPTS.cases} town cases through the API, officer pool deciding through the API`);
  const ours = await runOurCases(ctx, makePeopleSeeded.take('throughput'), 'ours');
  say(`    ours: ${ours.casesPerSecond.toFixed(2)} cases/s (${ours.seconds.toFixed(1)} s)`);
  return { ours, floor };
}

/** People are seeded once up front (one insertMany), then handed out per phase. */
const makePeopleSeeded = {
  groups: new Map<string, SyntheticPerson[]>(),
  take(name: string): SyntheticPerson[] {
    const g = this.groups.get(name);
    if (!g) throw new Error(`no people group ${name}`);
    return g;
  },
};

async function main(): Promise<void> {
  const runDir = join(DATA_DIR, 'bench', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  const bins = readBinaries();
  const mach = machine(bins.temporal);
  noteLoad('start');
  say(
    `machine: ${mach.cpu}, ${mach.cores} cores, ${mach.memoryGiB} GiB, ${mach.os}, Node ${mach.node}, load ${loadAverage.start}`,
  );
  say(`options: ${JSON.stringify(OPTS)}`);
  if (store === 'sqlite' && !quick) {
    say('NOTE: FerretDB on SQLite makes every write scan its collection, so this run slows as data grows and takes');
    say('      far longer than 10 minutes at the default sizes (README "Benchmarks"); --quick is the practical choice.');
  }
  say(`state and logs in ${relative(ROOT, runDir)}`);

  say('bundling workflows (app and floor)…');
  const floorBundlePath = join(runDir, 'floor-bundle.js');
  const [bundle] = await Promise.all([
    writeWorkflowBundle(join(runDir, 'workflow-bundle.js')),
    bundleWorkflowCode({ workflowsPath: join(__dirname, 'floor', 'floor.workflow.ts'), logger: quietLogger }).then(({ code }) =>
      writeFileSync(floorBundlePath, code),
    ),
  ]);
  const barePort = await freePort();
  let pgDatabase: string | undefined;
  if (store === 'postgresql') {
    pgDatabase = `hukou_bench_${Date.now()}`;
    say(`creating PostgreSQL database ${pgDatabase} for FerretDB's PostgreSQL backend…`);
    cleanups.push(() => dropDatabase(args['postgresql-url']!, pgDatabase!));
  }
  say(`starting Temporal dev server, FerretDB (${store}), simulator, worker, API…`);
  const stack = await startAppStack({
    dir: runDir,
    workflowBundlePath: bundle,
    apiEntry: 'bench/api-entry.ts',
    env: { BENCH_BARE_PORT: String(barePort), RATE_LIMIT_PER_MINUTE: '100000000' },
    // Five clients with ≤ 8 connections each stay below FerretDB's PostgreSQL pool (see app-stack.ts).
    ...(pgDatabase
      ? { ferretdbPostgresqlUrl: createDatabase(args['postgresql-url']!, pgDatabase), mongoUriOptions: 'maxPoolSize=8' }
      : {}),
  });
  const client = await stack.client();
  const floorClient = new Client({ connection: client.connection, namespace: stack.namespace });
  const floorWorker = spawnManaged({
    name: 'floor-worker',
    command: process.execPath,
    args: ['--import', 'tsx', join(__dirname, 'floor', 'floor.worker.ts')],
    env: { ...stack.env, BENCH_FLOOR_BUNDLE: floorBundlePath },
    cwd: ROOT,
    logFile: join(runDir, 'floor-worker.log'),
  });
  await waitUntilReady(floorWorker, () => pollsTaskQueue(client, stack.namespace, FLOOR_TASK_QUEUE, `${floorWorker.child.pid}@`));
  const mongo = await connectMongo({ uri: stack.mongoUri, serverSelectionTimeoutMS: 5000 });
  const officerTokens = Object.fromEntries(
    await Promise.all(
      ALL_DEPARTMENTS.map(async (d) => [d, await stack.token({ sub: `bench-officer-${d}`, role: 'officer', department: d })]),
    ),
  ) as Record<Department, string>;
  const ctx: Ctx = { stack, client, floorClient, mongo, officerTokens, floorWorker, barePort, retries: 0 };
  say(`stack ready: API ${stack.apiUrl}, Temporal ${stack.temporalAddress}, MongoDB ${stack.mongoUri}`);

  const groups = makePeopleSeeded.groups;
  groups.set('warmup', makePeople('town', OPTS.warmup));
  groups.set('throughput', makePeople('town', OPTS.cases));
  groups.set('open', makePeople('town', OPTS.open));
  groups.set('points', makePeople('points', 1, { district: 'changan' }));
  groups.set('collective', makePeople('collective', 1, { district: 'changan' }));
  const everyone = [...groups.values()].flat();
  say(`seeding ${everyone.length} synthetic people into the simulator's records…`);
  await seedPeople(stack.mongoUri, everyone);

  // ---- warm-up (not measured): JIT, connections, caches; and the real shape for the floor.
  say(`warm-up: ${OPTS.warmup} cases each side (not measured)`);
  const warm = await runOurCases(ctx, groups.get('warmup')!, 'warm-up');
  const shapeFromHistory = countEvents(await client.workflow.getHandle(settlementCaseWorkflowId(warm.ids[0]!)).fetchHistory());
  // Our town case: 1 write at submission; per department a lookup and a write, then (after the
  // decision) a reservation and a write; then the registration stretch. The rest goes to `end`.
  const branches = shapeFromHistory.updates;
  const floorShape: FloorInput = { branches, start: 1, before: 2, after: 2, end: 0 };
  floorShape.end = Math.max(
    0,
    shapeFromHistory.activities - floorShape.start - branches * (floorShape.before + floorShape.after),
  );
  say(
    `    a settled town case: ${shapeFromHistory.activities} activities, ${branches} updates → floor shape ${JSON.stringify(floorShape)}`,
  );
  await runFloorCases(ctx, OPTS.warmup, floorShape, 'floor warm-up');

  // ---- (1) throughput
  const { ours, floor } = await phaseThroughput(ctx, floorShape);

  noteLoad('throughput');
  // ---- (5a) footprint: history events per settled case by route
  say('(5) footprint: history events per settled case, by route');
  const townSample = ours.ids.slice(0, 10);
  const townDescribed = await mapPool(townSample, 5, (id) => client.workflow.getHandle(settlementCaseWorkflowId(id)).describe());
  const historyEvents: Results['footprint']['historyEvents'] = {
    town: {
      events: Math.round(townDescribed.reduce((s, d) => s + d.historyLength, 0) / townDescribed.length),
      bytes: Math.round(townDescribed.reduce((s, d) => s + (d.historySize ?? 0), 0) / townDescribed.length),
    },
  };
  const [pointsPerson] = groups.get('points')!;
  const [collectivePerson] = groups.get('collective')!;
  historyEvents.points = await settleOne(ctx, applicationFor(pointsPerson!), ALL_DEPARTMENTS, 'bench-route-points');
  historyEvents.collective = await settleOne(ctx, applicationFor(collectivePerson!), ALL_DEPARTMENTS, 'bench-route-collective');
  historyEvents.children = await settleOne(
    ctx,
    demoApplication(DEMO_PEOPLE.parentWithChildren, 'bench@example.cn'),
    ALL_DEPARTMENTS,
    'bench-route-children',
  );
  for (const [route, h] of Object.entries(historyEvents)) say(`    ${route}: ${h.events} events, ${h.bytes} bytes`);
  let floorEvents = NaN;
  for await (const wf of client.workflow.list({
    query: `WorkflowType = 'floorCase' AND ExecutionStatus = 'Completed'`,
    pageSize: 1,
  })) {
    floorEvents = wf.historyLength;
    break;
  }

  // ---- (3) status reads
  say(`(3) status reads: ${OPTS.connections} connections × ${OPTS.loadMs / 1000} s, bare route then the case view`);
  const readCase = ours.ids[0]!;
  const readPerson = groups.get('throughput')![0]!;
  const readToken = await applicantToken(ctx, `bench-${readPerson.idNumber}`);
  const view = await call(`${stack.apiUrl}/api/v1/applicant/cases/${readCase}`, { token: readToken });
  if (view.status !== 200) throw new Error(`case view: ${view.status} ${JSON.stringify(view.body)}`);
  const put = await fetch(`http://127.0.0.1:${barePort}/bare`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(view.body),
  });
  if (put.status !== 204) throw new Error(`bare payload: ${put.status}`);
  const bare = await loadLoop({
    url: `http://127.0.0.1:${barePort}/bare`,
    connections: OPTS.connections,
    durationMs: OPTS.loadMs,
  });
  say(`    bare: ${bare.rps.toFixed(0)} req/s, p99 ${bare.p99.toFixed(1)} ms, errors ${bare.errors}`);
  const apiReads = await loadLoop({
    url: `${stack.apiUrl}/api/v1/applicant/cases/${readCase}`,
    headers: { authorization: `Bearer ${readToken}` },
    connections: OPTS.connections,
    durationMs: OPTS.loadMs,
  });
  say(`    case view: ${apiReads.rps.toFixed(0)} req/s, p99 ${apiReads.p99.toFixed(1)} ms, errors ${apiReads.errors}`);
  // The database alone: the same read-model lookup the route makes, from as many loops, over a
  // pool the size of the API's. What the route cannot beat, whatever our layers cost.
  const dbReads = await callLoop(() => timed(() => caseModel(mongo).findById(readCase).lean()), OPTS.connections, OPTS.loadMs);
  say(`    read-model lookup alone: ${dbReads.rps.toFixed(0)} reads/s, p99 ${dbReads.p99.toFixed(1)} ms`);

  noteLoad('status-reads');
  // ---- (5b) open cases and worker RSS
  say(`(5) footprint: ${OPTS.open} open cases each side, then worker RSS`);
  const workerPid = stack.worker.child.pid;
  const floorPid = floorWorker.child.pid;
  const idleRss = { ours: rssMiB(workerPid), floor: rssMiB(floorPid) };
  const floorOpen: string[] = [];
  {
    let started = 0;
    const stopTicker = ticker(() => `floor: ${started}/${OPTS.open} started`);
    await mapPool(
      Array.from({ length: OPTS.open }, (_, i) => i),
      OPTS.submitters,
      async () => {
        const workflowId = `BenchFloorOpen:${randomUUID()}`;
        await floorClient.workflow.start(floorCase, { taskQueue: FLOOR_TASK_QUEUE, workflowId, args: [floorShape] });
        floorOpen.push(workflowId);
        started++;
      },
    );
    const notYet = new Set(floorOpen);
    await until(
      async () => {
        await mapPool([...notYet], 10, async (id) => {
          if ((await floorClient.workflow.getHandle(id).query(floorWaitingQuery)).length === floorShape.branches)
            notYet.delete(id);
        });
        return notYet.size === 0 ? true : undefined;
      },
      'floor workflows waiting',
      10 * 60_000,
      1000,
    );
    stopTicker();
  }
  await sleep(2000);
  const floorOpenRss = rssMiB(floorPid);
  say(`    floor worker RSS: ${idleRss.floor.toFixed(0)} MiB idle → ${floorOpenRss.toFixed(0)} MiB with ${OPTS.open} open`);

  let openSubmitted = 0;
  let openWaiting = 0;
  const stopOpenTicker = ticker(() => `ours: ${openSubmitted}/${OPTS.open} submitted, ${openWaiting} waiting for officers`);
  const openIds = await submitAll(ctx, groups.get('open')!, () => {
    openSubmitted++;
  });
  // Asked of the workflows (status Query), not the read model: the read model can lag behind a
  // waiting case (see README "Benchmarks", known issues), and polling it would load the store.
  const notYet = new Set(openIds);
  await until(
    async () => {
      await mapPool([...notYet], 10, async (id) => {
        const s = await client.workflow.getHandle(settlementCaseWorkflowId(id)).query(caseStatusQuery);
        if (Object.values(s.steps).every((st) => st!.status === 'awaiting_decision')) notYet.delete(id);
      });
      openWaiting = openIds.length - notYet.size;
      return notYet.size === 0 ? true : undefined;
    },
    'open cases waiting for officers',
    60 * 60_000,
    3000,
  );
  stopOpenTicker();
  await sleep(2000);
  const openRss = rssMiB(workerPid);
  say(`    worker RSS: ${idleRss.ours.toFixed(0)} MiB idle → ${openRss.toFixed(0)} MiB with ${OPTS.open} open`);

  // ---- (2) decision latency
  say(`(2) decision latency: ${OPTS.latencySamples} decisions each side, ${OPTS.latencyConcurrency} at a time`);
  const raw = await mapPool(floorOpen.slice(0, OPTS.latencySamples), OPTS.latencyConcurrency, async (id) => {
    const started = performance.now();
    await floorClient.workflow.getHandle(id).executeUpdate(floorDecideUpdate, { args: [0] });
    return performance.now() - started;
  });
  const rawLat = latencies(raw);
  say(`    raw executeUpdate: p50 ${rawLat.p50.toFixed(1)} p95 ${rawLat.p95.toFixed(1)} p99 ${rawLat.p99.toFixed(1)} ms`);
  const approve: DecisionBody = { decision: 'approve' };
  const api = await mapPool(openIds.slice(0, OPTS.latencySamples), OPTS.latencyConcurrency, async (id) => {
    const res = await decide(stack.apiUrl, officerTokens.police, id, 'police', approve);
    if (res.status !== 200) throw new Error(`decision refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.ms;
  });
  const apiLat = latencies(api);
  say(`    API decision:      p50 ${apiLat.p50.toFixed(1)} p95 ${apiLat.p95.toFixed(1)} p99 ${apiLat.p99.toFixed(1)} ms`);

  noteLoad('open-cases-and-latency');
  // ---- (4) supervisor audit at scale
  const audit = await phaseSupervisorAudit(ctx);
  noteLoad('supervisor-audit');

  const results: Results = {
    machine: mach,
    options: OPTS,
    store: store === 'sqlite' ? 'FerretDB 1.24.2, SQLite backend (the npm start default)' : 'FerretDB 1.24.2, PostgreSQL backend',
    submissionRetries: ctx.retries,
    processModel:
      'child processes: Temporal dev server (SQLite file, WAL), FerretDB (SQLite), simulator, worker, API (+ bare route in the API process), floor worker; this process generates load',
    throughput: {
      cases: OPTS.cases,
      ours: { seconds: ours.seconds, casesPerSecond: ours.casesPerSecond },
      floor: { ...floor, shape: floorShape },
      ratio: ours.casesPerSecond / floor.casesPerSecond,
    },
    decisionLatencyMs: {
      api: apiLat,
      rawUpdate: rawLat,
      ratioP50: apiLat.p50 / rawLat.p50,
      concurrency: OPTS.latencyConcurrency,
    },
    statusReads: {
      api: apiReads,
      bare,
      connections: OPTS.connections,
      ratioRps: apiReads.rps / bare.rps,
      readModel: dbReads,
      ratioToReadModel: apiReads.rps / dbReads.rps,
      bodyBytes: JSON.stringify(view.body).length,
    },
    supervisorAudit: audit,
    footprint: {
      historyEvents,
      floorEvents,
      openCases: OPTS.open,
      workerRssMiB: { idle: idleRss.ours, open: openRss },
      floorWorkerRssMiB: { idle: idleRss.floor, open: floorOpenRss },
    },
    durationSeconds: Math.round((Date.now() - t0) / 1000),
    loadAverage,
  };
  await report(results);

  await mongo.close();
  await stack.stop();
  await stopAll();
  runCleanups();
  if (!args.keep) rmSync(runDir, { recursive: true, force: true });
}

/** Run however the bench ends (after every process is stopped). */
const cleanups: Array<() => void> = [];
function runCleanups(): void {
  for (const c of cleanups.splice(0)) {
    try {
      c();
    } catch (err) {
      say(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function phaseSupervisorAudit(ctx: Ctx): Promise<Results['supervisorAudit']> {
  const db = `bench_audit_${Date.now()}`;
  say(`(4) supervisor audit: seeding ${OPTS.seedSmall} cases into database ${db}…`);
  const url = new URL(ctx.stack.mongoUri);
  url.pathname = `/${db}`;
  const conn = await connectMongo({ uri: url.toString(), serverSelectionTimeoutMS: 5000 });
  // The API code in this process (createApp), on the dedicated database; timed over loopback HTTP.
  const config = loadConfig({ ...ctx.stack.env, MONGODB_URI: url.toString(), MONGODB_SERVER_SELECTION_TIMEOUT_MS: '30000' });
  const app = createApp({
    config,
    logger: createLogger({ level: 'silent', name: 'bench-audit' }),
    temporal: ctx.client,
    mongo: conn,
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await ctx.stack.token({ sub: 'bench-supervisor', role: 'supervisor' });
  const shape = { open: OPTS.seedOpen };
  const queries = { overdue: 'reason=overdue', stale: 'reason=stale' };
  // A query slower than this is reported as "> cap" (Infinity in the JSON) rather than waited for.
  const capMs = quick ? 60_000 : 120_000;
  const time = async (runs: number) => {
    const out: Record<string, number> = {};
    const totals: Record<string, number> = {};
    let stuck = 0;
    for (const [name, q] of Object.entries(queries)) {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        try {
          const res = await call<{ total: number }>(`${base}/api/v1/supervisor/stuck-cases?${q}&limit=20`, {
            token,
            timeoutMs: capMs,
          });
          if (res.status !== 200) throw new Error(`stuck-cases ${q}: ${res.status} ${JSON.stringify(res.body)}`);
          if (name === 'overdue') stuck = res.body.total;
          totals[name] = res.body.total;
          samples.push(res.ms);
        } catch (err) {
          if (!(err instanceof Error) || err.name !== 'TimeoutError') throw err;
          samples.push(Infinity);
          break; // one timed-out query is answer enough
        }
      }
      out[name] = latencies(samples).p50;
      say(`    ${name}: ${Number.isFinite(out[name]) ? out[name]!.toFixed(0) : `> ${capMs}`} ms (median of ${samples.length})`);
    }
    return { ms: out, totals, stuck, capMs };
  };
  try {
    let done = 0;
    let stop = ticker(() => `seeded ${done}/${OPTS.seedSmall}`);
    await seedReadModel(conn, 0, OPTS.seedSmall, shape, (n) => {
      done = n;
    });
    stop();
    const small = await time(3);
    say(`(4) supervisor audit: seeding up to ${OPTS.seedLarge} cases (closed ones only)…`);
    stop = ticker(() => `seeded ${done}/${OPTS.seedLarge}`);
    await seedReadModel(conn, OPTS.seedSmall, OPTS.seedLarge, shape, (n) => {
      done = n;
    });
    stop();
    const large = await time(1);
    return {
      small: { cases: OPTS.seedSmall, ...small },
      large: { cases: OPTS.seedLarge, ...large },
      ratio: Object.fromEntries(Object.keys(queries).map((k) => [k, large.ms[k]! / small.ms[k]!])),
    };
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}

// ---- report ------------------------------------------------------------------------------------

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function table(r: Results): string {
  const m = r.machine;
  const t = r.throughput;
  const d = r.decisionLatencyMs;
  const s = r.statusReads;
  const a = r.supervisorAudit;
  const fp = r.footprint;
  const ms = (l: Latencies) => `${f(l.p50)} / ${f(l.p95)} / ${f(l.p99)}`;
  const rows: string[][] = [
    ['figure', 'ours', 'baseline (same run, same server)', 'ratio'],
    [
      `(1) throughput, ${t.cases} cases to settled`,
      `${f(t.ours.casesPerSecond, 2)} cases/s (API + officer pool)`,
      `${f(t.floor.casesPerSecond, 2)} cases/s (floor workflow, Temporal client)`,
      `ours/floor ${f(t.ratio, 2)}`,
    ],
    [
      `(2) officer decision p50 / p95 / p99, ${d.concurrency} at a time`,
      `${ms(d.api)} ms (POST …/decision)`,
      `${ms(d.rawUpdate)} ms (raw executeUpdate)`,
      `p50 ${f(d.ratioP50, 1)}×`,
    ],
    [
      `(3) status reads, ${s.connections} connections`,
      `${f(s.api.rps, 0)} req/s, p99 ${f(s.api.p99)} ms (GET case)`,
      `${f(s.bare.rps, 0)} req/s, p99 ${f(s.bare.p99)} ms (bare Express JSON)`,
      `req/s ${f(s.ratioRps, 2)}`,
    ],
    [
      `(3) status reads vs the database alone`,
      `${f(s.api.rps, 0)} req/s (GET case)`,
      `${f(s.readModel.rps, 0)} reads/s, p99 ${f(s.readModel.p99)} ms (findById on the read model, ${s.connections} loops)`,
      `req/s ${f(s.ratioToReadModel, 2)}`,
    ],
    ...Object.keys(a.ratio).map((k) => {
      const at = (x: { ms: Record<string, number>; capMs: number; cases: number }) =>
        `${Number.isFinite(x.ms[k]!) ? f(x.ms[k]!, 0) : `> ${x.capMs}`} ms at ${x.cases.toLocaleString('en')} cases`;
      const ratio = Number.isFinite(a.large.ms[k]!) ? f(a.ratio[k]!, 1) : `> ${f(a.large.capMs / a.small.ms[k]!, 0)}`;
      return [
        `(4) stuck-cases?reason=${k} (${a.small.totals[k] ?? '?'} match)`,
        at(a.large),
        at(a.small),
        `${ratio}× for ${f(a.large.cases / a.small.cases, 0)}× data`,
      ];
    }),
    ...Object.entries(fp.historyEvents).map(([route, h]) => [
      `(5) history events, settled ${route} case`,
      `${h.events} events, ${f(h.bytes / 1024)} KiB`,
      `${fp.floorEvents} events (floor case)`,
      `${f(h.events / fp.floorEvents, 1)}×`,
    ]),
    [
      `(5) worker RSS, ${fp.openCases} open cases`,
      `${f(fp.workerRssMiB.open, 0)} MiB (idle ${f(fp.workerRssMiB.idle, 0)})`,
      `${f(fp.floorWorkerRssMiB.open, 0)} MiB (floor worker, idle ${f(fp.floorWorkerRssMiB.idle, 0)})`,
      `${f(fp.workerRssMiB.open / fp.floorWorkerRssMiB.open, 1)}×`,
    ],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}, ${m.temporal.split('\n')[0]}`,
    `- Store: ${r.store}. Run: ${new Date().toISOString()}, ${r.durationSeconds} s, flags: ${process.argv.slice(2).join(' ') || '(none)'}; submissions retried: ${r.submissionRetries}`,
    `- 1-min load average (start / after each phase): ${Object.values(r.loadAverage).join(' / ')} — other work on the machine shows here`,
    '',
    line(rows[0]!),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

async function report(r: Results): Promise<void> {
  const text = table(r);
  process.stdout.write(`\n${text}\n\n`);
  if (args['no-write']) return;
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const md = `# Benchmark results\n\nWritten by \`npm run bench\` (bench/run.ts); see README "Benchmarks".\n\n${text}\n`;
  writeFileSync(join(dir, 'latest.md'), await prettier.format(md, { parser: 'markdown', printWidth: 130 }));
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  say(`written: ${relative(ROOT, join(dir, 'latest.md'))}, ${relative(ROOT, join(dir, 'latest.json'))}`);
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    say(`${sig}: stopping every process…`);
    void stopAll().then(() => {
      runCleanups();
      process.exit(130);
    });
  });
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await stopAll();
    runCleanups();
    process.exit(1);
  },
);
