/**
 * What each role sees of a case (property-level access): built from the read model and then
 * parsed through the role's schema, which strips anything the schema does not list — so a
 * field added to the read model never leaks by accident. The same views serve every front end;
 * the JSON API also documents them (the schemas' ids are its OpenAPI components).
 */
import { z } from 'zod';
import { Instant } from './instant';
import { CASE_ROUND_STATUSES, type CaseRoundInfo, type CaseState, type StepState } from '../../domain/case-state';
import { maskIdNumber } from '../../domain/masking';
import { APPEAL_PERIODS, type AppealPeriods } from '../../domain/notice-delivery';
import { ANONYMISED } from '../../domain/retention';
import { awaitsPointsScore } from '../../domain/case-rules';
import { DEPARTMENT_TABLE } from '../../domain/departments';
import { Incident, incidentsOf } from './incidents';
import { CASE_STATUSES, DEPARTMENTS, ROUTES, STEP_STATUSES, type Department, peopleOf, personAt } from '../../domain/vocabulary';

const Score = z
  .object({
    policyVersion: z.string(),
    total: z.number(),
    threshold: z.number(),
    passed: z.boolean(),
    disqualifiedBy: z.string().optional(),
    breakdown: z.array(
      z.object({
        indicator: z.string(),
        label: z.object({ 'zh-CN': z.string(), en: z.string() }),
        value: z.union([z.string(), z.number(), z.boolean()]),
        points: z.number(),
        capped: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'ScoreBreakdown', description: 'Points score under the policy version in force at submission (§2)' });

const PublicDecision = z.object({
  kind: z.enum(['approve', 'reject', 'request_supplement']),
  at: Instant,
  reasonCode: z.string().optional(),
  reasonText: z.string().optional(),
  missing: z.array(z.string()).optional(),
});

/** A deadline counted over a year whose working-day calendar is not published yet (weekdays only). */
const DueProvisional = z
  .boolean()
  .optional()
  .describe('true when the deadline was counted over a year without its holiday calendar (weekdays only): it may move');

const Supplement = z.object({
  requestedAt: Instant,
  dueAt: Instant,
  dueProvisional: DueProvisional,
  missing: z.array(z.string()),
  providedAt: Instant.optional(),
  /** What the applicant supplied: names and document references, as given. */
  provided: z.array(z.object({ name: z.string(), reference: z.string() })).optional(),
});

const SchoolPlacementView = z
  .object({
    personIndex: z.number(),
    name: z.string(),
    level: z.string(),
    area: z.string(),
    status: z.enum(['placed', 'waiting', 'cancelled']),
    waitingSince: z.string().optional(),
    position: z.number().optional(),
    dueAt: Instant.optional(),
    dueProvisional: DueProvisional,
    overdue: z.boolean(),
    placedAt: Instant.optional(),
    school: z.string().optional(),
    feeWaiver: z.boolean(),
    examEligible: z.boolean(),
  })
  .meta({
    id: 'SchoolPlacement',
    description:
      'An accompanying child’s kindergarten / school place in the inflow area (§21–23): placed, or waiting on the area’s list (the family settles meanwhile)',
  });

/** Only on HR's points step, `checking` with its own lookup done (domain/case-rules.ts `awaitsPointsScore`). */
const AwaitingScore = z.literal(true).optional().meta({
  description:
    "HR's step on the points route has its own lookup done and waits for the other departments' lookups before the score is computed (§2); its status stays `checking`",
});

const ApplicantStep = z
  .object({
    department: z.enum(DEPARTMENTS),
    status: z.enum(STEP_STATUSES),
    awaitingScore: AwaitingScore,
    dueAt: Instant.optional(),
    dueProvisional: DueProvisional,
    overdue: z.boolean(),
    decision: PublicDecision.optional(),
    supplement: Supplement.optional(),
  })
  .meta({ id: 'ApplicantStepView' });

const Reservation = z.object({
  kind: z.string(),
  name: z.string().optional().meta({ description: 'For a school place: the child it is held for' }),
  status: z.enum(['held', 'released']),
  heldAt: Instant,
  releasedAt: Instant.optional(),
});

const Outcome = z.object({
  status: z.enum(['settled', 'rejected', 'withdrawn', 'terminated']),
  at: Instant,
  reasons: z.array(z.object({ code: z.string(), department: z.enum(DEPARTMENTS), note: z.string().optional() })),
  note: z.string().optional(),
  appealRights: z.string().optional(),
  /** The decision letter's number (文号) of a refusal or termination. */
  documentNumber: z.string().optional(),
});

/** The case's place in the admission rounds (issue 13): the round it waits in or was ranked in, and what that gave it. */
const CaseRound = z
  .object({
    roundId: z.string().optional(),
    status: z.enum(CASE_ROUND_STATUSES),
    opensOn: z.string().optional(),
    closesOn: z.string().optional(),
    rank: z.number().int().optional(),
    cutoff: z.number().optional().meta({ description: "The district's lowest admitted score in the round (分数线)" }),
    noticeEndsAt: Instant.optional().meta({ description: 'End of the public-notice period (公示)' }),
    noticeEndsProvisional: DueProvisional,
  })
  .meta({ id: 'CaseRound', description: 'Points route: the admission round the case waits in or was ranked in' });
const sameRoundShape: [CaseRoundInfo extends z.infer<typeof CaseRound> ? true : never] = [true];
void sameRoundShape;

const PersonView = z.object({ name: z.string(), idNumber: z.string(), relation: z.string(), schoolLevel: z.string().optional() });

const CaseCore = {
  caseId: z.string(),
  caseNumber: z.string(),
  status: z.enum(CASE_STATUSES),
  route: z.enum(ROUTES),
  area: z.string(),
  submittedAt: Instant,
  lastProgressAt: Instant,
  anonymisedAt: Instant.optional().meta({
    description:
      'Set once the case file passed its retention period (README "Retention"): names, ID numbers and contacts then read 已匿名',
  }),
};

export const ApplicantCaseView = z
  .object({
    ...CaseCore,
    policyVersion: z.string().optional(),
    score: Score.optional(),
    collectiveHousehold: z.boolean(),
    persons: z.array(PersonView),
    steps: z.array(ApplicantStep),
    reservations: z.array(Reservation),
    schoolPlacements: z.array(SchoolPlacementView),
    outcome: Outcome.optional(),
    round: CaseRound.optional(),
    /** Earlier rounds that ranked the case without admitting it, oldest first. */
    pastRounds: z.array(CaseRound).optional(),
  })
  .meta({ id: 'ApplicantCaseView' });
export type ApplicantCaseView = z.infer<typeof ApplicantCaseView>;

export const ApplicantCaseSummary = z.object(CaseCore).meta({ id: 'ApplicantCaseSummary' });
export type ApplicantCaseSummary = z.infer<typeof ApplicantCaseSummary>;

const OfficerOwnStep = ApplicantStep.extend({
  /** Who holds the step (their claim, or a supervisor's reassignment) and since when; absent while nobody does. */
  assignedOfficer: z.string().optional(),
  assignedAt: Instant.optional(),
  remindedAt: Instant.optional(),
  escalatedAt: Instant.optional(),
  check: z
    .object({
      at: Instant,
      findings: z.array(z.string()),
      results: z.array(z.object({ personIndex: z.number(), result: z.record(z.string(), z.unknown()).nullable() })),
    })
    .optional(),
  checkFailures: z.number(),
  lastCheckError: z.string().optional(),
  decision: PublicDecision.extend({ by: z.string() }).optional(),
  internalNotes: z.array(z.string()),
  /** 一次性告知: requests made so far and how many this step may make. */
  supplementRounds: z.number(),
  supplementRoundsAllowed: z.number(),
  pastSupplements: z.array(Supplement).optional(),
  /** What the system recommends, and why (HR on the points route: the score, §2). */
  recommendation: z
    .object({ decision: z.enum(['approve', 'reject']), reasonCode: z.string().optional(), note: z.string() })
    .optional(),
}).meta({ id: 'OfficerStepView' });

export const OfficerCaseView = z
  .object({
    ...CaseCore,
    department: z.enum(DEPARTMENTS),
    collectiveHousehold: z.boolean(),
    persons: z.array(PersonView),
    score: Score.optional().meta({
      description: 'HR on the points route only: the points breakdown its recommendation rests on (§2)',
    }),
    step: OfficerOwnStep,
    otherSteps: z.array(
      z.object({ department: z.enum(DEPARTMENTS), status: z.enum(STEP_STATUSES), awaitingScore: AwaitingScore }),
    ),
    /** Education officers only: the children's places and waiting-list positions. */
    schoolPlacements: z.array(SchoolPlacementView).optional(),
    /** Where the case stands in the admission rounds, briefly (the ranking itself is public). */
    round: CaseRound.pick({ roundId: true, status: true, rank: true }).optional(),
  })
  .meta({ id: 'OfficerCaseView' });
export type OfficerCaseView = z.infer<typeof OfficerCaseView>;

export const SupervisorCaseView = z
  .object({
    ...CaseCore,
    applicantUserId: z.string(),
    policyVersion: z.string().optional(),
    score: Score.optional(),
    collectiveHousehold: z.boolean(),
    persons: z.array(PersonView),
    steps: z.array(OfficerOwnStep),
    reservations: z.array(
      Reservation.extend({
        pool: z.string(),
        personIndex: z.number().optional().meta({ description: 'For a school place: the child, by index in the application' }),
      }),
    ),
    schoolPlacements: z.array(SchoolPlacementView),
    outcome: Outcome.optional(),
    failingCompensations: z.array(z.string()),
    /** Failing lookups and compensations, each with its last error and rounds. */
    incidents: z.array(Incident),
    overdue: z.boolean(),
    round: CaseRound.optional(),
    pastRounds: z.array(CaseRound).optional(),
  })
  .meta({ id: 'SupervisorCaseView' });
export type SupervisorCaseView = z.infer<typeof SupervisorCaseView>;

/** The appeal rights of a refusal or termination, over the periods its letter states (default: the statutory ones). */
export function appealRightsText(p: AppealPeriods = APPEAL_PERIODS): string {
  return `You may apply for administrative reconsideration within ${p.reconsiderationDays} days, or bring an administrative lawsuit within ${p.litigationMonths} months, of receiving this decision. / 如不服本决定，可在收到之日起${p.reconsiderationDays}日内申请行政复议，或在${p.litigationMonths}个月内提起行政诉讼。`;
}

const withScoreWait = (s: StepState): StepState & { awaitingScore?: true } =>
  awaitsPointsScore(s) ? { ...s, awaitingScore: true } : s;
const steps = (c: CaseState) => DEPARTMENTS.flatMap((d) => (c.steps[d] ? [withScoreWait(c.steps[d])] : []));
const officerStep = (s: StepState) => ({
  ...withScoreWait(s),
  supplementRounds: s.supplementRounds ?? 0,
  supplementRoundsAllowed: s.supplementRoundsAllowed ?? 1,
});
/** What is held for the case, a school place named by its child (a family may hold several). */
const reservations = (c: CaseState) =>
  c.reservations.map((r) => {
    const person = r.personIndex === undefined ? undefined : personAt(c.application, r.personIndex);
    return { ...r, ...(person ? { name: person.name } : {}) };
  });
const placements = (c: CaseState) =>
  (c.schoolPlacements ?? []).map((p) => ({
    ...p,
    name: personAt(c.application, p.personIndex)?.name ?? '',
  }));
const persons = (c: CaseState, include: (relation: string, i: number) => boolean, mask: boolean, schoolLevels = true) =>
  peopleOf(c.application)
    .map((p, i) => ({ p, i }))
    .filter(({ p, i }) => include(p.relation, i))
    .map(({ p }) => ({
      name: p.name,
      // An anonymised file holds the placeholder itself, which masking would turn into stars.
      idNumber: mask && p.idNumber !== ANONYMISED ? maskIdNumber(p.idNumber) : p.idNumber,
      relation: p.relation,
      ...(schoolLevels ? { schoolLevel: p.schoolLevel } : {}),
    }));

const core = (c: CaseState & { anonymisedAt?: Date | string }) => ({
  caseId: c.caseId,
  caseNumber: c.caseNumber,
  status: c.status,
  route: c.application.route,
  area: c.application.district ?? c.application.town ?? '',
  submittedAt: c.submittedAt,
  lastProgressAt: c.lastProgressAt,
  ...(c.anonymisedAt ? { anonymisedAt: new Date(c.anonymisedAt).toISOString() } : {}),
});

const outcome = (c: CaseState, periods?: AppealPeriods) =>
  c.outcome
    ? {
        ...c.outcome,
        // Refusals and terminations are decisions open to reconsideration and litigation.
        ...(c.outcome.status === 'rejected' || c.outcome.status === 'terminated'
          ? { appealRights: appealRightsText(periods) }
          : {}),
      }
    : undefined;

/** `periods`: the appeal periods the case's decision letter states (app/appeal-periods.ts). */
export function applicantView(c: CaseState, periods?: AppealPeriods): ApplicantCaseView {
  return ApplicantCaseView.parse({
    ...core(c),
    policyVersion: c.policyVersion,
    score: c.score,
    collectiveHousehold: c.collectiveHousehold,
    persons: persons(c, () => true, true),
    steps: steps(c),
    reservations: reservations(c),
    schoolPlacements: placements(c),
    outcome: outcome(c, periods),
    round: c.round,
    pastRounds: c.pastRounds,
  });
}

export function applicantSummary(c: CaseState): ApplicantCaseSummary {
  return ApplicantCaseSummary.parse(core(c));
}

/** The officer's own step alone, exactly as officerView shows it (its `step`). */
export function officerStepView(s: StepState): OfficerCaseView['step'] {
  return OfficerOwnStep.parse(officerStep(s));
}

/** An officer sees their department's step and only the people that step concerns. */
export function officerView(c: CaseState, department: Department): OfficerCaseView {
  const step = c.steps[department]!;
  // Data minimisation, as the department table says: whom its officer sees, and how.
  const { officerSees, fullIdNumbers, seesSchoolLevels, seesScore } = DEPARTMENT_TABLE[department];
  const include = (relation: string, i: number) =>
    officerSees === 'everyone' || i === 0 || (officerSees === 'applicant_and_children' && relation === 'child');
  return OfficerCaseView.parse({
    ...core(c),
    department,
    collectiveHousehold: c.collectiveHousehold,
    // Police verify identities (§8) and need the full numbers; other departments do not.
    persons: persons(c, include, !fullIdNumbers, seesSchoolLevels),
    ...(seesScore && c.score ? { score: c.score } : {}),
    step: officerStep(step),
    otherSteps: steps(c)
      .filter((s) => s.department !== department)
      .map((s) => ({ department: s.department, status: s.status, awaitingScore: s.awaitingScore })),
    ...(department === 'education' ? { schoolPlacements: placements(c) } : {}),
    round: c.round,
  });
}

export function supervisorView(c: CaseState & { overdue?: boolean }, periods?: AppealPeriods): SupervisorCaseView {
  return SupervisorCaseView.parse({
    ...core(c),
    applicantUserId: c.applicantUserId,
    policyVersion: c.policyVersion,
    score: c.score,
    collectiveHousehold: c.collectiveHousehold,
    persons: persons(c, () => true, true),
    steps: steps(c).map(officerStep),
    reservations: reservations(c),
    schoolPlacements: placements(c),
    outcome: outcome(c, periods),
    failingCompensations: c.failingCompensations,
    incidents: incidentsOf(c),
    overdue: c.overdue ?? steps(c).some((s) => s.overdue),
    round: c.round,
    pastRounds: c.pastRounds,
  });
}
