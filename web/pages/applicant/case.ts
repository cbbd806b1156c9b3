/**
 * One case as its applicant sees it (DOMAIN "Case lifecycle"): where each department stands and
 * by when, the points breakdown (§2), what is reserved, the children's school places (§21–23),
 * the outcome with appeal rights, the timeline and the notices received (applicant/notices.ts);
 * the supplement answer (补正) and the withdrawal. Another person's case is "not found" (the application layer says so).
 */
import { isSystemNote, WITHDRAWN_WITHOUT_REASON } from '../../../domain/case-rules';
import type { Request, Response, Router } from 'express';
import { SupplementInput, WithdrawInput } from '../../../app/commands/application-input';
import { provideSupplement } from '../../../app/commands/provide-supplement';
import { withdrawCase } from '../../../app/commands/withdraw-case';
import { AppError } from '../../../app/errors';
import { awaitCaseStatusInReadModel } from '../../../app/step-in-read-model';
import type { AppDeps } from '../../../app/deps';
import { applicantNotices } from '../../../app/queries/applicant-notices';
import { caseTimeline } from '../../../app/queries/audit-trail';
import { viewCaseAsApplicant } from '../../../app/queries/view-case';
import type { ApplicantCaseView } from '../../../app/views/case-views';
import { DEPARTMENTS, isAreaCode, TERMINAL_STATUSES, type Department } from '../../../domain/vocabulary';
import { CITY_REASONS, type RejectionReason } from '../../../domain/codes';
import { label } from '../../../i18n/labels';
import { localOffice } from '../../../i18n/local-office';
import { formatIsoDay } from '../../../i18n/formats';
import { actorOf, flashAndRedirect, render, showMessage, tr } from '../page';
import { isCaseId } from './case-id';
import { field, FieldErrors, newRequestId, requestIdOf, type FormBody } from './form';
import { appealText, noticeLines } from './notices';
import { appealRightsText } from './appeal-rights';
import { words } from './words';
import { auditWhat } from '../audit-what';
import { scoreDisplay } from '../score-rows';
import { isMessageKey } from '../../../i18n/messages';
import { timelineChild } from './timeline-child';
import { allPointsPolicies } from '../../../policy/policy-files';

const isDepartment = (v: unknown): v is Department => (DEPARTMENTS as readonly unknown[]).includes(v);
const referenceId = (department: string, i: number) => `supplement-${department}-${i}-reference`;

interface SupplementAttempt {
  department: Department;
  references: string[];
  errors: FieldErrors;
}

/** Each department's line on the page (exported for the page tests). */
/**
 * The office that handles a step for this case, as the letters name it (雁塔区人社局, 周至县公安局):
 * the officers deciding it act for the case's area. What the city itself found or ran (a round,
 * its objections, a capacity used up: CITY_REASONS) names the city department instead, which
 * signs the decision letter.
 */
function officeText(req: Request, department: string, area: string): string {
  return isAreaCode(area) && isDepartment(department)
    ? localOffice(department, area, req.locale)
    : words(req, 'department', department);
}

/**
 * The office a refusal's reason names: the one that decided, as the step list and the timeline name
 * it (碑林区人社局, not 市人社局); for a finding of the city's (an upheld objection to its ranking, a
 * capacity used up), the city department, as the decision letter names it.
 */
export function reasonOffice(req: Request, reason: { code: string; department: string }, area: string): string {
  return CITY_REASONS.includes(reason.code as RejectionReason)
    ? words(req, 'department', reason.department)
    : officeText(req, reason.department, area);
}

