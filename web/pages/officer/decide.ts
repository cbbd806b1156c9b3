/**
 * Deciding a step from the workbench (issue 10): the case page's form posts here; a complete
 * decision gets a confirmation page (what will happen, Confirm / Change, the values carried in
 * hidden fields with the request id the form was rendered with), and Confirm calls decideStep
 * (app/commands/decide-step.ts), whose workflow validator has the last word. A refusal — the
 * step no longer awaits a decision, another officer holds it, a round already used — shows on
 * the case page in words; a retried Confirm with the same request id is one decision.
 */
import { callerRequestId } from '../../../app/caller-request-id';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { claimStep } from '../../../app/commands/claim-step';
import { recordCounterSupplement } from '../../../app/commands/counter-supplement';
import { decideStep } from '../../../app/commands/decide-step';
import { awaitSchoolPlacementsInReadModel, awaitStepInReadModel } from '../../../app/step-in-read-model';
import { releaseStep } from '../../../app/commands/release-step';
import type { AppDeps } from '../../../app/deps';
import { officerViewForCheck, viewCaseAsOfficer } from '../../../app/queries/view-case';
import type { OfficerCaseView } from '../../../app/views/case-views';
import { nextStepToDecide } from '../../../app/queries/officer-inbox';
import { childrenWithoutPlace } from '../../../app/queries/school-places-left';
import { collectivePlacesLeft } from '../../../app/queries/collective-places-left';
import type { SchoolLevel } from '../../../domain/vocabulary';
import { shanghaiDateTime } from '../../../i18n/formats';
import { label } from '../../../i18n/labels';
import { accessOf, actorOf, render, tr, type PageData } from '../page';
import { flashAndRedirect } from '../page';
import { approvalRefusedText, caseIdOf, counterFieldId, DECISION_TEXT, refusalOf, showCase, stepActions } from './case';
import { checkDecisionForm, readDecisionForm, type DecisionFormValues } from './decision-form';
import { draftAddress, draftGone, openedDraft } from '../confirmation-draft';

const caseHref = (caseId: string) => `/officer/cases/${caseId}`;

/** A decision's draft is sealed for its case: an address of one case's confirmation shows no other. */
const draftPurpose = (caseId: string) => `decision-draft:${caseId}`;
/** A draft as sealed: the form as posted, and the step's last decision when it was made. */
const Draft = z.object({ form: z.record(z.string(), z.unknown()), since: z.string() });

type CheckedDecision = NonNullable<ReturnType<typeof checkDecisionForm>['decision']>;

/**
 * `form` checked against the step as it stands: the case's view and the decision, or undefined once
 * the page answered itself — the step can no longer be decided (409; from a draft's address, the
 * case page), a field is wrong (400) or the score forbids the approval (422). `shown`: the view is
 * shown (the confirmation's address), so it is recorded as read; a post's check shows nothing.
 */
async function checkedDecision(
  deps: AppDeps,
  req: Request,
  res: Response,
  form: DecisionFormValues,
  shown: boolean,
): Promise<{ view: OfficerCaseView; d: CheckedDecision } | undefined> {
  const actor = actorOf(req, 'officer');
  const caseId = caseIdOf(req);
  const view = shown
    ? await viewCaseAsOfficer(deps, { actor, caseId, access: accessOf(req) })
    : await officerViewForCheck(deps, actor, caseId);
  const actions = stepActions(view, actor);
  // A draft's address opened after the step moved on (Back after confirming): the case page says where it stands.
  if (!actions.canDecide && shown) {
    res.redirect(303, caseHref(caseId));
    return undefined;
  }
  if (!actions.canDecide) {
    const text = tr(req, actions.heldByOther ? 'officerRefusedHeld' : 'officerRefusedNotAwaiting');
    await showCase(deps, req, res, { refusal: text, status: 409 });
    return undefined;
  }
  const checked = checkDecisionForm(req, form, actions.offered, actions.reasons, {
    residenceElsewhere: actions.residenceElsewhere,
  });
  if (checked.errors.length) {
    await showCase(deps, req, res, { form, errors: checked.errors, status: 400 });
    return undefined;
  }
  const d = checked.decision!;
  // §2: an approval the score's recommendation forbids (domain/case-rules.ts stepDecisionProblem)
  // is refused at the field now, not after the officer confirmed it.
  const rec = view.step.recommendation;
  if (d.decision === 'approve' && rec?.decision === 'reject' && rec.reasonCode) {
    await showCase(deps, req, res, {
      form,
      errors: [{ field: 'decision', text: approvalRefusedText(req, rec.note) }],
      status: 422,
    });
    return undefined;
  }
  return { view, d };
}

