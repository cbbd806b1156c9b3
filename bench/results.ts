/** The figures one bench run produces: what the report prints and bench/results/latest.json holds. */
import type { FloorInput } from './floor/floor.workflow';
import type { Latencies, LoadResult, Machine } from './lib/measure';
import type { BenchSizes } from './options';
import type { ContendedReservations } from './phases/contended-reservations';
import type { ReadModelScale } from './phases/read-model-scale';

export interface Results {
  machine: Machine;
  options: BenchSizes;
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
  /** (8) a case read and a transition write at 1k / 10k / 100k cases. */
  readModelScale?: ReadModelScale;
  /** (6) `reserve` timed directly: one at a time, and many at once into one area's pool. */
  reservations: ContendedReservations;
  /** (7) GET /supervisor/dashboard: the last 30 days and a whole year, at both sizes. */
  dashboard?: {
    small: { cases: number; ms: Record<string, number>; opened: Record<string, number>; capMs: number };
    large: { cases: number; ms: Record<string, number>; opened: Record<string, number>; capMs: number };
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
