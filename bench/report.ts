/**
 * The bench's one table, every figure beside its same-run baseline: printed to stdout and,
 * unless --no-write, written to bench/results/latest.md (formatted) and latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import { ROOT } from '../scripts/lib/services';
import type { Latencies } from './lib/measure';
import { say } from './lib/progress';
import type { Results } from './results';

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function table(r: Results): string {
  const m = r.machine;
  const t = r.throughput;
  const d = r.decisionLatencyMs;
  const s = r.statusReads;
  const a = r.supervisorAudit;
  const fp = r.footprint;
  const rv = r.reservations;
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

/** Prints the table; with `write`, also keeps it (and the figures as JSON) in bench/results/. */
export async function report(r: Results, write: boolean): Promise<void> {
  const text = table(r);
  process.stdout.write(`\n${text}\n\n`);
  if (!write) return;
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const md = `# Benchmark results\n\nWritten by \`npm run bench\` (bench/run.ts); see README "Benchmarks".\n\n${text}\n`;
  writeFileSync(join(dir, 'latest.md'), await prettier.format(md, { parser: 'markdown', printWidth: 130 }));
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  say(`written: ${relative(ROOT, join(dir, 'latest.md'))}, ${relative(ROOT, join(dir, 'latest.json'))}`);
}