export function stepsOf(req: Request, view: ApplicantCaseView, attempt?: SupplementAttempt) {
  return view.steps.map((s) => {
    const sup = s.supplement;
    const awaiting = s.status === 'supplement_requested' && sup !== undefined && !sup.providedAt;
    const mine = attempt?.department === s.department ? attempt : undefined;
    const byField = mine?.errors.byField() ?? {};
    // While material is awaited, the step's date is the applicant's deadline, not the officer's.
    const shown = ['approved', 'rejected', 'not_required', 'cancelled'].includes(s.status)
      ? undefined
      : awaiting
        ? { dueAt: sup.dueAt, provisional: sup.dueProvisional }
        : { dueAt: s.dueAt, provisional: s.dueProvisional };
    return {
      department: s.department,
      departmentText: officeText(req, s.department, view.area),
      status: s.status,
      awaitingScore: s.awaitingScore,
      tag:
        s.status === 'approved' ? 'green' : s.status === 'rejected' ? 'red' : s.status === 'supplement_requested' ? 'yellow' : '',
      dueAt: shown?.dueAt,
      // The date is the applicant's own deadline then, not when the department will be done.
      dueIsYours: awaiting,
      dueProvisional: shown?.provisional === true,
      overdue: s.overdue,
      reason: s.decision?.kind === 'reject' ? words(req, 'rejectionReason', s.decision.reasonCode) : undefined,
      reasonText: s.decision?.kind === 'reject' ? s.decision.reasonText : undefined,
      supplementProvidedAt: sup?.providedAt,
      supplement: awaiting
        ? {
            dueAt: sup.dueAt,
            dueProvisional: sup.dueProvisional === true,
            requestId: newRequestId(),
            // The officer writes the list in their own words (Chinese): an English page says so.
            asWritten: req.locale !== 'zh-CN' && sup.missing.some((item) => /\p{Script=Han}/u.test(item)),
            items: sup.missing.map((item, i) => ({
              item,
              id: referenceId(s.department, i),
              value: mine?.references[i] ?? '',
              error: byField[referenceId(s.department, i)],
            })),
          }
        : undefined,
    };
  });
}

/** A calendar day (YYYY-MM-DD) as the page writes days: 2026年12月4日. */
const dayText = (req: Request, ymd: string): string => formatIsoDay(ymd, req.locale);

/**
 * An ending's note as the applicant reads it (exported for the page tests). The workflow's note for
 * a withdrawal without a reason is for the record: the status says it. A note the system wrote (a
 * lapsed supplement) is said in words; an officer's or supervisor's as written.
 */
export function outcomeNoteText(req: Request, note: string | undefined): string | undefined {
  if (note === WITHDRAWN_WITHOUT_REASON) return undefined;
  return isSystemNote(note) ? words(req, 'systemNote', note) : note;
}

/**
 * The page names a points policy version by the day it took effect, read as on disk (each file
 * parsed again only when it changed), so a version added while the API runs reads as the letter does.
 */
function policyText(req: Request, version: string | undefined, pointsDir: string | undefined): string | undefined {
  if (!version) return undefined;
  const from = allPointsPolicies(pointsDir).find((p) => p.version === version)?.effectiveFrom;
  if (!from) return version;
  return tr(req, 'apPolicyInForceFrom', { day: dayText(req, from) });
}

