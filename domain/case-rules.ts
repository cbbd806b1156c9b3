/**
 * The rules a request must meet before a case acts on it, written once: the workflow's Update
 * validators call them (the authority: they see the case as it is), and the API's request
 * schemas call the parts that need no case (so a client learns of a bad field with a 400 before
 * anything reaches Temporal). Pure: workflow code imports this module.
 */
import type { StepState } from './case-state';
import { reasonRuledOut, type RejectionReason } from './codes';
import { foundResidenceElsewhere } from './check-findings';
import type { Department, Route } from './vocabulary';

/** Longest officer text (rejection reason, missing item) a notice carries (templates/schemas.ts). */
export const NOTICE_TEXT_MAX = 200;
/** Most items one supplement request may list (一次性告知: all of them, at once). */
export const SUPPLEMENT_MAX_ITEMS = 20;
/** Longest officer-internal note on a decision (never shown to the applicant). */
export const INTERNAL_NOTE_MAX = 1000;
/** Longest school name an education officer may give when placing a child elsewhere. */
export const SCHOOL_NAME_MAX = 100;
/** Longest note on a placement (why a child is placed out of the waiting list's turn, say). */
export const PLACEMENT_NOTE_MAX = 500;

export const DECISION_KINDS = ['approve', 'reject', 'request_supplement'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** Officer text that a notice can carry: not blank, at most NOTICE_TEXT_MAX characters. */
export function fitsNotice(text: string | undefined): boolean {
  return text === undefined || (text.trim().length > 0 && text.length <= NOTICE_TEXT_MAX);
}

export interface DecisionDraft {
  decision: DecisionKind;
  reasonCode?: RejectionReason;
  reasonText?: string;
  missing?: string[];
}

export interface FieldProblem {
  field: 'reasonCode' | 'reasonText' | 'missing';
  /** Which rule the field breaks: a front end words it in its own language. */
  rule:
    | 'reason_code_required'
    | 'reason_text_required'
    | 'reason_text_where'
    | 'reason_text_length'
    | 'missing_required'
    | 'missing_too_many'
    | 'land_rights_condition'
    | 'missing_item_length';
  message: string;
}

/**
 * Is the decision complete in itself (no case needed)? Every problem, each naming its field.
 * `lengths: false` leaves out the text limits, for a caller whose schema checks them already.
 */
/** A land right of §20's 三权: contracted land, homestead, collective income distribution. */
const LAND_RIGHT =
  /宅基地|承包地|土地承包|承包经营权|集体收益|集体经济收益|收益分配权|三权|homestead|contract(?:ed)?[ -]?land|collective[ -]?income/i;
/** Giving one up, in the words an officer might write it. */
const GIVING_UP = /退出|放弃|交回|收回|注销|退还|转让|流转|surrender|give up|giving up|relinquish|waive|return/i;

/**
 * §20: giving up land rights (三权) is never a condition of settlement, so an officer may neither
 * ask for proof of it nor refuse for not doing it. Read in the text the applicant would receive.
 */
export function demandsLandRights(text: string | undefined): boolean {
  return text !== undefined && LAND_RIGHT.test(text) && GIVING_UP.test(text);
}

/** What §1 rules out as a ground on the town route, in the words a reason text would use. */
const TOWN_NO_GROUNDS = /犯罪|刑事|前科|违法记录|失信|信用|criminal|conviction|credit/i;

const LAND_RIGHTS_MESSAGE =
  'giving up land rights (contracted land, homestead, collective income: 三权) is never a condition of settlement (§20): do not ask for it or refuse for it';

/**
 * What a decision lacks or breaks on its own fields. `residenceElsewhere` (housing found the
 * applicant's home in another area) is a fact of the case: a caller that has not read the case
 * leaves it out, and the workflow's validator, which has, decides.
 */
export function decisionProblems(
  d: DecisionDraft,
  { lengths = true, residenceElsewhere = false }: { lengths?: boolean; residenceElsewhere?: boolean } = {},
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (d.decision === 'reject' && demandsLandRights(d.reasonText))
    problems.push({ field: 'reasonText', rule: 'land_rights_condition', message: LAND_RIGHTS_MESSAGE });
  if (d.decision === 'request_supplement' && d.missing?.some((m) => demandsLandRights(m)))
    problems.push({ field: 'missing', rule: 'land_rights_condition', message: LAND_RIGHTS_MESSAGE });
  if (d.decision === 'reject') {
    if (!d.reasonCode)
      problems.push({ field: 'reasonCode', rule: 'reason_code_required', message: 'a rejection needs a reason code' });
    if (d.reasonCode === 'other' && !d.reasonText)
      problems.push({
        field: 'reasonText',
        rule: 'reason_text_required',
        message: 'a rejection for "other" reasons needs a reason text',
      });
    // The applicant has a legal stable residence, in another area than the one applied for (§1
    // settles people where their residence is): the standard wording, 无合法稳定住所, would tell
    // them they have none. The letter quotes the officer's text, so it must say where it is.
    if (d.reasonCode === 'no_legal_residence' && residenceElsewhere && !d.reasonText)
      problems.push({
        field: 'reasonText',
        rule: 'reason_text_where',
        message:
          'the applicant’s home is in another area: say so in the reason text (the letter quotes it), not only “no legal stable residence”',
      });
    if (lengths && !fitsNotice(d.reasonText))
      problems.push({
        field: 'reasonText',
        rule: 'reason_text_length',
        message: `the reason text must be 1–${NOTICE_TEXT_MAX} characters`,
      });
  }
  if (d.decision === 'request_supplement') {
    if (!d.missing?.length) problems.push({ field: 'missing', rule: 'missing_required', message: 'list the missing material' });
    else if (!lengths) return problems;
    else if (d.missing.length > SUPPLEMENT_MAX_ITEMS)
      problems.push({
        field: 'missing',
        rule: 'missing_too_many',
        message: `list at most ${SUPPLEMENT_MAX_ITEMS} missing items`,
      });
    else if (!d.missing.every((m) => m !== undefined && fitsNotice(m)))
      problems.push({
        field: 'missing',
        rule: 'missing_item_length',
        message: `each missing item must be 1–${NOTICE_TEXT_MAX} characters`,
      });
  }
  return problems;
}

/**
 * Why an answer does not answer the supplement request (一次性告知 on both sides): every item
 * asked for, each once, and nothing that was not asked for. Names compare as trimmed text.
 */
export function supplementAnswerProblem(missing: readonly string[], answered: readonly string[]): string | undefined {
  const asked = missing.map((m) => m.trim());
  const given = answered.map((a) => a.trim());
  const unknown = given.filter((g) => !asked.includes(g));
  if (unknown.length) return `not asked for: ${unknown.map((u) => `"${u}"`).join(', ')}`;
  const twice = given.filter((g, i) => given.indexOf(g) !== i);
  if (twice.length) return `answered twice: ${[...new Set(twice)].map((t) => `"${t}"`).join(', ')}`;
  const unanswered = asked.filter((a) => !given.includes(a));
  if (unanswered.length) return `no answer for: ${unanswered.map((u) => `"${u}"`).join(', ')}`;
  return undefined;
}

/** Why this step cannot take the decision, given the case's route and the step's state. */
export type StepDecisionProblem =
  | { kind: 'invalid'; message: string }
  /** 一次性告知: the department has used its supplement round(s). */
  | { kind: 'round_used'; message: string };

export function stepDecisionProblem(
  d: DecisionDraft,
  route: Route,
  department: Department,
  step: StepState,
  facts: { collectiveHousehold?: boolean } = {},
): StepDecisionProblem | undefined {
  const complete = decisionProblems(d, { residenceElsewhere: foundResidenceElsewhere(step.check) })[0];
  if (complete) return { kind: 'invalid', message: complete.message };
  if (d.decision === 'approve' && step.recommendation?.decision === 'reject' && step.recommendation.reasonCode) {
    // §2: a score below the threshold cannot be approved; the officer refuses on it.
    return { kind: 'invalid', message: `cannot approve: ${step.recommendation.note}` };
  }
  // §1 全面放开: a criminal or credit record is no refusal on the town route, whatever the code
  // it is given under ("other" with the record as its text included).
  if (route === 'town' && d.decision === 'reject' && TOWN_NO_GROUNDS.test(d.reasonText ?? ''))
    return {
      kind: 'invalid',
      message:
        'a criminal or credit record is no reason to refuse a town settlement (§1 全面放开): only identity, fraud, material or residence',
    };
  // Any reason given must be one the department gives on this case (the API sends decisions
  // without reading the case first, so this is where a reason for another route is caught).
  const ruledOut =
    d.reasonCode === undefined
      ? undefined
      : reasonRuledOut(route, department, d.reasonCode, {
          ...facts,
          supplementAsked: (step.supplementRounds ?? 0) > 0,
          residenceElsewhere: foundResidenceElsewhere(step.check),
          recommendation: step.recommendation ?? null,
        });
  if (ruledOut) return { kind: 'invalid', message: ruledOut };
  if (d.decision === 'request_supplement' && (step.supplementRounds ?? 0) >= (step.supplementRoundsAllowed ?? 1))
    return {
      kind: 'round_used',
      message: `the ${department} department has already asked for material once; a supervisor must authorise another round`,
    };
  return undefined;
}

/**
 * The step statuses in which a step still needs its department: an officer's inbox lists these,
 * and only such a step may be claimed or released.
 */
export const OPEN_STEP_STATUSES = ['checking', 'check_failed', 'awaiting_decision', 'supplement_requested'] as const;
export type OpenStepStatus = (typeof OPEN_STEP_STATUSES)[number];

export function isOpenStep(step: Pick<StepState, 'status'>): boolean {
  return (OPEN_STEP_STATUSES as readonly string[]).includes(step.status);
}

/**
 * HR's step on the points route once its own lookup is done: it stays `checking` until every
 * department's lookup is in and the score is computed (§2), so while another department's lookup
 * keeps failing it would read "being checked" for days. The pages and the views say what it
 * waits for instead; the status itself is the workflow's and does not change.
 */
export function awaitsPointsScore(step: Pick<StepState, 'status' | 'check'>): boolean {
  return step.status === 'checking' && step.check !== undefined;
}

/**
 * Who holds the step, when that is someone other than this officer (issue 10): a held step is
 * decided, and released, only by its holder, until they release it or a supervisor reassigns
 * it. A step nobody holds is open to every officer of its department.
 */
export function heldByOther(step: Pick<StepState, 'assignedOfficer'>, officerId: string): string | undefined {
  return step.assignedOfficer !== undefined && step.assignedOfficer !== officerId ? step.assignedOfficer : undefined;
}

export const SUPERVISOR_ACTIONS = [
  'extend_deadline',
  'reassign',
  'escalate',
  'retry_check',
  /** Undo a failing compensation of this department now, not after the pause (issue 11). */
  'retry_compensation',
  /** Lets the department ask for material once more (一次性告知); needs a reason. */
  'authorise_supplement_round',
] as const;
export type SupervisorAction = (typeof SUPERVISOR_ACTIONS)[number];

export interface SupervisorActionDraft {
  action: SupervisorAction;
  extendByMs?: number;
  /** extend_deadline on the working-day clock (issue 13): that many working days after the current due day. */
  extendByWorkingDays?: number;
  officerId?: string;
  note?: string;
}

/** Is the action complete in itself? Every problem, each naming its field. */
type ActionField = 'extendByMs' | 'extendByWorkingDays' | 'officerId' | 'note';

export function actionProblems(a: SupervisorActionDraft): Array<{ field: ActionField; message: string }> {
  const problems: Array<{ field: ActionField; message: string }> = [];
  const byMs = a.extendByMs !== undefined;
  const byDays = a.extendByWorkingDays !== undefined;
  if (a.action === 'extend_deadline' && byMs === byDays)
    problems.push({
      field: 'extendByMs',
      message: 'give either extendByMs or extendByWorkingDays (not both) to extend a deadline',
    });
  if (a.action === 'extend_deadline' && byMs && !(a.extendByMs! > 0))
    problems.push({ field: 'extendByMs', message: 'extendByMs must be positive' });
  if (a.action === 'extend_deadline' && byDays && !(Number.isInteger(a.extendByWorkingDays) && a.extendByWorkingDays! > 0))
    problems.push({ field: 'extendByWorkingDays', message: 'extendByWorkingDays must be a positive whole number' });
  if (a.action === 'reassign' && !a.officerId) problems.push({ field: 'officerId', message: 'required to reassign' });
  if (a.action === 'authorise_supplement_round' && !a.note?.trim())
    problems.push({ field: 'note', message: 'give the reason for another supplement round' });
  return problems;
}

/** Why the action does not apply to the step as it is now, if it does not. */
export function actionProblemForStep(a: SupervisorActionDraft, department: Department, step: StepState): string | undefined {
  const complete = actionProblems(a)[0];
  if (complete) return complete.message;
  if (a.action === 'extend_deadline') {
    const waiting =
      step.status === 'awaiting_decision'
        ? step.dueAt
        : step.status === 'supplement_requested'
          ? step.supplement?.dueAt
          : undefined;
    if (!waiting) return `the ${department} step has no running deadline`;
  }
  if (a.action === 'retry_check' && step.status !== 'check_failed') return `the ${department} lookup is not failing`;
  if (a.action === 'authorise_supplement_round' && (step.supplementRounds ?? 0) < (step.supplementRoundsAllowed ?? 1))
    return `the ${department} department may still ask once; no authorisation is needed`;
  return undefined;
}

/**
 * The outcome note of a withdrawal the applicant gave no reason for (the workflow records it;
 * recorded histories carry it, so it stays as it is). Pages show the status instead of it.
 */
export const WITHDRAWN_WITHOUT_REASON = 'withdrawn by the applicant';

/** Outcome note of a case whose supplement deadline passed (the workflow ends it as withdrawn, 按撤回处理). */
export const SUPPLEMENT_DEADLINE_PASSED = 'supplement_deadline_passed';
/** Notes the system writes on an ending it makes itself: the pages say them in words (i18n/labels.ts). */
export const SYSTEM_NOTES = [SUPPLEMENT_DEADLINE_PASSED] as const;
export type SystemNote = (typeof SYSTEM_NOTES)[number];
export const isSystemNote = (note: string | undefined): note is SystemNote =>
  (SYSTEM_NOTES as readonly string[]).includes(note ?? '');