/** The confirmation page of a checked decision: what it decides and what will happen. */
async function confirmation(
  deps: AppDeps,
  req: Request,
  form: DecisionFormValues,
  { view, d }: { view: OfficerCaseView; d: CheckedDecision },
): Promise<PageData> {
  const what =
    d.decision === 'approve'
      ? view.route === 'points'
        ? 'officerConfirmApprovePoints'
        : 'officerConfirmApprove'
      : d.decision === 'reject'
        ? 'officerConfirmReject'
        : 'officerConfirmSupplement';
  // Education approving a child into a full level: the confirmation says the child will wait
  // (the family settles all the same), so the officer is not surprised by the waiting list.
  const children = view.persons.flatMap((p) =>
    p.schoolLevel ? [{ name: p.name, schoolLevel: p.schoolLevel as SchoolLevel }] : [],
  );
  const waiting =
    d.decision === 'approve' && view.step.department === 'education'
      ? await childrenWithoutPlace(deps, { area: view.area, children })
      : [];
  const area = label('area', view.area, req.locale);
  // Housing approving a case with no registrable residence reserves a collective-household place
  // (§16); with none left the workflow refuses the case: said before, not found out after.
  const collective =
    d.decision === 'approve' && view.step.department === 'housing' && view.collectiveHousehold
      ? await collectivePlacesLeft(deps, view.area)
      : undefined;
  return {
    title: tr(req, 'officerConfirmTitle'),
    effectLines: [
      ...waiting.map((w) =>
        tr(req, 'officerConfirmChildWaits', { child: w.name, area, level: label('schoolLevel', w.schoolLevel, req.locale) }),
      ),
      ...(collective === undefined
        ? []
        : [tr(req, collective > 0 ? 'officerConfirmCollective' : 'officerConfirmCollectiveFull', { area, left: collective })]),
    ],
    backLink: { href: caseHref(view.caseId), text: tr(req, 'officerCaseTitle', { caseNumber: view.caseNumber }) },
    c: view,
    form,
    decision: d,
    decisionText: tr(req, DECISION_TEXT[d.decision]),
    whatHappens: tr(req, what),
  };
}

/**
 * POST …/decision: a complete decision goes to the confirmation page, an incomplete one back to
 * the form. The confirmation has an address of its own (the draft sealed in it, web/sealed-token.ts),
 * so that Back after confirming, or a reload, finds a page rather than the browser's "resubmit the
 * form?"; a draft too long for an address is confirmed on the page the post draws, as before.
 */
export async function decisionPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const form = readDecisionForm(req.body);
  const checked = await checkedDecision(deps, req, res, form, false);
  if (!checked) return;
  const caseId = caseIdOf(req);
  // The step's last decision goes with the draft: a draft made before it (the step decidable again
  // after the applicant's material came) is stale, its request id already spent on that decision.
  const since = checked.view.step.decision?.at ?? '';
  const address = draftAddress(req, res, `${caseHref(caseId)}/decision/confirm`, draftPurpose(caseId), { form, since });
  if (address) return res.redirect(303, address);
  // Drawn here, so the view is shown: read again as a read that is recorded.
  const shown = await checkedDecision(deps, req, res, form, true);
  if (shown) render(req, res, 'officer/confirm', await confirmation(deps, req, form, shown));
}

