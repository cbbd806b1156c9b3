/**
 * The contract of a bulk intervention (issue 11, "Interventions"), shared by the workflow, the
 * activity, the application layer and the tests: workflow id, input / result, the progress Query.
 * A supervisor applies one action to many cases at once; each case hears it as the case
 * workflow's own Update, so the case validates and audits it exactly like a single action.
 */
import { defineQuery } from '@temporalio/workflow';
import type { SupervisorAction } from '../../domain/case-rules';
import type { OfficerScope } from '../../domain/officer-scope';
import type { Department } from '../../domain/vocabulary';

/** The bulk id is the start's request id: starting twice with it is one run. */
export const bulkInterventionWorkflowId = (bulkId: string): string => `BulkIntervention:${bulkId}`;

/** One run acts on at most this many cases; its history stays far below Temporal's limits, so no continueAsNew is needed. */
export const BULK_MAX_CASES = 500;
export const BULK_DEFAULT_CONCURRENCY = 5;
export const BULK_MAX_CONCURRENCY = 20;
export const BULK_DEFAULT_PAUSE_MS = 200;

export const BULK_ACTIONS = ['extend_deadline', 'reassign', 'escalate', 'retry_check', 'terminate'] as const;
export type BulkAction = Extract<SupervisorAction, (typeof BULK_ACTIONS)[number]> | 'terminate';

export interface BulkInterventionInput {
  bulkId: string;
  supervisorId: string;
  action: BulkAction;
  /** The step acted on (ignored by terminate, which ends the whole case). */
  department: Department;
  /** extend_deadline: how much later each step is due (ms). */
  extendByMs?: number;
  /** extend_deadline on the working-day clock: how many working days later (instead of extendByMs). */
  extendByWorkingDays?: number;
  /** reassign: the officer who now owns each step. */
  officerId?: string;
  /** reassign: where that officer acts; each case outside it refuses (an outcome, not a failure). */
  officerScope?: OfficerScope;
  /** The supervisor's reason: every case's audit record carries it. */
  note: string;
  caseIds: string[];
  /** How many cases are acted on at once (rate limit); default BULK_DEFAULT_CONCURRENCY. */
  concurrency?: number;
  /** Pause between batches (ms); default BULK_DEFAULT_PAUSE_MS. */
  pauseMs?: number;
}

export const BULK_OUTCOMES = ['pending', 'succeeded', 'refused', 'failed'] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

export interface BulkItem {
  caseId: string;
  outcome: BulkOutcome;
  /** The refusal type (CaseNotOpen, InvalidAction, …) or the failure's message. */
  detail?: string;
}

export interface BulkProgress {
  bulkId: string;
  supervisorId: string;
  action: BulkAction;
  department: Department;
  note: string;
  total: number;
  done: number;
  succeeded: number;
  refused: number;
  failed: number;
  finished: boolean;
  items: BulkItem[];
}

/** The result is the final report: the progress with every item decided. */
export type BulkInterventionResult = BulkProgress;

/** What the activity answers for one case. */
export interface BulkCaseOutcome {
  outcome: Exclude<BulkOutcome, 'pending' | 'failed'>;
  detail?: string;
}

/** One case of a run, as the activity acts on it. */
export type BulkCaseActionInput = Omit<BulkInterventionInput, 'caseIds' | 'concurrency' | 'pauseMs'> & { caseId: string };

/** The Update's request id on each case: a retried activity or a replayed run acts once. */
export const bulkRequestId = (bulkId: string, caseId: string): string => `bulk:${bulkId}:${caseId}`;

export const bulkProgressQuery = defineQuery<BulkProgress>('bulkProgress');
