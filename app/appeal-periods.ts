/**
 * The appeal periods a case's decision letter states (its department's, in the authorities in
 * force on the decision's day), for what the applicant reads beside the letter: the case's appeal
 * rights and the delivered letter's deadlines. One answer for the API and the pages.
 */
import { appealPeriodsOf } from '../domain/authorities';
import type { CaseOutcomeInfo } from '../domain/case-state';
import { APPEAL_PERIODS, type AppealPeriods } from '../domain/notice-delivery';
import { allAuthorities } from '../policy/policy-files';
import type { AppDeps } from './deps';

/**
 * Undefined unless the case ended in a decision open to appeal (a refusal, a termination). An
 * authorities folder that cannot be read (its letters fail too, and the worker says so) gives the
 * statutory periods, the least the law gives: the applicant's page still opens.
 */
export function caseAppealPeriods(deps: AppDeps, outcome: CaseOutcomeInfo | undefined): AppealPeriods | undefined {
  if (outcome?.status !== 'rejected' && outcome?.status !== 'terminated') return undefined;
  try {
    return appealPeriodsOf(allAuthorities(deps.config.AUTHORITIES_DIR), outcome);
  } catch {
    return APPEAL_PERIODS;
  }
}