async function showCase(req: Request, res: Response, deps: AppDeps, caseId: string, attempt?: SupplementAttempt) {
  const actor = actorOf(req, 'applicant');
  const view = await viewCaseAsApplicant(deps, { actor, caseId });
  const [timeline, notices] = await Promise.all([
    caseTimeline(deps, { actor, caseId }),
    applicantNotices(deps, { actor, caseId }),
  ]);
  const locale = req.locale;
  const steps = stepsOf(req, view, attempt);
  render(
    req,
    res,
    'applicant/case',
    {
      title: tr(req, 'apCaseTitle', { caseNumber: view.caseNumber }),
      backLink: { href: '/applicant/cases', text: tr(req, 'myCasesTitle') },
      errors: attempt?.errors.list,
      view,
      policy: policyText(req, view.policyVersion, deps.config.POINTS_DIR),
      ended: TERMINAL_STATUSES.includes(view.status),
      persons: view.persons.map((p) => ({
        ...p,
        relationText: words(req, 'relation', p.relation),
        schoolText: words(req, 'schoolLevel', p.schoolLevel),
      })),
      steps,
      // Said once under the list, not after every date it concerns.
      anyDueProvisional: steps.some((s) => s.dueProvisional),
      owed: steps.flatMap((s) =>
        s.supplement
          ? [
              {
                department: s.department,
                departmentText: s.departmentText,
                dueAt: s.supplement.dueAt,
                provisional: s.supplement.dueProvisional,
              },
            ]
          : [],
      ),
      score: scoreDisplay(req, view.score),
      reservations: view.reservations.map((r) => ({
        ...r,
        kindText: words(req, 'reservationKind', r.kind),
        held: r.status === 'held',
        // Once settled, what was held for the case is the family's: no longer "reserved".
        used: r.status === 'held' && view.status === 'settled',
      })),
      // Ended without settling: a place still held is on its way back (compensation), not pending.
      endedUnsettled: view.status !== 'settled' && TERMINAL_STATUSES.includes(view.status),
      schoolPlacements: view.schoolPlacements.map((p) => ({
        ...p,
        levelText: words(req, 'schoolLevel', p.level),
        areaText: words(req, 'area', p.area),
        waiting: p.status === 'waiting',
        placed: p.status === 'placed',
      })),
      anyPlacementDueProvisional: view.schoolPlacements.some((p) => p.status === 'waiting' && p.dueProvisional),
      outcome: view.outcome && {
        ...view.outcome,
        note: outcomeNoteText(req, view.outcome.note),
        reasons: view.outcome.reasons.map((r) => ({
          text: words(req, 'rejectionReason', r.code),
          department: reasonOffice(req, r, view.area),
          note: r.note,
        })),
      },
      timeline: timeline.flatMap((e) => {
        // A request for material is said by its own line ("more material requested") right after.
        if (e.type === 'decision' && e.what === 'request_supplement') return [];
        // The one decision of no department is the case's own, once every department approved.
        const key = e.type === 'decision' && !e.department ? 'apEvent_all_approved' : `apEvent_${e.type}`;
        const kind = tr(req, isMessageKey(key) ? key : 'apEvent_other');
        // What was decided, reserved, registered or released, in words (as on the supervisor's page).
        // The points computed, with their total (no department: the system computes them).
        const what =
          (e.department && ['decision', 'commit', 'compensation', 'admission_round'].includes(e.type)) ||
          e.type === 'score_computed'
            ? auditWhat(e, locale)
            : undefined;
        const childName = timelineChild(e, view.schoolPlacements);
        const detail = what && !what.recorded && what.text ? what.text : childName;
        const kindThenDetail = e.type === 'decision' || e.type === 'score_computed' || childName !== undefined;
        return {
          at: e.at,
          text: detail ? (kindThenDetail ? `${kind}${tr(req, 'pColon')}${detail}` : detail) : kind,
          // A round's lines are the city's (its ranking, its objections), not the area office's.
          department: e.department
            ? e.type === 'admission_round'
              ? words(req, 'department', e.department)
              : officeText(req, e.department, view.area)
            : undefined,
          // A refusal's reason in words (the trail keeps its code); an approval's note is for staff.
          why: e.type === 'decision' && e.what === 'reject' ? words(req, 'rejectionReason', e.why) || undefined : undefined,
        };
      }),
      notices: noticeLines(req, view.caseId, notices),
      // Where and by when to challenge a refusal or termination, naming the bodies as the letter does.
      appealRights: appealRightsText(req, view, deps.config.AUTHORITIES_DIR),
      // The appeal periods run from receipt (issue 14): dated once the decision letter was delivered.
      appeal: appealText(req, notices),
    },
    attempt ? 400 : 200,
  );
}

