/**
 * The contract of the retention sweep (issue 15 part 5; README "Retention"): shared by the
 * workflow, its activities, the Schedule that starts it and the tests.
 */
import type { CaseRetentionClass, RetentionPeriods } from '../../domain/retention';

/** The daily Schedule (temporal/retention-schedule.ts): one per deployment's task queue. */
export const retentionScheduleId = (taskQueue: string): string => `retention-sweep-${taskQueue}`;

export interface RetentionSweepInput {
  /** Measure the periods from this instant instead of now (tests run a sweep "in the future"); the Schedule passes none. */
  asOf?: string;
  /** Where a continued run resumes: the class being swept and the last case id done in it. */
  from?: { cls: number; afterId?: string };
  /** Set by the first run (beginRetentionRun); carried across continue-as-new. */
  run?: RetentionRunStart;
}

/** What beginRetentionRun fixed for the whole run: its record's id, the instant and the periods. */
export interface RetentionRunStart {
  runId: string;
  asOf: string;
  periods: RetentionPeriods;
  batchSize: number;
  /** Per class, cases that ended before this instant have passed their period. */
  caseCutoffs: Record<CaseRetentionClass, string>;
  /** Access-record days before this one (YYYY-MM-DD, Asia/Shanghai) have passed theirs. */
  firstAccessDayKept: string;
}

export interface AnonymiseBatchInput {
  runId: string;
  cls: CaseRetentionClass;
  cutoff: string;
  afterId?: string | undefined;
  limit: number;
}

export interface AnonymiseBatchResult {
  /** The last case id read; absent when nothing was left to read. */
  lastId?: string;
  read: number;
  anonymised: number;
  skippedRunning: number;
}

export interface RetentionSweepResult {
  runId: string;
  anonymised: Record<CaseRetentionClass, number>;
  accessRecordDays: number;
  accessRecords: number;
}
