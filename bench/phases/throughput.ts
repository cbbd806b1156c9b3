/**
 * (1) Throughput and where a case's CPU goes (issue 12): cases to settled per second, and the
 * CPU seconds each process spent per settled case — ours (a mix of town, points and family
 * cases through the API, an officer pool deciding through the API) beside the floor (minimal
 * workflows of the same shapes, in the same mix, through the Temporal client) — each measured
 * `runs` times and given as min / median / max, with one worker process and with two.
 *
 * Beside the bare floor, the floor with a store: the same workflows whose activities each write
 * one document to the app's MongoDB, so what any store costs is told apart from what we add.
 *
 * Runs are interleaved (floor, floor with a store, ours with 1 worker, ours with 2, then again),
 * so that load from other work on the machine and the data the store accumulates fall on every
 * side alike.
 * While one side runs, the other side's processes idle; their idle CPU is not counted. An
 * extra worker is started before each batch that needs it and warmed on a few unmeasured cases.
 */
import type { ManagedProcess } from '../../scripts/lib/processes';
import type { BenchContext } from '../context';
import { runFloorCases, runOurCases } from '../drive';
import { FLOOR_STORE_COLLECTION } from '../floor/floor.activities';
import { FLOOR_STORE_TASK_QUEUE } from '../floor/floor.workflow';
import { startCpuMeter, type CpuSource } from '../lib/cpu';
import { latencies, spread, type Spread } from '../lib/measure';
import {
  meanPerCase,
  perCase as operationsPerCase,
  startStoreMeter,
  type StoreOperations,
  type TableOperations,
} from '../lib/store-operations';
import { kindCounts, type PersonKind, type SyntheticPerson } from '../lib/people';
import { say } from '../lib/progress';
import type { Topology } from '../options';
import { latencySpread, type LatencySpread } from './decision-latency';
import type { FloorShapes } from './warmup';

/** The processes a settled case's CPU is counted in, in the order the report prints them. */
export const CPU_PROCESSES = [
  'temporal',
  'temporalPostgresql',
  'ferretdb',
  'postgresql',
  'worker',
  'api',
  'simulator',
  'driver',
  'total',
] as const;
export type CpuProcess = (typeof CPU_PROCESSES)[number];

/** CPU seconds per settled case by process; a process the side does not use is absent. */
export type CpuPerCase = Partial<Record<CpuProcess, Spread>>;

/** What a side asked of the store per settled case (FerretDB on PostgreSQL only; lib/store-operations.ts). */
export interface StoreFigures {
  /** Rows inserted, updated and deleted. */
  written: Spread;
  /** Table and index scans. */
  scans: Spread;
  rowsRead: Spread;
  /** Per `<database>.<collection>`, averaged over the runs. */
  byCollection: Record<string, TableOperations>;
}

export interface SideFigures {
  casesPerSecond: Spread;
  seconds: Spread;
  cpuPerCase: CpuPerCase;
  /** Absent when the store is not FerretDB on PostgreSQL, and in older results. */
  store?: StoreFigures;
}

export interface OursFigures extends SideFigures {
  workers: number;
  /** The officer pool's decisions (POST …/decision) during the runs, under their load. */
  decisionUnderLoadMs: LatencySpread;
}

export interface ThroughputFigures {
  topology: Topology;
  cases: number;
  runs: number;
  mix: Partial<Record<PersonKind, number>>;
  logLevel: string;
  floor: SideFigures;
  /** The floor whose activities each write one document to the app's MongoDB (absent in older results). */
  floorStore?: SideFigures;
  ours: OursFigures[];
}

export interface ThroughputResult {
  figures: ThroughputFigures;
  /** Every settled case of ours with its applicant (for the status reads and the footprint). */
  settled: Array<{ caseId: string; person: SyntheticPerson }>;
  /** One settled floor workflow per shape of `FloorShapes`. */
  floorSampleIds: string[];
}

const pidOf = (p: ManagedProcess): CpuSource => ({ pid: p.child.pid });

/** One measured batch: its time, CPU seconds by process and, when they can be read, its store operations. */
interface Run {
  seconds: number;
  cpu: Record<string, number>;
  store?: StoreOperations | undefined;
}

