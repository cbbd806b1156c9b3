/**
 * Builds the data of each notice from the case state: minimised (masked ID numbers, names only
 * where the notice needs them). Pure, so the workflow can call it.
 */
import { issuingDepartment } from '../../domain/authorities';
import type { CaseOutcomeInfo, CaseRoundInfo, CaseState, Reservation, SchoolPlacement } from '../../domain/case-state';
import { maskIdNumber } from '../../domain/masking';
import { SUPPLEMENT_DEADLINE_PASSED } from '../../domain/case-rules';
import type { Department, District, Town } from '../../domain/vocabulary';
import type { NoticeRequest } from '../../domain/notice-request';
import { peopleOf, personAt } from '../../domain/vocabulary';

type Area = District | Town;
const areaOf = (s: CaseState): Area => (s.application.district ?? s.application.town) as Area;
const districtOf = (s: CaseState): District => s.application.district as District;
const applicantName = (s: CaseState): string => s.application.applicant.name;

export function caseReceived(s: CaseState, departments: Department[]): NoticeRequest<'case_received'> {
  return {
    event: 'case_received',
    key: 'case',
    to: { kind: 'applicant' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: applicantName(s),
      idNumber: maskIdNumber(s.application.applicant.idNumber),
      route: s.application.route,
      area: areaOf(s),
      submittedAt: s.submittedAt,
      departments,
    },
  };
}

export function supplementRequested(
  s: CaseState,
  department: Department,
  items: string[],
  deadline: string,
  round: number,
  deadlineProvisional = false,
): NoticeRequest<'supplement_requested'> {
  return {
    event: 'supplement_requested',
    key: `${department}:${round}`,
    to: { kind: 'applicant' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: applicantName(s),
      department,
      items,
      deadline,
      ...(deadlineProvisional ? { deadlineProvisional } : {}),
      // Where the counter is: the department's, in the case's own town or district.
      area: areaOf(s),
    },
  };
}

/**
 * Keyed by the deadline too: a deadline a supervisor extends gets its own reminder. `extended`:
 * the supervisor's extension itself, said at once and naming the new deadline (keyed apart from
 * the reminder that still comes before it).
 */
export function supplementReminder(
  s: CaseState,
  department: Department,
  items: string[],
  deadline: string,
  round: number,
  deadlineProvisional = false,
  extended = false,
): NoticeRequest<'supplement_reminder'> {
  // The request's facts, said again (a provisional deadline stays marked as one).
  const data = supplementRequested(s, department, items, deadline, round, deadlineProvisional).data;
  return {
    event: 'supplement_reminder',
    key: `${department}:${round}:${extended ? 'extended:' : ''}${deadline}`,
    to: { kind: 'applicant' },
    data: extended ? { ...data, extended: true } : data,
  };
}

export function officerReminder(
  s: CaseState,
  department: Department,
  dueAt: string,
  round: number | string,
  /** dueAt was counted into a year without its holiday calendar: the officer is told it may move. */
  dueProvisional = false,
): NoticeRequest<'officer_reminder'> {
  return {
    event: 'officer_reminder',
    key: `${department}:${round}`,
    to: { kind: 'department', department },
    data: { caseNumber: s.caseNumber, recipientName: '经办人', department, dueAt, ...(dueProvisional ? { dueProvisional } : {}) },
  };
}

export function escalation(
  s: CaseState,
  department: Department,
  overdueSince: string,
  waitingOn: 'officer_decision' | 'applicant_supplement' | 'department_system' | 'school_place' | 'social_insurance_transfer',
  key: string,
  /** A supervisor escalated it by hand, with this reason: the letter says so, not "overdue". */
  manual?: { reason: string },
): NoticeRequest<'escalation'> {
  return {
    event: 'escalation',
    key: `${department}:${key}`,
    to: { kind: 'supervisors' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: '督办',
      department,
      overdueSince,
      waitingOn,
      ...(manual ? { manual: true as const, reason: manual.reason } : {}),
    },
  };
}

export function settled(s: CaseState, settledAt: string): NoticeRequest<'settled'> {
  const family = s.application.family;
  const housing = s.steps.housing?.check?.results[0]?.result;
  const ownsHome = housing?.department === 'housing' && housing.residence === 'owned';
  return {
    event: 'settled',
    key: 'case',
    to: { kind: 'applicant' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: applicantName(s),
      idNumber: maskIdNumber(s.application.applicant.idNumber),
      route: s.application.route,
      area: areaOf(s),
      settledAt,
      collectiveHousehold: s.collectiveHousehold,
      familyMembers: family.map((p) => ({ name: p.name, idNumber: maskIdNumber(p.idNumber), relation: p.relation })),
      children: (s.schoolPlacements ?? []).map((p) => childPlace(s, p)),
      childWaiting: (s.schoolPlacements ?? []).some((p) => p.status === 'waiting'),
      // §28: settled families without a home of their own come under housing security like residents
      // (the letter says they may apply where they meet its conditions, not that they do).
      housingSecurityEligible: !ownsHome,
      socialInsuranceTransferStarted: s.socialInsuranceTransfer !== undefined,
    },
  };
}