/**
 * GET …/decision/confirm?draft=…: the confirmation of a draft decision. Once the step can no longer
 * be decided (Back after confirming, another officer decided) or the draft is gone (expired, another
 * person's), the case page: it says where the step stands, its form offered again when it can be.
 */
export async function confirmDraftPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const caseId = caseIdOf(req);
  const opened = Draft.safeParse(openedDraft(req, res, draftPurpose(caseId)));
  if (!opened.success) return draftGone(req, res, caseHref(caseId));
  const form = readDecisionForm(opened.data.form);
  const checked = await checkedDecision(deps, req, res, form, true);
  if (!checked) return;
  if ((checked.view.step.decision?.at ?? '') !== opened.data.since) return res.redirect(303, caseHref(caseId));
  render(req, res, 'officer/confirm', await confirmation(deps, req, form, checked));
}

/** POST …/decision/confirm: Change shows the form again with the values; Confirm decides. */
export async function confirmPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req, 'officer');
  const caseId = caseIdOf(req);
  const form = readDecisionForm(req.body);
  if ((req.body as Record<string, unknown>).action === 'change') return showCase(deps, req, res, { form, focusDecide: true });
  const view = await viewCaseAsOfficer(deps, { actor, caseId, access: accessOf(req) });
  const actions = stepActions(view, actor);
  const checked = checkDecisionForm(req, form, actions.offered, actions.reasons, {
    residenceElsewhere: actions.residenceElsewhere,
  });
  if (checked.errors.length) {
    // The case page shows the decide form only while the step can be decided: otherwise its fields
    // are not there to point at, and the refusal says why. (A valid retried Confirm still reaches
    // decideStep below, where its request id makes it the one decision already made.)
    if (!actions.canDecide) {
      const text = tr(req, actions.heldByOther ? 'officerRefusedHeld' : 'officerRefusedNotAwaiting');
      return showCase(deps, req, res, { refusal: text, status: 409 });
    }
    return showCase(deps, req, res, { form, errors: checked.errors, status: 400 });
  }
  const d = checked.decision!;
  let step;
  try {
    step = await decideStep(deps, {
      actor,
      caseId,
      department: actor.department,
      requestId: callerRequestId(actor.sub, form.requestId),
      ...d,
    });
  } catch (err) {
    const { text, status } = refusalOf(req, err);
    return showCase(deps, req, res, { refusal: text, status });
  }
  await awaitStepInReadModel(deps, caseId, step);
  const waitingLines =
    d.decision === 'approve' && actor.department === 'education' ? await childrenNowWaiting(deps, req, view) : [];
  // A material request's deadline is the workflow's (working days on the calendar of the case's
  // settings): the officer reads it here, from the step it answered, not from a second computation.
  const due = d.decision === 'request_supplement' ? step.supplement?.dueAt : undefined;
  const text = [
    tr(req, 'officerDecided', {
      caseNumber: view.caseNumber,
      decision: label('decisionKind', d.decision, req.locale),
      status: label('stepStatus', step.status, req.locale),
    }),
    ...(due
      ? [
          tr(req, step.supplement?.dueProvisional ? 'officerDecidedSupplementDueProvisional' : 'officerDecidedSupplementDue', {
            at: shanghaiDateTime(due, req.locale),
          }),
        ]
      : []),
    ...waitingLines,
  ].join(req.locale === 'en' ? ' ' : '');
  // The next step the officer may decide, focused: Enter opens it (officers work from the keyboard).
  // With none left, the inbox, so that the loop does not end on a finished case.
  const next = await nextStepToDecide(deps, { actor, exceptCaseId: caseId, access: accessOf(req) });
  return flashAndRedirect(
    req,
    res,
    text,
    caseHref(caseId),
    next
      ? { href: caseHref(next.caseId), text: tr(req, 'officerNextCase', { caseNumber: next.caseNumber }) }
      : { href: '/officer/inbox', text: tr(req, 'officerNoNextCase') },
    // The list the waiting line points to, one step away (the next case keeps the focus).
    waitingLines.length ? { href: '/officer/school-waitlist', text: tr(req, 'officerOpenWaitlist') } : undefined,
  );
}

