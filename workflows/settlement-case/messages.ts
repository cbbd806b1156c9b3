/**
 * The contract of the settlement case workflow, shared by the workflow, the API and the tests:
 * workflow id, input / result, SLA settings, and the Updates and Query it answers.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DecisionKind, SupervisorAction } from '../../domain/case-rules';
import type { CaseState, SchoolPlacement, StepState } from '../../domain/case-state';
import type { OfficerScope } from '../../domain/officer-scope';
import type { RejectionReason } from '../../domain/codes';
import type { Application, CaseStatus, Department } from '../../domain/vocabulary';
import type { RoundNews } from '../admission-round/messages';

export const settlementCaseWorkflowId = (caseId: string): string => `SettlementCase:${caseId}`;

export { DECISION_KINDS, SUPERVISOR_ACTIONS, type DecisionKind, type SupervisorAction } from '../../domain/case-rules';

/**
 * Why an Update is refused: the ApplicationFailure type its validator throws. The API maps
 * each to an HTTP status in a table typed by this list, so a new refusal without a status does
 * not compile.
 */
export const REFUSALS = [
  'StepNotFound',
  'WrongDepartment',
  'StepNotAwaitingDecision',
  'InvalidDecision',
  'SupplementRoundUsed',
  'NoSupplementAwaited',
  'InvalidSupplement',
  'NotApplicant',
  'CaseNotOpen',
  'InvalidAction',
  'NoPlacementAwaited',
  /** Another officer holds the step (claim, decide, or a release by someone else). */
  'StepHeldByOther',
  /** A release of a step nobody holds. */
  'StepNotHeld',
  /** The case is outside the officer's areas: answered exactly like a missing case. */
  'NotInScope',
] as const;
export type Refusal = (typeof REFUSALS)[number];

/** Deadlines are data (configurable per department, short in tests), never constants in code. */
export interface SlaSettings {
  /** How long an officer has to decide a step, per department (ms). */
  officerDecisionMs: Record<Department, number>;
  /** Fraction of the SLA after which the officer is reminded (DOMAIN: 80 %). */
  reminderFraction: number;
  /** How long the applicant has to provide supplementary material (ms). */
  supplementResponseMs: number;
  /** Pause between rounds of a failing automated lookup or compensation (ms); each round retries with backoff. */
  checkRetryPauseMs: number;
  /** The pause doubles each round up to this (ms); default 64 × checkRetryPauseMs. */
  checkRetryMaxPauseMs?: number;
  /** How many failed rounds of a lookup before supervisors are told (escalation). */
  checkFailuresBeforeEscalation: number;
  /** How long the education department has to place a waiting child (ms, §21–23). */
  schoolPlacementMs: number;
  /** How often a waiting child's place is asked for again (a place may have freed, ms). */
  waitlistRecheckMs: number;
  /**
   * The statutory clock (issue 13): officer and supplement deadlines in working days (工作日) on
   * the State Council calendar, due at `officeClose` (HH:MM, Asia/Shanghai) of the last one, the
   * officer's clock stopped while the case waits on the applicant. Absent (cases submitted
   * before it, or DEADLINE_CLOCK=elapsed): officerDecisionMs and supplementResponseMs apply.
   */
  workingDays?: WorkingDaySla;
  /** How long a settled case waits for HR to complete the social-insurance transfer (ms, §25); default 30 days. */
  socialInsuranceTransferMs?: number;
  /** How often it asks HR for the transfer's status when no callback came (ms); default 1 hour. */
  socialInsuranceTransferPollMs?: number;
}

export interface WorkingDaySla {
  officerDecision: Record<Department, number>;
  /**
   * The applicant's time to answer a supplement request. Per requesting department since the
   * per-department knobs came; histories recorded before them hold one number for all: read with
   * supplementWorkingDays().
   */
  supplementResponse: number | Record<Department, number>;
  /**
   * Education's time to place a waiting child (§21–23), counted from when it joined the list.
   * Absent (cases submitted before it): schoolPlacementMs, as elapsed time.
   */
  schoolPlacement?: number;
  officeClose: string;
  /** When the office day begins (HH:MM): reminders go out from then. Absent (cases before it): 09:00. */
  officeOpen?: string;
}

/** The supplement deadline for a request by department `d`, whichever shape the case was started with. */
export function supplementWorkingDays(sla: WorkingDaySla, d: Department): number {
  const v = sla.supplementResponse;
  return typeof v === 'number' ? v : v[d];
}

export interface SettlementCaseInput {
  caseId: string;
  caseNumber: string;
  /** The applicant's account (token subject): who may see and act on the case. */
  applicantUserId: string;
  application: Application;
  submittedAt: string;
  /** Points route: the policy version in force at submission; the case is judged under it. */
  policyVersion?: string;
  sla: SlaSettings;
  /** Departments whose clean automated result is approved without an officer (per-department policy). */
  autoApproveClean: Department[];
}

export interface SettlementCaseResult {
  status: Extract<CaseStatus, 'settled' | 'rejected' | 'withdrawn' | 'terminated'>;
  compensated: string[];
}

// ---- Updates -------------------------------------------------------------------------------

