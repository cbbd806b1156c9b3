/**
 * The bench's one table, every figure beside its same-run baseline: printed to stdout and,
 * unless --no-write, written to bench/results/latest.md (formatted) and latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import { ROOT } from '../scripts/lib/services';
import type { Latencies, Spread } from './lib/measure';
import { say } from './lib/progress';
import type { LatencySpread } from './phases/decision-latency';
import { CPU_PROCESSES, type CpuProcess, type StoreFigures, type ThroughputFigures } from './phases/throughput';
import type { Results } from './results';

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** A repeated figure: `min / median / max`, or the one value of a single run. */
const mmm = (x: Spread, digits = 1) =>
  x.runs.length === 1 ? f(x.median, digits) : `${f(x.min, digits)} / ${f(x.median, digits)} / ${f(x.max, digits)}`;

/** p50, p95 and p99 of repeated runs, each min / median / max. */
const lat = (l: LatencySpread) => `p50 ${mmm(l.p50)}; p95 ${mmm(l.p95)}; p99 ${mmm(l.p99)} ms`;

const PROCESS_NAMES: Record<CpuProcess, string> = {
  temporal: 'Temporal server',
  temporalPostgresql: "PostgreSQL (the cluster server's databases' backends)",
  ferretdb: 'FerretDB',
  postgresql: "PostgreSQL (the bench database's backends)",
  worker: 'worker process(es)',
  api: 'API',
  simulator: 'simulator',
  driver: 'bench driver (load generator)',
  total: 'total',
};

/** (1): throughput and CPU seconds per settled case by process, per worker count, for each topology. */
function throughputRows(all: Results['throughput']): string[][] {
  const rows: string[][] = [];
  for (const t of Object.values(all)) rows.push(...topologyRows(t));
  if (!all.cluster) {
    rows.push(['(1) cluster topology (Temporal server on PostgreSQL)', 'not measured in this run', '—', '—']);
  }
  return rows;
}

function topologyRows(t: ThroughputFigures): string[][] {
  const rows: string[][] = [];
  const mix = Object.entries(t.mix)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const where = t.topology === 'dev-server' ? 'dev server' : t.topology;
  const store = t.floorStore;
  if (store) {
    rows.push([
      `(1) floor with a store (each activity one insert into MongoDB), ${where}`,
      `${mmm(store.casesPerSecond, 2)} cases/s`,
      `${mmm(t.floor.casesPerSecond, 2)} cases/s (bare floor)`,
      `${f(store.casesPerSecond.median / t.floor.casesPerSecond.median, 2)}`,
    ]);
    for (const p of CPU_PROCESSES) {
      const withStore = store.cpuPerCase[p];
      const bare = t.floor.cpuPerCase[p];
      if (!withStore) continue;
      rows.push([
        `(1) CPU s per case, floor with a store, ${PROCESS_NAMES[p]}`,
        mmm(withStore, 3),
        bare ? mmm(bare, 3) : '— (not used)',
        bare ? `${f(withStore.median / bare.median, 1)}×` : '—',
      ]);
    }
    if (store.store) {
      rows.push([
        `(1) store operations per case, floor with a store`,
        storeCell(store.store),
        '— (the bare floor has no store)',
        '—',
      ]);
    }
  }
  for (const o of t.ours) {
    const w = `${o.workers} worker${o.workers > 1 ? 's' : ''}`;
    const ratio = (side: { casesPerSecond: Spread }) => f(o.casesPerSecond.median / side.casesPerSecond.median, 2);
    rows.push([
      `(1) throughput, ${t.cases} cases to settled (${mix}), ${where}, ${w}`,
      `${mmm(o.casesPerSecond, 2)} cases/s (API + officer pool)`,
      `${mmm(t.floor.casesPerSecond, 2)} cases/s (floor workflows of the same mix, Temporal client, its one worker)`,
      `ours/floor ${ratio(t.floor)}${store ? `; ours/floor with a store ${ratio(store)}` : ''}`,
    ]);
    rows.push([
      `(1) officer decisions during that run, ${w}`,
      `${lat(o.decisionUnderLoadMs)} (POST …/decision, ${o.decisionUnderLoadMs.n} per run)`,
      '— (the floor sends its updates at start; see (2) for an idle one)',
      '—',
    ]);
    for (const p of CPU_PROCESSES) {
      const ours = o.cpuPerCase[p];
      const floor = t.floor.cpuPerCase[p];
      if (!ours && !floor) continue;
      rows.push([
        `(1) CPU s per settled case, ${PROCESS_NAMES[p]}, ${w}`,
        ours ? mmm(ours, 3) : '—',
        floor ? `${mmm(floor, 3)}${p === 'worker' ? ' (floor worker)' : ''}` : '— (not used)',
        ours && floor ? `${f(ours.median / floor.median, 1)}×` : '—',
      ]);
    }
    if (o.store) rows.push(...storeRows(o.store, store?.store, w));
  }
  return rows;
}