/**
 * After education approves: which children went on the waiting list, and where in it, as the
 * read model shows once their places were reserved (a moment after the Update). The confirmation
 * before it forecast this; the banner says what happened. Nothing when the reservation has not
 * reached the read model in time (the case page and the waiting list say it then).
 */
async function childrenNowWaiting(deps: AppDeps, req: Request, view: OfficerCaseView): Promise<string[]> {
  const children = view.persons.filter((p) => p.schoolLevel).length;
  if (!children) return [];
  const placements = await awaitSchoolPlacementsInReadModel(deps, view.caseId, children).catch(() => undefined);
  return (placements ?? [])
    .filter((p) => p.status === 'waiting')
    .map((p) =>
      tr(req, p.position === undefined ? 'officerDecidedChildWaitsUnranked' : 'officerDecidedChildWaits', {
        child: p.name,
        area: label('area', p.area, req.locale),
        level: label('schoolLevel', p.level, req.locale),
        position: p.position,
      }),
    );
}

/** POST …/counter-supplement: material handed in at the counter, each item recorded, or named when blank. */
export async function counterPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req, 'officer');
  const caseId = caseIdOf(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const { requestId } = readDecisionForm(body);
  const view = await viewCaseAsOfficer(deps, { actor, caseId, access: accessOf(req) });
  const sup = view.step.supplement;
  if (view.step.status !== 'supplement_requested' || !sup || sup.providedAt)
    return showCase(deps, req, res, { refusal: tr(req, 'officerRefusedNoSupplement'), status: 409 });
  const references = sup.missing.map((_, i) => {
    const v = body[counterFieldId(i)];
    return typeof v === 'string' ? v.trim() : '';
  });
  const errors = references.flatMap((r, i) => {
    const item = sup.missing[i]!;
    if (!r) return [{ field: counterFieldId(i), text: tr(req, 'officerCounterErrReference', { item }) }];
    if (r.length > 200) return [{ field: counterFieldId(i), text: tr(req, 'officerCounterErrTooLong', { item }) }];
    return [];
  });
  if (errors.length) return showCase(deps, req, res, { counter: { requestId, references }, errors, status: 400 });
  try {
    await recordCounterSupplement(deps, {
      actor,
      caseId,
      department: actor.department,
      requestId: callerRequestId(actor.sub, requestId),
      items: sup.missing.map((name, i) => ({ name, reference: references[i]! })),
    });
  } catch (err) {
    const { text, status } = refusalOf(req, err);
    return showCase(deps, req, res, { refusal: text, status });
  }
  return flashAndRedirect(req, res, tr(req, 'officerCounterRecorded', { caseNumber: view.caseNumber }), caseHref(caseId));
}

/** POST …/claim and …/release: the step's holder changes, or the refusal says why not. */
export function holdPage(kind: 'claim' | 'release') {
  return async (deps: AppDeps, req: Request, res: Response): Promise<void> => {
    const actor = actorOf(req, 'officer');
    const caseId = caseIdOf(req);
    const { requestId } = readDecisionForm(req.body);
    const input = { actor, caseId, department: actor.department, requestId: callerRequestId(actor.sub, requestId) };
    let caseNumber;
    try {
      caseNumber = (await viewCaseAsOfficer(deps, { actor, caseId, access: accessOf(req) })).caseNumber;
      const step = await (kind === 'claim' ? claimStep(deps, input) : releaseStep(deps, input));
      await awaitStepInReadModel(deps, caseId, step);
    } catch (err) {
      const { text, status } = refusalOf(req, err);
      return showCase(deps, req, res, { refusal: text, status });
    }
    const text = tr(req, kind === 'claim' ? 'officerClaimed' : 'officerReleased', { caseNumber });
    // A claim comes right before the decision: the page opens at its form (the heading takes focus,
    // the next Tab is the first choice), not at the top.
    return flashAndRedirect(req, res, text, kind === 'claim' ? `${caseHref(caseId)}#decide-title` : caseHref(caseId));
  };
}
