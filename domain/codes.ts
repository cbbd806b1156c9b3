/**
 * Code lists shared by workflows, activities, templates and the API. Pure data: workflow code
 * imports it. Labels for each code live in activities/notifications/labels.ts.
 */

/** Why a case was rejected. Each has a label in zh-CN and en. */
export const REJECTION_REASONS = [
  'identity_mismatch',
  'criminal_record',
  'no_legal_residence',
  'insufficient_points',
  'quota_exhausted',
  'capacity_exhausted',
  'no_stable_employment',
  'incomplete_material',
  'other',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Side effects that are undone when a case ends without settling (compensation). */
export const RESERVATION_KINDS = [
  'quota_slot',
  'collective_household_slot',
  'school_place',
  'provisional_registration',
  'residence_confirmation',
] as const;
export type ReservationKind = (typeof RESERVATION_KINDS)[number];

/** What an overdue case is waiting for (DOMAIN.md: every wait has a deadline and an escalation). */
export const WAIT_KINDS = ['officer_decision', 'applicant_supplement', 'department_system'] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];

/** How a case ended without settling; the terminated case has no notice of its own. */
export const CASE_OUTCOMES = ['rejected', 'withdrawn', 'terminated'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];
