/**
 * Code lists shared by workflows, activities, templates and the API. Pure data: workflow code
 * imports it. Labels for each code live in i18n/labels.ts.
 */

import type { Department, Route } from './vocabulary';

/** Why a case was rejected. Each has a label in zh-CN and en. */
export const REJECTION_REASONS = [
  'identity_mismatch',
  'fraudulent_material',
  'criminal_record',
  'no_legal_residence',
  'insufficient_points',
  /** §2: a bad credit record, where the points policy in force disqualifies for it (xian-2016-v1). */
  'credit_disqualified',
  'quota_exhausted',
  'capacity_exhausted',
  'no_stable_employment',
  'incomplete_material',
  /** An objection to the case's place in a published ranking was upheld (公示异议成立, issue 13). */
  'objection_upheld',
  'other',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/**
 * Which reasons an officer of a department may give on a route: the one place that says it,
 * read by the workflow's decision validator and by the API before it asks the workflow.
 * - Town route (§1, 全面放开): legal stable residence and co-residing family are the only
 *   conditions, so police refuse only identity mismatch or fraud, and a criminal or credit
 *   record is no refusal reason; education never refuses (a child waits for a place instead,
 *   §21–23).
 * - Points route (§2): every indicator counts; HR refuses a score below the threshold on the
 *   system's recommendation, never an indicator on its own (employment is scored, not required). Education may refuse an education level it cannot verify.
 * An empty list means that department approves or asks for material, never refuses.
 */
export const OFFICER_REASONS: { readonly [R in Route]: { readonly [D in Department]: readonly RejectionReason[] } } = {
  town: {
    police: ['identity_mismatch', 'fraudulent_material', 'incomplete_material', 'other'],
    hrss: [],
    housing: ['no_legal_residence', 'fraudulent_material', 'incomplete_material', 'other'],
    education: [],
  },
  points: {
    police: ['identity_mismatch', 'fraudulent_material', 'criminal_record', 'incomplete_material', 'other'],
    // Employment is one of §2's scored indicators (主要指标), not a condition beside the score:
    // a case without it scores less, and is not refused for it (no_stable_employment stays a code
    // for decisions made before, and for the letters that name it).
    hrss: ['insufficient_points', 'credit_disqualified', 'fraudulent_material', 'incomplete_material', 'other'],
    housing: ['no_legal_residence', 'fraudulent_material', 'incomplete_material', 'other'],
    education: ['fraudulent_material', 'incomplete_material', 'other'],
  },
};

/** Reasons only the system gives: a capacity that is used up (never a school place, §21–23). */
export const SYSTEM_REASONS = ['quota_exhausted', 'capacity_exhausted'] as const satisfies readonly RejectionReason[];

/**
 * Reasons the city finds, not an area's officer: a capacity used up, an objection to the city's
 * published ranking upheld (by a supervisor). Pages name the city department for them, as the
 * decision letter does; an officer's refusal names the area's office that decided it.
 */
export const CITY_REASONS: readonly RejectionReason[] = [...SYSTEM_REASONS, 'objection_upheld'];

export interface ReasonFacts {
  collectiveHousehold?: boolean;
  /** The department has asked the applicant for material at least once on this step. */
  supplementAsked?: boolean;
  /** Housing found the applicant's home in another area (finding `residence_elsewhere`). */
  residenceElsewhere?: boolean;
  /**
   * The system's recommendation on the step (§2, a points case's score: approve when it reaches
   * the threshold, else the reason to refuse for); null when the step has none.
   */
  recommendation?: { decision: 'approve' | 'reject'; reasonCode?: string; note: string } | null;
}

/**
 * Why an officer of `department` may not refuse this case for `reason`, or undefined when they
 * may: the route's reasons (OFFICER_REASONS), less those the case's facts rule out —
 * - "no legal stable residence" on a collective-household case. Housing finding no own residence
 *   is what put the case on the collective-household variant (§16: a community collective
 *   household for those without own housing), so it cannot also be the refusal. Unless the
 *   applicant owns a home in another area (`residenceElsewhere`): §16 is for those who cannot
 *   register where they actually live, and §1 settles people where their residence is, so the
 *   officer judges whether they live here and may refuse for it.
 * - "material incomplete" before the department has asked for it. Incomplete material is first
 *   asked for, all of it at once (一次性告知, 行政许可法 §32); a request that then lapses is a
 *   withdrawal, so this refusal is for material still incomplete after it was supplied.
 * - §2 on the score: a bad credit record refuses a case only where the points policy in force
 *   disqualifies for it (the system then recommends it), and such a case is refused for it, not
 *   for too few points it does not lack; a score that reaches the threshold is no refusal for too
 *   few points (公平公正: the letter would state the reason and, beside it, the score that
 *   disproves it).
 * A caller that does not know a fact (the API, before it reads the case) leaves it out and the
 * workflow's validator, which knows them, has the last word. The officer's page offers only the
 * reasons this leaves (officerReasons), so an officer never picks one that is then refused.
 */
export function reasonRuledOut(
  route: Route,
  department: Department,
  reason: RejectionReason,
  { collectiveHousehold = false, supplementAsked = true, residenceElsewhere = false, recommendation }: ReasonFacts = {},
): string | undefined {
  if (!OFFICER_REASONS[route][department].includes(reason))
    return `the ${department} department cannot refuse a ${route} case for ${reason}`;
  if (recommendation !== undefined) {
    const disqualified = recommendation?.reasonCode === 'credit_disqualified';
    if (reason === 'credit_disqualified' && !disqualified)
      return 'a bad credit record refuses a case only where the points policy in force disqualifies for it';
    if (reason === 'insufficient_points' && disqualified)
      return `the score reaches the threshold: refuse for the credit record (${recommendation!.note})`;
    if (reason === 'insufficient_points' && recommendation?.decision === 'approve')
      return `the score reaches the threshold (${recommendation.note}): it is no reason to refuse`;
  }
  if (collectiveHousehold && !residenceElsewhere && reason === 'no_legal_residence')
    return `a collective-household case is not refused for ${reason}: having no own residence is what the collective household is for (§16)`;
  if (!supplementAsked && reason === 'incomplete_material')
    return `material is refused as incomplete only after the ${department} department has asked for it (一次性告知): request a supplement listing everything missing`;
  return undefined;
}

/** The reasons an officer of `department` may refuse this case for (reasonRuledOut leaves them). */
export function officerReasons(route: Route, department: Department, facts: ReasonFacts = {}): readonly RejectionReason[] {
  return OFFICER_REASONS[route][department].filter((r) => reasonRuledOut(route, department, r, facts) === undefined);
}

/** May an officer of `department` refuse this `route` case for `reason`? */
export function reasonApplies(route: Route, department: Department, reason: RejectionReason, facts: ReasonFacts = {}): boolean {
  return reasonRuledOut(route, department, reason, facts) === undefined;
}

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
export const WAIT_KINDS = [
  'officer_decision',
  'applicant_supplement',
  'department_system',
  'school_place',
  /** HR's social-insurance transfer after settlement (§25, issue 14). */
  'social_insurance_transfer',
] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];

/** How a case ended without settling; each sends its own notice (a refusal or termination is a numbered decision letter). */
export const CASE_OUTCOMES = ['rejected', 'withdrawn', 'terminated'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];
