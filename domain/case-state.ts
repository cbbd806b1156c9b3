/**
 * The live state of one settlement case: what the workflow's status Query returns and what the
 * read model stores. Pure types shared by workflows, activities and API.
 */
import type { CheckResult } from './department-checks';
import type { RejectionReason, ReservationKind } from './codes';
import type { PointsScore } from './points-policy';
import type { Application, CaseStatus, Department, Role, SchoolLevel, StepStatus } from './vocabulary';

import type { DecisionKind } from './case-rules';
export type { DecisionKind } from './case-rules';

export interface StepDecision {
  kind: DecisionKind;
  by: string;
  role: Role;
  at: string;
  reasonCode?: RejectionReason;
  /** Applicant-facing reason text (rejection) or the list of missing material (supplement). */
  reasonText?: string;
  missing?: string[];
}

/** What one department's automated lookup found, per person (applicant first). */
export interface CheckRecord {
  at: string;
  /** Per person, in the order of the application (applicant, then family); null = not on record. */
  results: Array<{ personIndex: number; result: CheckResult | null }>;
  /** Short machine-readable findings the officer should look at (e.g. `identity_mismatch`). */
  findings: string[];
}

export interface StepState {
  department: Department;
  status: StepStatus;
  /** When the current wait on this step began and is due (ISO); undefined while not waiting. */
  waitingSince?: string;
  dueAt?: string;
  /** dueAt was counted over a year without its calendar file (weekdays only): it may move. */
  dueProvisional?: boolean;
  /** Working days the officer had left when the clock stopped for the applicant's supplement. */
  workingDaysLeft?: number;
  remindedAt?: string;
  escalatedAt?: string;
  overdue: boolean;
  /**
   * The officer who holds the step (issue 10): by their own claim, or a supervisor's reassignment.
   * While someone holds it, only they decide it; since when, in `assignedAt` (ISO).
   */
  assignedOfficer?: string;
  assignedAt?: string;
  check?: CheckRecord;
  /** Consecutive failed rounds of the automated lookup (system step keeps failing). */
  checkFailures: number;
  lastCheckError?: string;
  decision?: StepDecision;
  /** Officer-internal notes: never shown to applicants. */
  internalNotes: string[];
  supplement?: Supplement;
  /**
   * One-time notice of what is missing (一次性告知): how many supplement requests this step has
   * made, and how many it may make (1, raised only by a supervisor's audited authorisation).
   */
  supplementRounds?: number;
  supplementRoundsAllowed?: number;
  /** Earlier supplement rounds, oldest first, with what the applicant supplied. */
  pastSupplements?: Supplement[];
  /** What the system recommends the officer decide, with why (the points score for HR, §2). */
  recommendation?: { decision: 'approve' | 'reject'; reasonCode?: RejectionReason; note: string };
}

export interface CompensationFailure {
  /** `<reservation kind>:<item>`, as in `failingCompensations`. */
  label: string;
  kind: ReservationKind;
  /** The department whose commit is being undone: a supervisor's retry names it. */
  department: Department;
  /** The release activity's own message from the last failed round. */
  error: string;
  /** Failed rounds so far (each round is the activity's own bounded retries). */
  rounds: number;
  since: string;
  lastAt: string;
}

/**
 * A commit the department's register refuses outright (a 4xx: a misconfigured address, a record
 * it cannot take): retrying the same call cannot help until someone fixes it, so the case waits
 * with the incident surfaced, retrying after a pause that doubles, or at once on a supervisor's
 * retry — instead of failing, which would leave its commits held and its applicant locked out.
 */
export interface CommitFailure {
  /** `<reservation kind>:<item>`, or `household_registration` / `social_insurance_transfer`. */
  label: string;
  /** Whose register refused: a supervisor's retry names it. */
  department: Department;
  /** The reservation being taken, when it is one. */
  kind?: ReservationKind;
  /**
   * `refused`: the register answered that it will not take the write (a 4xx: someone must fix
   * the cause); `unavailable`: it did not answer, or failed, for a whole round of retries.
   * Absent on incidents recorded before the distinction (all were refusals).
   */
  cause?: CommitFailureCause;
  error: string;
  rounds: number;
  since: string;
  lastAt: string;
}

export type CommitFailureCause = 'refused' | 'unavailable';

export interface Supplement {
  requestedAt: string;
  dueAt: string;
  /** dueAt was counted over a year without its calendar file (weekdays only): it may move. */
  dueProvisional?: boolean;
  missing: string[];
  providedAt?: string;
  /** What the applicant supplied: names and document references, as they gave them. */
  provided?: Array<{ name: string; reference: string }>;
  /** When the applicant was reminded of the deadline (cleared when a supervisor extends it). */
  remindedAt?: string;
}