/** `240.0 rows written, 125.0 scans reading 3000 rows` (FerretDB's PostgreSQL statistics). */
function storeCell(s: StoreFigures): string {
  return `${mmm(s.written)} rows written, ${mmm(s.scans)} scans reading ${mmm(s.rowsRead, 0)} rows`;
}

/** Ours' store operations per settled case beside the floor with a store's, then per database with its busiest collections. */
function storeRows(ours: StoreFigures, floorStore: StoreFigures | undefined, w: string): string[][] {
  const rows = [
    [
      `(1) store operations per settled case, ${w}`,
      storeCell(ours),
      floorStore ? `${storeCell(floorStore)} (floor with a store)` : '—',
      floorStore ? `written ${f(ours.written.median / floorStore.written.median, 1)}×` : '—',
    ],
  ];
  const databases = new Map<string, Array<[string, StoreFigures['byCollection'][string]]>>();
  for (const [key, o] of Object.entries(ours.byCollection)) {
    const [db, collection] = [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)];
    databases.set(db, [...(databases.get(db) ?? []), [collection, o]]);
  }
  const weight = (o: StoreFigures['byCollection'][string]) => o.inserted + o.updated + o.deleted + o.scans;
  for (const [db, collections] of databases) {
    const sum = (k: 'inserted' | 'updated' | 'deleted' | 'scans') => collections.reduce((n, [, o]) => n + o[k], 0);
    const busiest = collections
      .sort((a, b) => weight(b[1]) - weight(a[1]))
      .slice(0, 6)
      .map(([c, o]) => `${c} ${f(o.inserted + o.updated + o.deleted)}/${f(o.scans)}`)
      .join(', ');
    rows.push([
      `(1) … of which database ${db}, ${w}`,
      `${f(sum('inserted') + sum('updated') + sum('deleted'))} written, ${f(sum('scans'))} scans (busiest, written/scans: ${busiest})`,
      '—',
      '—',
    ]);
  }
  return rows;
}

/** `--only throughput`: the (1) rows alone, under a line saying what they are. */
export function throughputTable(t: ThroughputFigures): string {
  const how = t.runs > 1 ? `min / median / max of ${t.runs} runs; ratios of the medians` : 'one run';
  return [
    `(1) alone: ${how}; app LOG_LEVEL=${t.logLevel}`,
    '',
    ...formatRows([HEADER, ...throughputRows({ [t.topology]: t })]),
  ].join('\n');
}

const HEADER = ['figure', 'ours', 'baseline (same run, same server)', 'ratio'];

function formatRows(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)];
}

