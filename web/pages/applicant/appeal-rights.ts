/**
 * Where a refusal or termination is challenged: the reconsideration body and the court its
 * decision letter names, with their periods, from the authorities data in force on the decision's
 * day (policy/authorities) — the same facts the letter prints, in the page's language, whatever
 * language the letter went out in.
 */
import type { Request } from 'express';
import type { ApplicantCaseView } from '../../../app/views/case-views';
import { authoritiesAt, decisionLetterFacts, issuingDepartment } from '../../../domain/authorities';
import { allAuthorities } from '../../../policy/policy-files';
import { tr } from '../page';

/** `authoritiesDir`: the folder the letters are read from (AUTHORITIES_DIR); default policy/authorities. */
export function appealRightsText(req: Request, view: ApplicantCaseView, authoritiesDir?: string): string | undefined {
  const outcome = view.outcome;
  if (!outcome?.appealRights) return undefined;
  let facts;
  try {
    // As on disk now (each file parsed again only when it changed): the same facts as the letter.
    facts = decisionLetterFacts(
      authoritiesAt(allAuthorities(authoritiesDir), outcome.at),
      { department: issuingDepartment(outcome), route: view.route, reasons: [] },
      req.locale,
    );
  } catch {
    // A decision older than every authorities file (its letter failed for the same reason): the
    // rights without the names, which the law gives whoever decided.
    return tr(req, 'apAppealRights');
  }
  return tr(req, 'apAppealRightsNamed', {
    body: facts.reconsiderationBody,
    days: facts.reconsiderationDays,
    court: facts.court,
    months: facts.litigationMonths,
  });
}