/**
 * A kindergarten or school place for an accompanying child (§21–23), arranged by the inflow
 * area's education department. A full level never refuses the family: the child waits on the
 * area's list with its own deadline, reminder and escalation while the family settles.
 */
export interface SchoolPlacement {
  personIndex: number;
  area: string;
  level: SchoolLevel;
  status: 'placed' | 'waiting' | 'cancelled';
  /** Waiting: since when, where in the line (1 = next), by when the department must place the child. */
  waitingSince?: string;
  position?: number;
  dueAt?: string;
  /** dueAt was counted in working days over a year without its calendar file (weekdays only): it may move. */
  dueProvisional?: boolean;
  remindedAt?: string;
  escalatedAt?: string;
  overdue: boolean;
  placedAt?: string;
  /** A school the education officer assigned elsewhere in the area, when the planned places were full. */
  school?: string;
  assignedBy?: string;
  /** §22: compulsory-education fees waived (primary and junior secondary only). */
  feeWaiver: boolean;
  /** §23: may sit the local entrance exams (children in school, not kindergarten). */
  examEligible: boolean;
}

export interface Reservation {
  kind: ReservationKind;
  /** Pool key (e.g. `quota:xian-2016-v1:yanta`) and the holder item (e.g. person index). */
  pool: string;
  item: string;
  /** For school places: which child (index in the application). */
  personIndex?: number;
  status: 'held' | 'released';
  heldAt: string;
  releasedAt?: string;
}

/**
 * A points case's place in the admission rounds (issue 13): the round it waits in or was ranked
 * in, and what the ranking gave it. `awaiting_announcement`: approved, but no rounds file
 * announces a round yet (the case looks again daily). `left`: the case ended (withdrawn, terminated)
 * while it waited in the round or during the round's public notice.
 */
export const CASE_ROUND_STATUSES = [
  'awaiting_announcement',
  'waiting',
  'admitted_provisionally',
  'not_admitted',
  'admitted',
  'removed',
  'left',
] as const;

export interface CaseRoundInfo {
  roundId?: string;
  status: (typeof CASE_ROUND_STATUSES)[number];
  opensOn?: string;
  closesOn?: string;
  rank?: number;
  /** The district's lowest admitted score in the round. */
  cutoff?: number;
  /** The end of the public-notice period (公示). */
  noticeEndsAt?: string;
  /** True when that end was counted into a year without a holiday calendar (weekdays only): it may move. */
  noticeEndsProvisional?: boolean;
}

export interface CaseOutcomeInfo {
  status: Extract<CaseStatus, 'settled' | 'rejected' | 'withdrawn' | 'terminated'>;
  at: string;
  by: string;
  role: Role;
  reasons: Array<{ code: RejectionReason; department: Department; note?: string }>;
  /** Free text for withdrawals and terminations. */
  note?: string;
  /** 文号 of the decision letter (rejected / terminated), from the issueDecisionNumber activity. */
  documentNumber?: string;
}

export interface CaseState {
  caseId: string;
  caseNumber: string;
  applicantUserId: string;
  application: Application;
  status: CaseStatus;
  submittedAt: string;
  lastProgressAt: string;
  policyVersion?: string;
  score?: PointsScore;
  collectiveHousehold: boolean;
  steps: Partial<Record<Department, StepState>>;
  reservations: Reservation[];
  /** Accompanying children's places (§21–23); absent on cases without children. */
  schoolPlacements?: SchoolPlacement[];
  outcome?: CaseOutcomeInfo;
  /** Compensations that keep failing: surfaced to supervisors, never swallowed. */
  failingCompensations: string[];
  /**
   * The incident behind each failing compensation (issue 11): what keeps failing, whose it is,
   * the last error and how many rounds were tried. Removed once the release succeeds.
   */
  compensationFailures?: CompensationFailure[];
  /** Commits the registers refuse, waiting to be retried (patch `commit-incidents`). */
  commitFailures?: CommitFailure[];
  /** Points route: the admission round the case waits in or was ranked in (issue 13). */
  round?: CaseRoundInfo;
  /** Earlier rounds that ranked the case without admitting it, oldest first. */
  pastRounds?: CaseRoundInfo[];
  /** Post-settlement social-insurance transfer (§25). */
  socialInsuranceTransfer?: SocialInsuranceTransferInfo;
}

/**
 * HR's social-insurance transfer (§25). `started`: cases settled before the register adapters
 * (issue 14), which never waited for it. Since then the case settles with HR's record `pending`,
 * waits for HR's completion (callback or poll) until `dueAt`, and past it is `overdue` (an
 * incident for supervisors, escalated to HR) until HR completes it.
 */
export interface SocialInsuranceTransferInfo {
  status: 'started' | 'pending' | 'completed';
  at: string;
  /** HR's record id. */
  recordId?: string;
  dueAt?: string;
  overdue?: boolean;
  escalatedAt?: string;
  completedAt?: string;
}
