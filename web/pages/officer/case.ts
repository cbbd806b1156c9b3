/**
 * One case as the officer's department may see it (issue 10): app/queries/view-case.ts decides
 * what that is (their step in full, the people that step concerns, the others' status only).
 * The page adds who holds the step with claim / release, and the decide form while the step
 * awaits a decision that is theirs to make. A refusal of an action shows here, in words.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { OfficerActor } from '../../../app/actor';
import type { AppDeps } from '../../../app/deps';
import { AppError } from '../../../app/errors';
import { officerNames } from '../../../app/officer-directory';
import { namedOfficer } from '../officer-names';
import { viewCaseAsOfficer } from '../../../app/queries/view-case';
import type { OfficerCaseView } from '../../../app/views/case-views';
import { foundResidenceElsewhere, parseFinding } from '../../../domain/check-findings';
import { DEPARTMENT_TABLE } from '../../../domain/departments';
import { heldByOther, isOpenStep, NOTICE_TEXT_MAX, SUPPLEMENT_MAX_ITEMS, type DecisionKind } from '../../../domain/case-rules';
import { officerReasons, type RejectionReason } from '../../../domain/codes';
import type { Locale } from '../../../domain/vocabulary';
import { label } from '../../../i18n/labels';
import { message, type MessageKey } from '../../../i18n/messages';
import { accessOf, actorOf, render, tr } from '../page';
import { checkResultLines } from './check-details';
import { blankDecisionForm, type DecisionFormValues, type FormError } from './decision-form';
import { scoreDisplay } from '../score-rows';

/** The decide form's choices, as an officer reads them. */
export const DECISION_TEXT: Record<DecisionKind, MessageKey> = {
  approve: 'officerApprove',
  reject: 'officerReject',
  request_supplement: 'officerRequestSupplement',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The case id of a page's URL; anything else is no case (the 404 page). */
export function caseIdOf(req: Request): string {
  const id = req.params.caseId;
  if (typeof id !== 'string' || !UUID.test(id)) throw new AppError('not_found', 'not-found', 'No such case');
  return id;
}

/** What this officer may do with the step now. */
export interface StepActions {
  holder?: string;
  heldByMe: boolean;
  heldByOther?: string;
  canDecide: boolean;
  offered: DecisionKind[];
  reasons: readonly RejectionReason[];
  /** Housing found the applicant's home in another area: a refusal for no residence must say where. */
  residenceElsewhere: boolean;
}

export function stepActions(view: OfficerCaseView, actor: OfficerActor): StepActions {
  const { step } = view;
  const other = heldByOther(step, actor.sub);
  const residenceElsewhere = foundResidenceElsewhere(step.check);
  const reasons = officerReasons(view.route, view.department, {
    collectiveHousehold: view.collectiveHousehold,
    supplementAsked: step.supplementRounds > 0,
    residenceElsewhere,
    // §2: the score's reasons only as the recommendation allows them (the workflow refuses the rest).
    recommendation: step.recommendation ?? null,
  });
  const offered: DecisionKind[] = ['approve'];
  if (reasons.length) offered.push('reject');
  if (step.supplementRounds < step.supplementRoundsAllowed) offered.push('request_supplement');
  return {
    ...(step.assignedOfficer ? { holder: step.assignedOfficer } : {}),
    heldByMe: step.assignedOfficer === actor.sub,
    ...(other ? { heldByOther: other } : {}),
    canDecide: step.status === 'awaiting_decision' && !other,
    offered,
    reasons,
    residenceElsewhere,
  };
}

/**
 * Why the score's recommendation forbids approving (§2: below the threshold, or a bad credit record
 * the policy disqualifies for), from the recommendation's note, and how to decide instead.
 */
export function approvalRefusedText(req: Request, note: string): string {
  return tr(req, CREDIT_NOTE.test(note) ? 'officerRefusedCreditDisqualified' : 'officerRefusedBelowThreshold', {
    score: recommendationNote(note, req.locale).text,
  });
}

/** An action the application layer refused, in the officer's words, and the page status it answers with. */
export function refusalOf(req: Request, err: unknown): { text: string; status: number } {
  if (!(err instanceof AppError) || err.kind === 'not_found') throw err;
  const keys: Record<string, MessageKey> = {
    'step-held-by-other': 'officerRefusedHeld',
    'step-not-held': 'officerRefusedNotHeld',
    'step-not-awaiting-decision': 'officerRefusedNotAwaiting',
    'wrong-department': 'officerRefusedWrongDepartment',
    'supplement-round-used': 'officerRefusedRoundUsed',
    'case-not-open': 'officerRefusedCaseEnded',
    'no-placement-awaited': 'officerRefusedNoPlacement',
    'no-supplement-awaited': 'officerRefusedNoSupplement',
  };
  const key = keys[err.code];
  // §2: approving below the threshold is the one rule an officer meets in ordinary work; its
  // reason is the recommendation's note, recorded in English by the workflow (recommendationNote).
  const belowThreshold = err.code === 'invalid-decision' ? /^cannot approve: (.+)$/.exec(err.message)?.[1] : undefined;
  const text = key
    ? tr(req, key)
    : belowThreshold
      ? approvalRefusedText(req, belowThreshold)
      : tr(req, 'officerRefusedInvalid', { detail: err.message });
  return { text, status: err.kind === 'conflict' ? 409 : err.kind === 'forbidden' ? 403 : 422 };
}

/** The id (and name) of a counter-receipt item's field on the case page. */
export const counterFieldId = (index: number): string => `counter-${index}-reference`;

export interface CasePageExtras {
  form?: DecisionFormValues;
  /** The counter-receipt form as posted: its request id and each item's reference. */
  counter?: { requestId: string; references: string[] };
  errors?: FormError[];
  refusal?: string;
  status?: number;
  /** Focus the decide form (the form shown again from the confirmation's Change). */
  focusDecide?: boolean;
}

/**
 * The system's recommendation note in the reader's words. The workflow records it in English
 * (`score 102 ≥ threshold 70`, department-step.ts), the same in every export; a note it does not
 * know is shown as recorded, marked English.
 */
/** The recommendation's note on a score disqualified by a bad credit record (department-step.ts). */
const CREDIT_NOTE = /^score (\d+) reaches the threshold (\d+), but a bad credit record disqualifies it under (\S+)$/;

export function recommendationNote(note: string, locale: Locale): { text: string; recorded: boolean } {
  let m: RegExpExecArray | null;
  if ((m = /^score (\d+) (?:≥ threshold|is below the threshold) (\d+)$/.exec(note)))
    return { text: message(locale, 'apScoreTotal', { total: m[1]!, threshold: m[2]! }), recorded: false };
  if ((m = CREDIT_NOTE.exec(note)))
    return {
      text: message(locale, 'officerScoreCreditDisqualified', { total: m[1]!, threshold: m[2]!, version: m[3]! }),
      recorded: false,
    };
  if ((m = /^score (\d+) does not qualify under (\S+)$/.exec(note)))
    return { text: message(locale, 'officerScoreNotQualified', { total: m[1]!, version: m[2]! }), recorded: false };
  return { text: note, recorded: true };
}

export async function showCase(deps: AppDeps, req: Request, res: Response, extras: CasePageExtras = {}): Promise<void> {
  const actor = actorOf(req, 'officer');
  const view = await viewCaseAsOfficer(deps, { actor, caseId: caseIdOf(req), access: accessOf(req) });
  const { step } = view;
  const actions = stepActions(view, actor);
  const locale = req.locale;
  const personName = (i: number) => view.persons[i]?.name ?? tr(req, 'officerChildN', { n: i });
  const form = extras.form ?? blankDecisionForm();
  const names = await officerNames(
    deps,
    [actions.holder, actions.heldByOther, step.decision?.by].filter((s) => s !== undefined),
  );
  const holderText = (id: string) => (id === actor.sub ? tr(req, 'officerHeldByYou') : namedOfficer(req, names.get(id), id));

  render(
    req,
    res,
    'officer/case',
    {
      title: tr(req, 'officerCaseTitle', { caseNumber: view.caseNumber }),
      errors: extras.errors,
      refusal: extras.refusal,
      backLink: { href: '/officer/inbox', text: tr(req, 'inboxTitle') },
      c: view,
      // Only the department that finds the children places sees their school levels (data minimisation).
      showSchoolLevels: DEPARTMENT_TABLE[view.department].seesSchoolLevels,
      // HR's recommendation rests on every indicator's points (§2): the lines beside it.
      score: scoreDisplay(req, view.score),
      step,
      open: isOpenStep(step),
      holder: actions.holder ? holderText(actions.holder) : undefined,
      heldByMe: actions.heldByMe,
      heldByOtherText: actions.heldByOther
        ? tr(req, 'officerHeldByOther', { officer: holderText(actions.heldByOther) })
        : undefined,
      canDecide: actions.canDecide,
      findings: (step.check?.findings ?? []).map((f) => {
        const parsed = parseFinding(f);
        if (!parsed) return f;
        const words = label('checkFinding', parsed.code, locale);
        return parsed.personIndex === undefined ? words : `${personName(parsed.personIndex)}${tr(req, 'pColon')}${words}`;
      }),
      checkResults: (step.check?.results ?? []).map((r) => ({
        name: personName(r.personIndex),
        lines: checkResultLines(req, r.result),
      })),
      decision: step.decision ? { ...step.decision, by: holderText(step.decision.by) } : undefined,
      recommendationNote: step.recommendation ? recommendationNote(step.recommendation.note, locale) : undefined,
      placements: view.schoolPlacements?.map((p) => ({
        ...p,
        statusText: label('placementStatus', p.status, locale),
      })),
      // The decide form.
      form,
      focusDecide: extras.focusDecide === true && !extras.errors?.length,
      decisionOptions: actions.offered.map((value, i) => ({
        value,
        id: i === 0 ? 'decision' : `decision-${value}`,
        checked: form.decision === value,
        text: tr(req, DECISION_TEXT[value]),
        hint:
          value === 'reject'
            ? tr(req, 'officerRejectHint')
            : value === 'request_supplement'
              ? tr(req, 'officerSupplementHint')
              : undefined,
      })),
      canReject: actions.offered.includes('reject'),
      // Housing found the home in another area: a refusal for no residence must say where (decisionProblems).
      reasonTextWhere: actions.residenceElsewhere && actions.reasons.includes('no_legal_residence'),
      roundUsed: !actions.offered.includes('request_supplement'),
      reasonOptions: actions.reasons.map((value) => ({ value, selected: value === form.reasonCode })),
      limits: { text: NOTICE_TEXT_MAX, items: SUPPLEMENT_MAX_ITEMS },
      // Material handed in at the counter, recorded while the department awaits it (counter-supplement.ts).
      counter:
        step.status === 'supplement_requested' && step.supplement && !step.supplement.providedAt
          ? {
              requestId: extras.counter?.requestId ?? randomUUID(),
              items: step.supplement.missing.map((name, index) => ({
                index,
                name,
                value: extras.counter?.references[index] ?? '',
                error: extras.errors?.find((e) => e.field === counterFieldId(index))?.text,
              })),
            }
          : undefined,
      fieldErrors: Object.fromEntries((extras.errors ?? []).map((e) => [e.field, e.text])),
    },
    extras.status ?? 200,
  );
}