/** The side's store figures over its runs, counting the collections `which` keeps; none unless every run has them. */
function storeFigures(runs: Run[], cases: number, which: (collection: string) => boolean): { store?: StoreFigures } {
  const measured = runs.flatMap((r) => (r.store ? [r.store] : []));
  if (measured.length === 0 || measured.length < runs.length) return {};
  const each = measured.map((ops) => operationsPerCase(ops, cases, which));
  return {
    store: {
      written: spread(each.map((e) => e.written)),
      scans: spread(each.map((e) => e.scans)),
      rowsRead: spread(each.map((e) => e.rowsRead)),
      byCollection: meanPerCase(measured, cases, which),
    },
  };
}

/** Per-run CPU seconds by process → per settled case, spread over the runs; `total` is their sum. */
function perCase(runs: Array<Record<string, number>>, cases: number): CpuPerCase {
  const out: CpuPerCase = {};
  const names = CPU_PROCESSES.filter((p) => p !== 'total' && runs.some((r) => p in r));
  for (const name of names) out[name] = spread(runs.map((r) => r[name]! / cases));
  out.total = spread(runs.map((r) => names.reduce((sum, n) => sum + (Number.isFinite(r[n]!) ? r[n]! : 0), 0) / cases));
  return out;
}

/** Meter sources `worker#1`, `temporalPostgresql#0` … summed per process of CPU_PROCESSES. */
function byProcess(raw: Record<string, number>): Record<string, number> {
  const cpu: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) {
    const key = k.replace(/#\d+$/, '');
    cpu[key] = (cpu[key] ?? 0) + v;
  }
  return cpu;
}

/** The cluster server keeps its state in PostgreSQL: those backends' CPU is Temporal's too. */
function temporalDatabaseSources(stack: BenchContext['stack']): Record<string, { postgresDatabase: string }> {
  return Object.fromEntries(
    (stack.temporalDatabases ?? []).map((db, i) => [`temporalPostgresql#${i}`, { postgresDatabase: db }]),
  );
}

/** Temporal's server (and its databases' backends), FerretDB and the bench database's backends: what both stores' sides run on. */
function serverSources(ctx: BenchContext): Record<string, CpuSource> {
  const { stack } = ctx;
  return {
    temporal: pidOf(stack.temporal.proc),
    ...temporalDatabaseSources(stack),
    ferretdb: pidOf(stack.ferretdb.proc),
    ...(ctx.pgDatabase ? { postgresql: { postgresDatabase: ctx.pgDatabase } } : {}),
  };
}