function table(r: Results): string {
  const m = r.machine;
  const d = r.decisionLatencyMs;
  const s = r.statusReads;
  const a = r.supervisorAudit;
  const fp = r.footprint;
  const rv = r.reservations;
  const rows: string[][] = [
    HEADER,
    ...throughputRows(r.throughput),
    [
      `(2) officer decision, ${d.concurrency} at a time, on waiting cases`,
      `${lat(d.api)} (POST …/decision, ${d.api.n} per run)`,
      `${lat(d.rawUpdate)} (raw executeUpdate)`,
      `p50 ${f(d.ratioP50.median, 1)}×`,
    ],
    [
      `(3) status reads, ${s.connections} connections, over ${s.cases} cases`,
      `${mmm(s.api.rps, 0)} req/s, p99 ${mmm(s.api.p99)} ms (GET case; ${s.api.errors} errors)`,
      `${mmm(s.bare.rps, 0)} req/s, p99 ${mmm(s.bare.p99)} ms (bare Express JSON, one ${s.bodyBytes}-byte body)`,
      `req/s ${f(s.ratioRps.median, 2)}`,
    ],
    [
      `(3) status reads vs the database alone`,
      `${mmm(s.api.rps, 0)} req/s (GET case)`,
      `${mmm(s.readModel.rps, 0)} reads/s, p99 ${mmm(s.readModel.p99)} ms (findById on the read model, same cases, ${s.connections} loops)`,
      `req/s ${f(s.ratioToReadModel.median, 2)}`,
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
    ...Object.keys(r.dashboard?.ratio ?? {}).map((k) => {
      const b = r.dashboard!;
      const at = (x: { ms: Record<string, number>; capMs: number; cases: number }) =>
        `${Number.isFinite(x.ms[k]!) ? f(x.ms[k]!, 0) : `> ${x.capMs}`} ms at ${x.cases.toLocaleString('en')} cases`;
      return [
        `(7) dashboard, ${k === 'month' ? 'last 30 days' : 'a year'} (${b.large.opened[k] ?? '?'} cases opened)`,
        at(b.large),
        at(b.small),
        `${Number.isFinite(b.large.ms[k]!) ? f(b.ratio[k]!, 1) : 'n/a'}× for ${f(b.large.cases / b.small.cases, 0)}× data`,
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
    ...reservationRows(rv),
    ...readModelScaleRows(r.readModelScale),
  ];
  return [
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}, ${m.temporal.split('\n')[0]}`,
    `- Store: ${r.store}. Run: ${new Date().toISOString()}, ${r.durationSeconds} s, flags: ${process.argv.slice(2).join(' ') || '(none)'}; submissions retried: ${r.submissionRetries}`,
    `- Processes: ${r.processModel}`,
    `- Figures (1)–(3): ${r.runs > 1 ? `min / median / max of ${r.runs} runs; ratios of the medians` : 'one run each'}. CPU: user + system seconds from /proc per process tree (README "Benchmarks")`,
    `- 1-min load average (start / after each phase): ${Object.values(r.loadAverage).join(' / ')} — other work on the machine shows here`,
    '',
    ...formatRows(rows),
  ].join('\n');
}

/** (6): contended `reserve` p50 / p99 beside a lone one's, per kind of pool. */
export function reservationRows(rv: Results['reservations']): string[][] {
  const pair = (l: Latencies) => `${f(l.p50)} / ${f(l.p99)} ms`;
  return (
    [
      ['residence confirmation, unlimited', rv.residence],
      [`collective-household slot, limit ${rv.contended}`, rv.collective],
    ] as const
  ).map(([what, x]) => [
    `(6) reserve p50 / p99, ${what}`,
    `${pair(x.contended)} (${rv.contended} at once in one town: ${f(x.burstMs / rv.contended)} ms each over the burst; ${x.held} held, ${x.failures} failed)`,
    `${pair(x.lone)} (one at a time, ${rv.lone} calls)`,
    `p99 ${f(x.contended.p99 / x.lone.p99, 1)}×`,
  ]);
}

/** (8): a case read and a transition write as the read model grows, largest size over smallest. */
export function readModelScaleRows(x: Results['readModelScale']): string[][] {
  if (!x) return [];
  const first = x.sizes[0]!;
  const last = x.sizes[x.sizes.length - 1]!;
  const sizes = x.sizes.map((s) => s.cases.toLocaleString('en')).join(' / ');
  return (
    [
      ['case read (GET case)', 'readMs', x.ratio.read],
      ['transition write (recordCaseTransition)', 'writeMs', x.ratio.write],
    ] as const
  ).map(([what, key, ratio]) => [
    `(8) ${what} p50 at ${sizes} cases`,
    `${x.sizes.map((s) => f(s[key])).join(' / ')} ms`,
    `${f(first[key])} ms at ${first.cases.toLocaleString('en')} cases`,
    `${f(ratio, 2)}× for ${f(last.cases / first.cases, 0)}× data`,
  ]);
}

/** The rows of (1) explained, above the table in latest.md (README "Benchmarks" says more). */
export const HOW_TO_READ = [
  'How to read (1): each batch is a mix of town, points and family (two children) cases; it runs with one worker process',
  'and with two, beside floor workflows of the same shapes in the same mix. "CPU s per settled case" is each process\'s',
  'user + system time from /proc (with its child processes) over the batch, divided by its cases; PostgreSQL is the',
  "bench database's backends, sampled every second (a backend that exits loses its last second; the server's shared",
  'processes are not counted); the bench driver is the load generator itself. "Officer decisions during that run" are the',
  "officer pool's own decisions under the batch's load. A \"cluster\" row says whether Temporal's server on PostgreSQL was",
  'measured in this run. "Store operations" are PostgreSQL\'s table statistics of the bench database under FerretDB over the',
  'batch (rows inserted, updated and deleted; table and index scans and the rows they read), per MongoDB database and',
  'collection; the department-systems simulator and the mail sink keep theirs in the same FerretDB.',
].join(' ');

/** Prints the table; with `write`, also keeps it (and the figures as JSON) in bench/results/. */
export async function report(r: Results, write: boolean): Promise<void> {
  const text = table(r);
  process.stdout.write(`\n${text}\n\n`);
  if (!write) return;
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const md = `# Benchmark results\n\nWritten by \`npm run bench\` (bench/run.ts); see README "Benchmarks".\n\n${HOW_TO_READ}\n\n${text}\n`;
  writeFileSync(join(dir, 'latest.md'), await prettier.format(md, { parser: 'markdown', printWidth: 130 }));
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  say(`written: ${relative(ROOT, join(dir, 'latest.md'))}, ${relative(ROOT, join(dir, 'latest.json'))}`);
}