/**
 * What a decision letter (rejection or termination) says about the case; the renderer adds the
 * authority, legal basis and appeal bodies from policy/authorities for `decidedAt`. The points
 * policy version is the one the case was judged under (§2).
 */
function decisionLetter(s: CaseState, outcome: CaseOutcomeInfo, documentNumber: string | undefined) {
  return {
    caseNumber: s.caseNumber,
    recipientName: applicantName(s),
    idNumber: maskIdNumber(s.application.applicant.idNumber),
    decidedAt: outcome.at,
    // The schema refuses a letter without its number: it must not go out unnumbered.
    documentNumber: documentNumber ?? '',
    issuingDepartment: issuingDepartment(outcome),
    route: s.application.route,
    ...(s.application.route === 'points' && s.policyVersion ? { policyVersion: s.policyVersion } : {}),
  };
}

/**
 * 不予落户决定书. `documentNumber` comes from issueDecisionNumber(decisionNumberRequest(caseId,
 * outcome)); when omitted, `outcome.documentNumber` is used.
 */
export function rejected(
  s: CaseState,
  outcome: CaseOutcomeInfo,
  documentNumber = outcome.documentNumber,
): NoticeRequest<'rejected'> {
  return {
    event: 'rejected',
    key: 'case',
    to: { kind: 'applicant' },
    data: {
      ...decisionLetter(s, outcome, documentNumber),
      reasons: outcome.reasons.map((r) =>
        r.note ? { code: r.code, department: r.department, note: r.note } : { code: r.code, department: r.department },
      ),
      // §2: refused for too few points, the letter says how many against the line.
      ...(s.score && outcome.reasons.some((r) => r.code === 'insufficient_points')
        ? { score: { total: s.score.total, threshold: s.score.threshold } }
        : {}),
    },
  };
}

/** 终止办理决定书 after a supervisor's termination, with the same appeal rights as a rejection. */
export function terminated(
  s: CaseState,
  outcome: CaseOutcomeInfo,
  documentNumber = outcome.documentNumber,
): NoticeRequest<'terminated'> {
  return {
    event: 'terminated',
    key: 'case',
    to: { kind: 'applicant' },
    data: {
      ...decisionLetter(s, outcome, documentNumber),
      ...(outcome.note ? { reason: outcome.note } : {}),
    },
  };
}

export { SUPPLEMENT_DEADLINE_PASSED };

/**
 * Withdrawn by the applicant, or lapsed because a supplement deadline passed (read from
 * `s.outcome`, which the workflow sets before it notifies): the two must never read alike.
 */
export function withdrawn(s: CaseState, at: string): NoticeRequest<'withdrawn'> {
  const lapsed = s.outcome?.note === SUPPLEMENT_DEADLINE_PASSED;
  const missed = lapsed ? missedSupplement(s, at) : undefined;
  return {
    event: 'withdrawn',
    key: 'case',
    to: { kind: 'applicant' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: applicantName(s),
      withdrawnAt: at,
      lapsed,
      ...(missed ? { missedSupplement: missed } : {}),
      area: areaOf(s),
    },
  };
}

/** The supplement request still unanswered when the case lapsed: the earliest deadline passed by `at`. */
function missedSupplement(s: CaseState, at: string): { department: Department; deadline: string } | undefined {
  const open = Object.values(s.steps)
    .filter((st) => st.supplement !== undefined && st.supplement.providedAt === undefined && st.supplement.dueAt <= at)
    .map((st) => ({ department: st.department, deadline: st.supplement!.dueAt }))
    .sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline));
  return open[0];
}

export function reservationsReleased(
  s: CaseState,
  released: Reservation[],
  outcome: 'rejected' | 'withdrawn' | 'terminated',
  at: string,
): NoticeRequest<'reservations_released'> {
  const people = peopleOf(s.application);
  // Names, not pool keys (`school:zhouzhi:kindergarten`): the area is the case's, the school
  // level the child's.
  return {
    event: 'reservations_released',
    key: 'case',
    to: { kind: 'applicant' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: applicantName(s),
      releasedAt: at,
      caseOutcome: outcome,
      area: areaOf(s),
      released: released.map((r) => {
        const person = r.personIndex !== undefined ? people[r.personIndex] : undefined;
        return {
          kind: r.kind,
          ...(person ? { personName: person.name } : {}),
          ...(r.kind === 'school_place' && person?.schoolLevel ? { schoolLevel: person.schoolLevel } : {}),
        };
      }),
    },
  };
}

