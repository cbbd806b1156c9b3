/**
 * `npm run bench`: measures the engine on the real stack it starts itself and prints one table
 * in which every figure stands beside a baseline measured in the same run on the same server.
 *
 *   npm run bench                      # default: 300 cases, 1 000 open cases, 10 000 / 100 000 read-model cases
 *   npm run bench -- --cases 500       # more (or fewer) cases for the throughput figure
 *   npm run bench -- --quick           # a few minutes less: small numbers everywhere (a smoke run)
 *   npm run bench -- --only reservations  # FerretDB alone and figure (6) alone (printed, not written)
 *   npm run bench -- --only dashboard  # the dashboard phase, figure (7), alone (printed, not written)
 *   npm run bench -- --only throughput --cases 30 --runs 1   # warm-up and (1) alone, small (printed, not written)
 *   npm run bench -- --only decisions  # warm-up, the open cases and (2) alone (printed, not written)
 *   npm run bench -- --runs 1          # each repeated figure once instead of three times
 *   npm run bench -- --workers 1       # the throughput phase with one worker process only (default 1,2)
 *   npm run bench -- --log-level warn  # the app's LOG_LEVEL (default info, as in production)
 *
 * Process model (see README "Benchmarks"): Temporal dev server, FerretDB, the simulator, the
 * app's worker, the API (bench/api-entry.ts = api/main.ts + a bare Express route in the same
 * process) and the floor workflow's worker each run as a child process; this process is only
 * the load generator. Everything listens on 127.0.0.1; state lives in .data/bench/<run>/ and
 * is removed after a successful run.
 *
 * This file is the conductor: the set-up is bench/context.ts, each phase is a file in
 * bench/phases/ (run in this order because the later ones reuse the earlier ones' cases), and
 * the table is bench/report.ts.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { freePort, stopAll } from '../scripts/lib/processes';
import { postgresqlAnswers } from '../scripts/lib/postgresql';
import { DATA_DIR, ROOT, readBinaries, startFerretdb } from '../scripts/lib/services';
import { startBench, stopBench, type BenchContext } from './context';
import { machine } from './lib/measure';
import { elapsedSeconds, loadAverage, noteLoad, say } from './lib/progress';
import { parseBenchOptions } from './options';
import { measureContendedReservations } from './phases/contended-reservations';
import { measureDashboard } from './phases/dashboard';
import { measureDecisionLatency } from './phases/decision-latency';
import { historyEventsByRoute, openCasesAndRss } from './phases/footprint';
import { measureReadModelScale } from './phases/read-model-scale';
import { measureStatusReads } from './phases/status-reads';
import { measureSupervisorAudit } from './phases/supervisor-audit';
import { measureThroughput } from './phases/throughput';
import { warmUp } from './phases/warmup';
import { benchDatabase } from './lib/bench-database';
import { readModelScaleRows, report, reservationRows, throughputTable } from './report';
import type { Results } from './results';

const opts = parseBenchOptions();

/** Run however the bench ends (after every process is stopped). */
const cleanups: Array<() => Promise<void>> = [];
let cleaning: Promise<void> = Promise.resolve();
/**
 * Runs the cleanups not yet run; resolves once every cleanup asked for so far is done. A signal
 * and a failing main() can both get here: the later call waits for the earlier one's drops
 * instead of exiting under them.
 */
