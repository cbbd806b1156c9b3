/** The figures one bench run produces: what the report prints and bench/results/latest.json holds. */
import type { Machine } from './lib/measure';
import type { BenchSizes, Topology } from './options';
import type { ContendedReservations } from './phases/contended-reservations';
import type { ReadModelScale } from './phases/read-model-scale';
import type { DecisionLatencyFigures } from './phases/decision-latency';
import type { StatusReadFigures } from './phases/status-reads';
import type { ThroughputFigures } from './phases/throughput';
import type { FloorShapes } from './phases/warmup';

export interface Results {
  machine: Machine;
  options: BenchSizes;
  store: string;
  processModel: string;
  /** Submissions the load generator had to retry (timeouts, 5xx). */
  submissionRetries: number;
  /** Each repeated figure's runs (--runs). */
  runs: number;
  /** (1) per topology measured; a topology not measured in this run is absent (the report says so). */
  throughput: Partial<Record<Topology, ThroughputFigures>>;
  /** The floor's workflow shapes, one per kind of case in the mix. */
  floorShapes: FloorShapes;
  decisionLatencyMs: DecisionLatencyFigures;
  statusReads: StatusReadFigures;
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