/** A child's place as a notice shows it: names and labels, never pool keys. */
function childPlace(s: CaseState, p: SchoolPlacement) {
  const child = personAt(s.application, p.personIndex)!;
  return {
    name: child.name,
    schoolLevel: p.level,
    area: p.area as Area,
    waiting: p.status === 'waiting',
    ...(p.position !== undefined && p.status === 'waiting' ? { position: p.position } : {}),
    // By when education must place a waiting child: the letter says so, as the case page does.
    ...(p.status === 'waiting' && p.dueAt ? { dueAt: p.dueAt } : {}),
    ...(p.school ? { school: p.school } : {}),
    feeWaiver: p.feeWaiver,
    examEligible: p.examEligible,
  };
}

/**
 * A child joined the area's waiting list (§21–23): the family learns it that day, with the
 * deadline, not from the case page or (for a points case, weeks later) the settled letter.
 */
export function schoolPlaceWaiting(s: CaseState, p: SchoolPlacement): NoticeRequest<'school_place_waiting'> {
  return {
    event: 'school_place_waiting',
    key: `child-${p.personIndex}`,
    to: { kind: 'applicant' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: applicantName(s),
      child: { ...childPlace(s, p), waiting: true, dueAt: p.dueAt! },
      ...(p.dueProvisional ? { dueProvisional: true } : {}),
      listedAt: p.waitingSince!,
    },
  };
}

/** A waiting child has a place (§21–23): from the area's list, or at a school an officer assigned. */
export function schoolPlaceConfirmed(s: CaseState, p: SchoolPlacement): NoticeRequest<'school_place_confirmed'> {
  return {
    event: 'school_place_confirmed',
    key: `child-${p.personIndex}`,
    to: { kind: 'applicant' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: applicantName(s),
      child: childPlace(s, p),
      confirmedAt: p.placedAt!,
    },
  };
}

/** What both round notices say of the case and its round: who, where, which round, rank, score, cut-off. */
function roundFacts(s: CaseState, round: CaseRoundInfo) {
  return {
    caseNumber: s.caseNumber,
    recipientName: applicantName(s),
    idNumber: maskIdNumber(s.application.applicant.idNumber),
    area: districtOf(s),
    roundId: round.roundId!,
    rank: round.rank!,
    score: s.score!.total,
    ...(round.cutoff !== undefined ? { cutoff: round.cutoff } : {}),
  };
}

/** Every department approved the points case (issue 13): it joined its district's round, ranked once it closes. */
export function roundJoined(s: CaseState, round: CaseRoundInfo): NoticeRequest<'round_joined'> {
  return {
    event: 'round_joined',
    key: `${round.roundId}`,
    to: { kind: 'applicant' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: applicantName(s),
      idNumber: maskIdNumber(s.application.applicant.idNumber),
      area: districtOf(s),
      roundId: round.roundId!,
      score: s.score!.total,
      closesOn: round.closesOn!,
    },
  };
}

/** The round closed (issue 13): the case's rank, admitted provisionally for the public notice or not. */
export function roundRanked(s: CaseState, round: CaseRoundInfo): NoticeRequest<'round_ranked'> {
  return {
    event: 'round_ranked',
    // Keyed by status too: admitted later by an upheld objection is a second, different notice.
    key: `${round.roundId}:${round.status}`,
    to: { kind: 'applicant' },
    data: {
      ...roundFacts(s, round),
      admitted: round.status === 'admitted_provisionally',
      noticeEndsAt: round.noticeEndsAt!,
      // Said in the notice as on the round's page: a provisional end may move.
      ...(round.noticeEndsProvisional ? { noticeEndsProvisional: true } : {}),
    },
  };
}

/** The round is final: admitted, or not and the round the case joined next (if one is announced). */
export function roundResult(s: CaseState, round: CaseRoundInfo, next: CaseRoundInfo | undefined): NoticeRequest<'round_result'> {
  return {
    event: 'round_result',
    key: `${round.roundId}`,
    to: { kind: 'applicant' },
    data: {
      ...roundFacts(s, round),
      admitted: round.status === 'admitted',
      ...(next?.roundId ? { nextRound: { roundId: next.roundId, opensOn: next.opensOn!, closesOn: next.closesOn! } } : {}),
    },
  };
}

/** HR completed the settled applicant's social-insurance transfer (§25, issue 14): the follow-up notice. */
export function socialInsuranceTransferred(s: CaseState, transferredAt: string): NoticeRequest<'social_insurance_transferred'> {
  return {
    event: 'social_insurance_transferred',
    key: 'case',
    to: { kind: 'applicant' },
    data: {
      caseNumber: s.caseNumber,
      recipientName: applicantName(s),
      route: s.application.route,
      area: areaOf(s),
      transferredAt,
    },
  };
}