function runCleanups(): Promise<void> {
  const batch = cleanups.splice(0);
  cleaning = cleaning.then(async () => {
    for (const c of batch) {
      try {
        await c();
      } catch (err) {
        say(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  });
  return cleaning;
}

async function main(): Promise<void> {
  if (opts.store === 'auto') opts.store = (await postgresqlAnswers(opts.postgresqlUrl)) ? 'postgresql' : 'sqlite';
  const { sizes, store, quick } = opts;
  const runDir = join(DATA_DIR, 'bench', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  const bins = readBinaries();
  const mach = machine(bins.temporal);
  noteLoad('start');
  say(
    `machine: ${mach.cpu}, ${mach.cores} cores, ${mach.memoryGiB} GiB, ${mach.os}, Node ${mach.node}, load ${loadAverage.start}`,
  );
  say(`options: ${JSON.stringify(sizes)}`);
  if (store === 'sqlite' && !quick) {
    say('NOTE: FerretDB on SQLite makes every write scan its collection, so this run slows as data grows and takes');
    say('      far longer than 10 minutes at the default sizes (README "Benchmarks"); --quick is the practical choice.');
  }
  say(`state and logs in ${relative(ROOT, runDir)}`);
  /** Stops the stack (if one still runs) and everything else; a finished run's state goes. */
  const finish = async (ctx?: BenchContext) => {
    if (ctx) {
      await stopBench(ctx);
    }
    await stopAll();
    await runCleanups();
    if (!opts.keep) rmSync(runDir, { recursive: true, force: true });
  };
  if (opts.only === 'reservations') {
    await reservationsOnly(runDir, bins.ferretdb);
    return;
  }
  const [firstTopology = 'dev-server', ...otherTopologies] = opts.topologies;
  const ctx = await startBench(opts, runDir, (c) => cleanups.push(c), firstTopology);
  if (opts.only === 'dashboard' || opts.only === 'scale') {
    if (opts.only === 'dashboard') say(`(7) dashboard: ${JSON.stringify(await measureDashboard(ctx))}`);
    else
      process.stdout.write(
        `\n${readModelScaleRows(await measureReadModelScale(ctx))
          .map((r) => r.join(' | '))
          .join('\n')}\n\n`,
      );
    await finish(ctx);
    return;
  }

  const floorShapes = await warmUp(ctx);
  if (opts.only === 'decisions') {
    const open = await openCasesAndRss(ctx, floorShapes.shapes[0]!);
    const d = await measureDecisionLatency(ctx, open.floorOpen, open.openIds);
    const p50 = (x: { p50: { median: number } }) => x.p50.median.toFixed(1);
    say(`(2) decision p50 ${p50(d.api)} ms (API) vs ${p50(d.rawUpdate)} ms (raw Update): ${d.ratioP50.median.toFixed(2)}×`);
    say(`(2) ${JSON.stringify(d)}`);
    await finish(ctx);
    return;
  }
  const throughput = await measureThroughput(ctx, floorShapes, firstTopology);
  noteLoad('throughput');
  if (opts.only === 'throughput') {
    process.stdout.write(`\n${throughputTable(throughput.figures)}\n\n`);
    await finish(ctx);
    return;
  }
  const townIds = throughput.settled.filter((c) => c.person.kind === 'town').map((c) => c.caseId);
  const history = await historyEventsByRoute(ctx, townIds, throughput.floorSampleIds[0]!);
  const statusReads = await measureStatusReads(ctx, throughput.settled);
  noteLoad('status-reads');
  const open = await openCasesAndRss(ctx, floorShapes.shapes[0]!);
  const decisionLatencyMs = await measureDecisionLatency(ctx, open.floorOpen, open.openIds);
  noteLoad('open-cases-and-latency');
  const supervisorAudit = await measureSupervisorAudit(ctx);
  noteLoad('supervisor-audit');
  const reservations = await measureContendedReservations(ctx.stack.mongoUri, {
    contended: sizes.contendedReservations,
    lone: sizes.loneReservations,
  });
  noteLoad('reservations');
  const dashboard = await measureDashboard(ctx);
  noteLoad('dashboard');
  const readModelScale = await measureReadModelScale(ctx);
  noteLoad('read-model-scale');
  await stopBench(ctx);
  // (1) again on a stack of each other topology (the cluster server on PostgreSQL), side by side.
  const throughputByTopology: Results['throughput'] = { [firstTopology]: throughput.figures };
  for (const topology of otherTopologies) {
    const other = await startBench(opts, join(runDir, topology), (c) => cleanups.push(c), topology);
    throughputByTopology[topology] = (await measureThroughput(other, await warmUp(other), topology)).figures;
    noteLoad(`throughput-${topology}`);
    await stopBench(other);
  }

  const results: Results = {
    machine: mach,
    options: sizes,
    store: store === 'sqlite' ? 'FerretDB 1.24.2, SQLite backend (EMBEDDED_STORE=sqlite)' : 'FerretDB 1.24.2, PostgreSQL backend',
    submissionRetries: ctx.retries,
    processModel: `child processes: Temporal dev server (SQLite file, WAL), FerretDB (${store}), simulator, worker (and a second one for the two-worker figures), API (+ bare route in the API process), floor worker; this process generates load; app LOG_LEVEL=${opts.logLevel}`,
    runs: opts.runs,
    throughput: throughputByTopology,
    floorShapes,
    decisionLatencyMs,
    statusReads,
    supervisorAudit,
    reservations,
    dashboard,
    readModelScale,
    footprint: {
      historyEvents: history.historyEvents,
      floorEvents: history.floorEvents,
      openCases: sizes.open,
      workerRssMiB: open.workerRssMiB,
      floorWorkerRssMiB: open.floorWorkerRssMiB,
    },
    durationSeconds: elapsedSeconds(),
    loadAverage,
  };
  await report(results, !opts.noWrite);
  await finish();
}

/** `--only reservations`: FerretDB (on a throw-away PostgreSQL database, or SQLite) and figure (6) alone. */
async function reservationsOnly(runDir: string, ferretdb: string): Promise<void> {
  const { sizes, store } = opts;
  let postgresqlUrl: string | undefined;
  if (store === 'postgresql') postgresqlUrl = (await benchDatabase(opts.postgresqlUrl, (c) => cleanups.push(c))).url;
  const db = await startFerretdb({
    binary: ferretdb,
    port: await freePort(),
    ...(postgresqlUrl ? { postgresqlUrl } : { sqliteDir: join(runDir, 'ferretdb') }),
    logFile: join(runDir, 'ferretdb.log'),
  });
  const figures = await measureContendedReservations(`${db.uri}?maxPoolSize=8`, {
    contended: sizes.contendedReservations,
    lone: sizes.loneReservations,
  });
  const rows = reservationRows(figures);
  process.stdout.write(`\nStore: FerretDB 1.24.2, ${store} backend\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n\n`);
  await stopAll();
  await runCleanups();
  if (!opts.keep) rmSync(runDir, { recursive: true, force: true });
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    say(`${sig}: stopping every process…`);
    // A signal handler cannot wait; the process ends in the callback, even if a stop failed.
    void stopAll()
      .finally(runCleanups)
      .finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await stopAll();
    await runCleanups();
    process.exit(1);
  },
);
