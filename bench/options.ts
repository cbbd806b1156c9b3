/**
 * The bench's command line (`npm run bench -- --quick`, `--cases 500`, …) and the sizes each
 * phase uses; see the header of bench/run.ts for the flags.
 */
import { parseArgs } from 'node:util';

/** How many of everything each phase uses; `--quick` makes every number small (a smoke run). */
function sizesFor(quick: boolean, cases: string | undefined) {
  return {
    cases: Number(cases ?? (quick ? 40 : 300)),
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
    /** (6) reservations at once into one area's pool, and lone ones (one at a time) beside them. */
    contendedReservations: quick ? 100 : 300,
    loneReservations: quick ? 10 : 30,
  };
}
export type BenchSizes = ReturnType<typeof sizesFor>;

/**
 * Where Temporal's own server runs: the dev server (one process on a SQLite file, what `npm start`
 * runs), or Temporal's own server on PostgreSQL (`npm run start:cluster`). Every phase runs on the
 * first; with `--topology both` (the default) the throughput phase (1) runs again on a second
 * stack with the cluster server, so both stand side by side in the table.
 */
export const TOPOLOGIES = ['dev-server', 'cluster'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

export const ONLY_PHASES = ['reservations', 'dashboard', 'throughput', 'decisions', 'scale'] as const;

export interface BenchOptions {
  sizes: BenchSizes;
  quick: boolean;
  /** Keep .data/bench/<run>/ after a successful run. */
  keep: boolean;
  /** Print the table only; leave bench/results/ alone. */
  noWrite: boolean;
  /** `auto` until main() asks the server (bench/run.ts): FerretDB on PostgreSQL when one answers at postgresqlUrl, else SQLite. */
  store: 'auto' | 'sqlite' | 'postgresql';
  postgresqlUrl: string;
  /** Each repeated figure ((1) throughput and CPU per case, (2) decisions, (3) status reads) is measured this often (--runs, default 3). */
  runs: number;
  /** Worker processes the throughput phase runs with, each in turn (--workers 1,2 by default). */
  workerCounts: number[];
  /** LOG_LEVEL of the app processes (--log-level, default info as in production). */
  logLevel: string;
  /** Where Temporal's server runs (--topology dev-server | cluster | both): the first stack's, then (1) again on each other. */
  topologies: Topology[];
  /**
   * One phase alone, printed, not written to bench/results/: `reservations` (FerretDB alone and
   * phase (6)), `dashboard` (phase (7) on the whole stack), `throughput` (warm-up and (1)).
   */
  only?: (typeof ONLY_PHASES)[number];
}

export function parseBenchOptions(argv: string[] = process.argv.slice(2)): BenchOptions {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      cases: { type: 'string' },
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      store: { type: 'string', default: 'auto' },
      'postgresql-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      only: { type: 'string' },
      runs: { type: 'string', default: '3' },
      workers: { type: 'string', default: '1,2' },
      'log-level': { type: 'string', default: 'info' },
      topology: { type: 'string', default: 'both' },
    },
  });
  if (!['auto', 'sqlite', 'postgresql'].includes(args.store!)) throw new Error('--store must be auto, sqlite or postgresql');
  if (args.only !== undefined && !(ONLY_PHASES as readonly string[]).includes(args.only))
    throw new Error(`--only takes: ${ONLY_PHASES.join(', ')}`);
  const postgresqlUrl = args['postgresql-url']!;
  const store = args.store as BenchOptions['store'];
  const quick = args.quick ?? false;
  const sizes = sizesFor(quick, args.cases);
  if (!Number.isInteger(sizes.cases) || sizes.cases < 1 || sizes.cases > 10_000) throw new Error('--cases must be 1…10000');
  const only = args.only as BenchOptions['only'];
  const runs = Number(args.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 10) throw new Error('--runs must be 1…10');
  const workerCounts = args.workers!.split(',').map(Number);
  if (workerCounts.some((w) => !Number.isInteger(w) || w < 1 || w > 4)) throw new Error('--workers takes counts 1…4, e.g. 1,2');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(args['log-level']!))
    throw new Error('--log-level must be a pino level (info, warn, …)');
  if (args.topology !== 'both' && !(TOPOLOGIES as readonly string[]).includes(args.topology!))
    throw new Error(`--topology takes: ${TOPOLOGIES.join(', ')}, both`);
  return {
    sizes,
    quick,
    keep: args.keep ?? false,
    noWrite: (args['no-write'] ?? false) || only !== undefined,
    store,
    postgresqlUrl,
    runs,
    workerCounts: [...new Set(workerCounts)].sort((a, b) => a - b),
    logLevel: args['log-level']!,
    topologies: args.topology === 'both' ? [...TOPOLOGIES] : [args.topology as Topology],
    ...(only ? { only } : {}),
  };
}
