/** The vocabulary of the audit trail: who (id, role, department), when, what, why. */
import type { Department, Role } from './vocabulary';

export const AUDIT_TYPES = [
  'submitted',
  'check_completed',
  'check_failed',
  'decision',
  'decision_refused',
  'supplement_requested',
  'supplement_provided',
  'supplement_expired',
  'reminder',
  'escalation',
  'supervisor_action',
  /** An officer took or gave up a step of their department (issue 10), or was refused either. */
  'step_claimed',
  'step_released',
  'step_claim_refused',
  'step_release_refused',
  'score_computed',
  'commit',
  'compensation',
  'compensation_failed',
  /** A department's register refused a commit outright; retried as an incident (patch `commit-incidents`). */
  'commit_failed',
  'notice',
  'settled',
  'rejected',
  'withdrawn',
  'terminated',
  'social_insurance_transfer',
  'school_place_waiting',
  'school_place_confirmed',
  /** A points case joined, was ranked in, admitted by or removed from an admission round (issue 13). */
  'admission_round',
  /** HR completed the social-insurance transfer (issue 14); the start stays `social_insurance_transfer`. */
  'social_insurance_transferred',
  /** Proof of service (issue 14): a notice reached its recipient (provider receipt, or post / in person recorded). */
  'notice_delivered',
  /** A notice could not be delivered after its retries (an incident; a decision letter needs service another way). */
  'notice_undeliverable',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

export interface AuditActor {
  id: string;
  role: Role;
  department?: Department;
}

export interface AuditEntry {
  type: AuditType;
  at: string;
  actor: AuditActor;
  department?: Department;
  /** What happened, in a short stable phrase (e.g. `quota_slot reserved`). */
  what: string;
  /** Why (reason code / text), when there is one. */
  why?: string;
  /** Officer-internal detail, never shown to applicants. */
  internal?: boolean;
  data?: Record<string, unknown>;
}