export function casePages(router: Router, deps: AppDeps): void {
  router.get('/applicant/cases/:caseId', async (req, res, next) => {
    if (!isCaseId(req.params.caseId)) return next();
    await showCase(req, res, deps, req.params.caseId);
  });

  router.post('/applicant/cases/:caseId/supplement/:department', async (req, res, next) => {
    const { caseId, department } = req.params;
    if (!isCaseId(caseId) || !isDepartment(department)) return next();
    const actor = actorOf(req, 'applicant');
    const body = req.body as FormBody | undefined;
    const view = await viewCaseAsApplicant(deps, { actor, caseId });
    const missing = view.steps.find((s) => s.department === department)?.supplement?.missing ?? [];
    // A department that never asked this case for material has no form to answer: not found, like
    // an unknown department (a form whose fields are not on the page could name none of them).
    if (missing.length === 0) return next();
    const step = view.steps.find((s) => s.department === department)!;
    const awaited = step.status === 'supplement_requested' && !step.supplement?.providedAt;
    const references = missing.map((_, i) => field(body, referenceId(department, i)));
    // Every item asked for gets an answer (一次性告知 on both sides): a blank one is named.
    const errors = new FieldErrors(req);
    references.forEach((r, i) => {
      if (!r) errors.add(referenceId(department, i), 'apErrReference', { item: missing[i] });
    });
    const parsed = SupplementInput.safeParse({
      department,
      items: missing.map((name, i) => ({ name, reference: references[i] })),
    });
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const i = typeof issue.path[1] === 'number' ? issue.path[1] : 0;
        errors.add(referenceId(department, i), 'apErrReference', { item: missing[i] ?? '' });
      }
    if (errors.any || !parsed.success) {
      // Answered already (or the step moved on): the page has no form to point into any more.
      if (!awaited) return notAwaited(req, res, caseId);
      return showCase(req, res, deps, caseId, { department, references, errors });
    }
    try {
      await provideSupplement(deps, { actor, caseId, requestId: requestIdOf(body), ...parsed.data });
    } catch (err) {
      // Sent meanwhile from another tab (or the case ended): said in words, with the way back.
      if (err instanceof AppError && (err.code === 'no-supplement-awaited' || err.code === 'case-not-open'))
        return notAwaited(req, res, caseId);
      throw err;
    }
    await flashAndRedirect(
      req,
      res,
      tr(req, 'apSupplementThanks', { department: officeText(req, department, view.area) }),
      `/applicant/cases/${caseId}`,
    );
  });

  const notAwaited = (req: Request, res: Response, caseId: string) =>
    showMessage(req, res, 409, 'conflictTitle', ['apSupplementNotAwaited'], {
      href: `/applicant/cases/${caseId}`,
      key: 'apBackToCase',
    });

  /** `refused`: the case refused a withdrawal as ended, which the read model may not show yet. */
  const showWithdraw = async (req: Request, res: Response, caseId: string, note = '', errors?: FieldErrors, refused = false) => {
    const view = await viewCaseAsApplicant(deps, { actor: actorOf(req, 'applicant'), caseId });
    const shownEnded = TERMINAL_STATUSES.includes(view.status);
    const ended = shownEnded || refused;
    // An ended case has no withdrawal form to point into: the page says it cannot be withdrawn (409).
    if (ended && errors?.any) errors = undefined;
    render(
      req,
      res,
      'applicant/withdraw',
      {
        title: tr(req, 'apWithdrawTitle'),
        backLink: { href: `/applicant/cases/${caseId}`, text: tr(req, 'apBackToCase') },
        errors: errors?.list,
        fieldErrors: errors?.byField() ?? {},
        caseId,
        caseNumber: view.caseNumber,
        ended,
        // Withdrawn (perhaps a moment ago, in another tab) is said as such, not as "ended".
        endedText: !ended
          ? undefined
          : view.status === 'withdrawn'
            ? tr(req, 'apAlreadyWithdrawn')
            : shownEnded
              ? tr(req, 'apNotWithdrawable', { status: label('caseStatus', view.status, req.locale) })
              : tr(req, 'refusedApplicationEnded'),
        note,
        requestId: newRequestId(),
      },
      errors?.any ? 400 : ended && req.method === 'POST' ? 409 : 200,
    );
  };

  router.get('/applicant/cases/:caseId/withdraw', async (req, res, next) => {
    if (!isCaseId(req.params.caseId)) return next();
    await showWithdraw(req, res, req.params.caseId);
  });

  router.post('/applicant/cases/:caseId/withdraw', async (req, res, next) => {
    const { caseId } = req.params;
    if (!isCaseId(caseId)) return next();
    const body = req.body as FormBody | undefined;
    const note = field(body, 'note');
    const parsed = WithdrawInput.safeParse(note ? { note } : {});
    if (!parsed.success) {
      const errors = new FieldErrors(req);
      errors.add('note', note.trim().length > 500 ? 'apErrNoteTooLong' : 'apErrNoteReserved');
      return showWithdraw(req, res, caseId, note, errors);
    }
    let status;
    try {
      ({ status } = await withdrawCase(deps, {
        actor: actorOf(req, 'applicant'),
        caseId,
        requestId: requestIdOf(body),
        ...parsed.data,
      }));
    } catch (err) {
      // Ended meanwhile (withdrawn from another tab, decided): the page says how it ended (409).
      if (err instanceof AppError && err.code === 'case-not-open') return showWithdraw(req, res, caseId, '', undefined, true);
      throw err;
    }
    // The page after it is drawn from the read model: shown withdrawn, not as it was a moment before.
    await awaitCaseStatusInReadModel(deps, caseId, status).catch(() => false);
    await flashAndRedirect(req, res, tr(req, 'apWithdrawn'), `/applicant/cases/${caseId}`);
  });
}