export interface DecideInput {
  /** Idempotency key: the same request delivered twice has one effect. */
  requestId: string;
  /** The step being decided. */
  department: Department;
  /** The officer's own department (from their token): must equal `department`. */
  officerDepartment: Department;
  officerId: string;
  decision: DecisionKind;
  reasonCode?: RejectionReason;
  /** Applicant-facing text (rejection reason). */
  reasonText?: string;
  /** Missing material, for a supplement request. */
  missing?: string[];
  /** Officer-internal note: never shown to the applicant. */
  internalNote?: string;
  /**
   * Where the officer acts (their token's scope): a case outside it is refused as NotInScope, so
   * the API sends the Update without reading the case first. Absent from Updates sent before it.
   */
  officerScope?: OfficerScope;
}
export const decideUpdate = defineUpdate<StepState, [DecideInput]>('decide');

/**
 * An officer takes (claim) or gives up (release) their department's step (issue 10): while an
 * officer holds a step, only they decide it, until they release it or a supervisor reassigns it.
 */
export interface StepHoldInput {
  requestId: string;
  /** The step being claimed or released. */
  department: Department;
  /** The officer's own department (from their token): must equal `department`. */
  officerDepartment: Department;
  officerId: string;
  /** Why, for the audit trail (officer-internal). */
  note?: string;
  /**
   * Where the officer acts (their token's scope): a case outside it is refused as NotInScope, so
   * the API sends the Update without reading the case first. Absent from Updates sent before it.
   */
  officerScope?: OfficerScope;
}
export const claimStepUpdate = defineUpdate<StepState, [StepHoldInput]>('claimStep');
export const releaseStepUpdate = defineUpdate<StepState, [StepHoldInput]>('releaseStep');

export interface ProvideSupplementInput {
  requestId: string;
  department: Department;
  /** The applicant providing it online; absent when an officer records it handed in at the counter. */
  applicantUserId?: string;
  /**
   * The department's officer who received the material at their counter (the supplement letter
   * offers it): recorded on the applicant's behalf, within the officer's department and scope.
   */
  receivedAtCounter?: { officerId: string; officerDepartment: Department; officerScope: OfficerScope };
  /** What the applicant provides (references to uploaded documents, answers). */
  items: Array<{ name: string; reference: string }>;
}
export const provideSupplementUpdate = defineUpdate<StepState, [ProvideSupplementInput]>('provideSupplement');

export interface WithdrawInput {
  requestId: string;
  applicantUserId: string;
  note?: string;
}
export const withdrawUpdate = defineUpdate<{ status: CaseStatus }, [WithdrawInput]>('withdraw');

export interface SupervisorActionInput {
  requestId: string;
  supervisorId: string;
  department: Department;
  action: SupervisorAction;
  /** extend_deadline: how much later the step is due (ms). */
  extendByMs?: number;
  /** extend_deadline on the working-day clock: due that many working days after its current due day. */
  extendByWorkingDays?: number;
  /** reassign: the officer who now owns the step. */
  officerId?: string;
  /**
   * reassign: where that officer acts (the officer directory's record, app/officer-directory.ts):
   * a case outside it is refused, so a bulk reassignment skips the cases of other areas.
   */
  officerScope?: OfficerScope;
  note?: string;
}
export const supervisorActionUpdate = defineUpdate<StepState, [SupervisorActionInput]>('supervisorAction');

export interface TerminateInput {
  requestId: string;
  supervisorId: string;
  note: string;
}
/** Ends the case with compensation. Cancelling the workflow has the same effect. */
export const terminateUpdate = defineUpdate<{ status: CaseStatus }, [TerminateInput]>('terminate');

export interface AssignSchoolPlaceInput {
  requestId: string;
  officerId: string;
  /** The officer's department (from their token): must be education. */
  officerDepartment: Department;
  /** The child, by its index in the application (applicant = 0). */
  personIndex: number;
  /** The school or kindergarten in the case's area that takes the child. */
  school: string;
  note?: string;
}
/** An education officer places a waiting child at a named school elsewhere in the area (§21). */
export const assignSchoolPlaceUpdate = defineUpdate<SchoolPlacement, [AssignSchoolPlaceInput]>('assignSchoolPlace');

/** HR's completion of the case's social-insurance transfer, relayed from its callback (issue 14). */
export interface TransferCompletedInput {
  recordId: string;
  completedAt: string;
}
export const socialInsuranceTransferCompletedSignal = defineSignal<[TransferCompletedInput]>('socialInsuranceTransferCompleted');

/**
 * A school place of `pool` was given back (activities/reservations.activities.ts tells the head
 * of its waiting list): the case asks the pool again now, rather than at its next recheck.
 */
export interface SchoolPlaceFreed {
  pool: string;
}
export const schoolPlaceFreedSignal = defineSignal<[SchoolPlaceFreed]>('schoolPlaceFreed');

/** What the case's admission round tells it (issue 13): ranked, admitted, removed, final. */
export const roundNewsSignal = defineSignal<[RoundNews]>('roundNews');

// ---- Query ---------------------------------------------------------------------------------

export const caseStatusQuery = defineQuery<CaseState>('status');
/**
 * What the case answered a request (its request id as the handler keeps it: a decision's,
 * withdrawal's or termination's own id), if it took it. Asked of a case that has ended since: a
 * retried request that ended the case gets its first answer instead of "the case has ended".
 */
export const handledRequestQuery = defineQuery<{ answered: false } | { answered: true; answer: unknown }, [string]>(
  'handledRequest',
);
