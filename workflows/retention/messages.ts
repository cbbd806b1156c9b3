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
  /**
   * Where a continued run resumes: the class, the month of case ends being walked, the last case
   * id done in it, and whether every month walked before it had nothing left waiting.
   */
  from?: { cls: number; month?: string; afterId?: string; clean: boolean };
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
  /** The month (YYYY-MM, Asia/Shanghai) of the case ends this page walks: their `ended` dashboard facts. */
  month: string;
  /** The cut-off's month: months without a case end of the class are passed over up to it. */
  lastMonth: string;
  afterId?: string | undefined;
  limit: number;
}

export interface AnonymiseBatchResult {
  /** The month this page walked: `month`, or a later one when the months between had no case end of the class. */
  month: string;
  /** The last case id of this page; absent when the month had none left. */
  lastId?: string;
  /** The month has more cases after `lastId`. */
  more: boolean;
  anonymised: number;
  skippedRunning: number;
  /** Cases of the month not anonymised yet that will be later (not yet past their period, or still running). */
  pending: number;
}

export interface RetentionSweepResult {
  runId: string;
  anonymised: Record<CaseRetentionClass, number>;
  accessRecordDays: number;
  accessRecords: number;
}