export async function measureThroughput(
  ctx: BenchContext,
  floor: FloorShapes,
  topology: Topology = 'dev-server',
): Promise<ThroughputResult> {
  const { cases } = ctx.sizes;
  const { stack } = ctx;
  const floorRuns: Array<{ seconds: number; cpu: Record<string, number> }> = [];
  const floorStoreRuns: Run[] = [];
  const oursRuns = new Map(ctx.workerCounts.map((w) => [w, [] as Array<Run & { decisionMs: number[] }>]));
  // Started before the CPU meters and stopped after them: reading the statistics is not a case's work.
  const storeMeter = () => (ctx.pgUrl ? startStoreMeter(ctx.pgUrl) : undefined);
  const settled: ThroughputResult['settled'] = [];
  let floorSampleIds: string[] = [];
  const mix = kindCounts(ctx.people.throughput[0]![0]!);

  for (let run = 0; run < ctx.runs; run++) {
    const tag = `run ${run + 1}/${ctx.runs}`;
    say(`(1) throughput ${tag}: floor — ${cases} minimal workflows (mix ${JSON.stringify(mix)}) through the Temporal client`);
    const floorMeter = startCpuMeter({
      temporal: pidOf(stack.temporal.proc),
      ...temporalDatabaseSources(stack),
      worker: pidOf(ctx.floorWorker),
      driver: { self: true },
    });
    const f = await runFloorCases(ctx, cases, floor.shapes, `floor ${tag}`);
    const floorCpu = byProcess(floorMeter.stop());
    floorRuns.push({ seconds: f.seconds, cpu: floorCpu });
    floorSampleIds = f.sampleIds;
    say(`    floor: ${f.casesPerSecond.toFixed(2)} cases/s (${f.seconds.toFixed(1)} s), CPU ${cpuLine(floorCpu, cases)}`);

    say(`(1) throughput ${tag}: floor with a store — the same, each activity one insert into MongoDB`);
    const floorStoreOps = await storeMeter();
    const floorStoreMeter = startCpuMeter({
      ...serverSources(ctx),
      worker: pidOf(ctx.floorStoreWorker),
      driver: { self: true },
    });
    const fs = await runFloorCases(ctx, cases, floor.shapes, `floor with a store ${tag}`, FLOOR_STORE_TASK_QUEUE);
    const storeCpu = byProcess(floorStoreMeter.stop());
    floorStoreRuns.push({ seconds: fs.seconds, cpu: storeCpu, store: await floorStoreOps?.stop() });
    say(
      `    floor with a store: ${fs.casesPerSecond.toFixed(2)} cases/s (${fs.seconds.toFixed(1)} s), CPU ${cpuLine(storeCpu, cases)}`,
    );

    let warmedThisRun = false;
    for (const [wi, workers] of ctx.workerCounts.entries()) {
      if (stack.extraWorkers.length > workers - 1) await stack.stopExtraWorkers();
      if (stack.extraWorkers.length < workers - 1) {
        while (stack.extraWorkers.length < workers - 1) {
          say(`    starting worker process ${stack.extraWorkers.length + 2}…`);
          await stack.addWorker();
        }
        // Its JIT and connections warm on a few cases of its own first, as the first worker's did
        // in the warm-up phase; otherwise a cold start would be charged to the batch.
        // (Its people once per run: a third worker count in the same run goes without.)
        if (!warmedThisRun) await runOurCases(ctx, ctx.people.extraWorkerWarmup[run]!, `warm-up with ${workers} workers`);
        warmedThisRun = true;
      }
      const people = ctx.people.throughput[run]![wi]!;
      say(
        `(1) throughput ${tag}: ours, ${workers} worker${workers > 1 ? 's' : ''} — ${cases} mixed cases through the API, officer pool deciding`,
      );
      const workerSources = Object.fromEntries([stack.worker, ...stack.extraWorkers].map((p, i) => [`worker#${i}`, pidOf(p)]));
      const oursOps = await storeMeter();
      const meter = startCpuMeter({
        ...serverSources(ctx),
        ...workerSources,
        api: pidOf(stack.api),
        simulator: pidOf(stack.simulator),
        driver: { self: true },
      });
      const ours = await runOurCases(ctx, people, `ours ${tag}, ${workers}w`);
      const cpu = byProcess(meter.stop());
      oursRuns.get(workers)!.push({ seconds: ours.seconds, cpu, decisionMs: ours.decisionMs, store: await oursOps?.stop() });
      ours.ids.forEach((caseId, i) => settled.push({ caseId, person: people[i]! }));
      say(`    ours: ${ours.casesPerSecond.toFixed(2)} cases/s (${ours.seconds.toFixed(1)} s), CPU ${cpuLine(cpu, cases)}`);
    }
  }
  await stack.stopExtraWorkers();

  const side = (runs: Run[], which: (collection: string) => boolean): SideFigures => ({
    casesPerSecond: spread(runs.map((r) => cases / r.seconds)),
    seconds: spread(runs.map((r) => r.seconds)),
    cpuPerCase: perCase(
      runs.map((r) => r.cpu),
      cases,
    ),
    ...storeFigures(runs, cases, which),
  });
  const floorStoreCollection = (key: string) => key.endsWith(`.${FLOOR_STORE_COLLECTION}`);
  const oursCollections = (key: string) => !floorStoreCollection(key);
  return {
    figures: {
      topology,
      cases,
      runs: ctx.runs,
      mix,
      logLevel: ctx.logLevel,
      floor: side(floorRuns, () => false),
      floorStore: side(floorStoreRuns, floorStoreCollection),
      ours: ctx.workerCounts.map((workers) => {
        const runs = oursRuns.get(workers)!;
        return {
          workers,
          ...side(runs, oursCollections),
          decisionUnderLoadMs: latencySpread(runs.map((r) => latencies(r.decisionMs))),
        };
      }),
    },
    settled,
    floorSampleIds,
  };
}

/** `temporal 0.012 worker 0.034 …` CPU seconds per case, for the progress lines. */
function cpuLine(cpu: Record<string, number>, cases: number): string {
  return `s/case: ${Object.entries(cpu)
    .map(([k, v]) => `${k} ${(v / cases).toFixed(3)}`)
    .join(', ')}`;
}
