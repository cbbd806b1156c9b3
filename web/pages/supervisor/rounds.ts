/**
 * The supervisors' admission-round pages (issue 13): the rounds; one round in full — the ranking
 * as published, every objection with its reason and who lodged it, the round's audit lines —
 * with the two things a supervisor does to a round: close it early (a required reason; the
 * round ranks at once and its public notice starts) and resolve an objection (upheld: the entry
 * is removed and the next in line admitted; dismissed: it stays; a required note). Each form
 * carries a request id, so a double post changes nothing twice; a refusal is shown in words.
 */
import type { Request, Response } from 'express';
import { closeRoundEarly, resolveObjection } from '../../../app/commands/admission-rounds';
import { CloseRoundInput, OBJECTION_ID, RESOLUTION_OUTCOMES, ResolutionInput, ROUND_ID } from '../../../app/commands/round-input';
import type { AppDeps } from '../../../app/deps';
import { AppError } from '../../../app/errors';
import { listRounds, viewRoundAsSupervisor } from '../../../app/queries/admission-rankings';
import type { SupervisorRoundView } from '../../../app/views/round-views';
import { staffNames } from '../../../app/officer-directory';
import { namedOfficer } from '../officer-names';
import { field, FieldErrors, newRequestId, requestIdOf, type FormBody } from '../applicant/form';
import { accessOf, actorOf, flashAndRedirect, render, showMessage, tr } from '../page';
import { roundDisplay, roundRows, words } from '../rounds/round-display';
import { DISTRICTS, type Locale } from '../../../domain/vocabulary';
import { nextInLine } from '../../../domain/admission-rounds';
import { message } from '../../../i18n/messages';
import { roundName } from '../../../i18n/formats';
import { draftAddress, draftGone, openedDraft } from '../confirmation-draft';

const roundHref = (roundId: string) => `/supervisor/rounds/${roundId}`;

/** The round id of the URL, or undefined (the page then answers 404 like any unknown path). */
function roundIdOf(req: Request): string | undefined {
  const id = req.params.roundId;
  return typeof id === 'string' && ROUND_ID.test(id) ? id : undefined;
}

export async function supervisorRoundsPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const rounds = roundRows(await listRounds(deps), roundHref);
  render(req, res, 'supervisor/rounds', { title: tr(req, 'rdSupListTitle'), rounds });
}

interface RoundPageExtras {
  /** The form that was posted (`close`, or an objection id), its values and errors, shown again in place. */
  form?: { which: string; reason?: string; outcome?: string; note?: string };
  errors?: FieldErrors;
  refusal?: string;
  status?: number;
}

export async function supervisorRoundPage(
  deps: AppDeps,
  req: Request,
  res: Response,
  extras: RoundPageExtras = {},
): Promise<void> {
  const roundId = roundIdOf(req);
  if (!roundId)
    return render(
      req,
      res,
      'message',
      { title: tr(req, 'notFoundTitle'), heading: tr(req, 'notFoundTitle'), paragraphs: [tr(req, 'notFoundText')] },
      404,
    );
  const actor = actorOf(req, 'supervisor');
  const view = await viewRoundAsSupervisor(deps, { actor, roundId, access: accessOf(req) });
  // Staff by the name they signed in with, as the case pages name them.
  const names = await staffNames(deps, [
    ...view.events.filter((e) => e.actor.role === 'supervisor').map((e) => e.actor.id),
    ...view.objections.flatMap((o) => (o.resolvedBy?.role === 'supervisor' ? [o.resolvedBy.id] : [])),
    // Staff who objected by name too; an applicant stays their account id (no directory names them).
    ...view.objections.flatMap((o) => (o.lodgedBy.role === 'applicant' ? [] : [o.lodgedBy.id])),
    ...(view.closedBy?.role === 'supervisor' ? [view.closedBy.id] : []),
  ]);
  const who = (id: string) => namedOfficer(req, names.get(id), id);
  const entryText = entryWords(req, view);
  const byWhom = (a: { role: string; id: string }) => `${words('role', a.role, locale)} ${who(a.id)}`;
  const locale = req.locale;
  const posted = extras.form;
  const fieldErrors = extras.errors?.byField() ?? {};
  render(
    req,
    res,
    'supervisor/round',
    {
      title: tr(req, 'rdSupRoundTitle', { round: roundName(roundId, locale) }),
      backLink: { href: '/supervisor/rounds', text: tr(req, 'rdSupListTitle') },
      errors: extras.errors?.list,
      refusal: extras.refusal,
      round: roundDisplay(view, locale),
      workflowId: view.workflowId,
      closedByText: view.closedBy ? byWhom(view.closedBy) : undefined,
      publicHref: `/rounds/${roundId}`,
      canClose: view.stage === 'open',
      close: {
        requestId: newRequestId(),
        reason: posted?.which === 'close' ? posted.reason : '',
        error: fieldErrors['close-reason'],
      },
      objections: view.objections.map((o) => {
        const mine = posted?.which === o.objectionId ? posted : undefined;
        // The entry as the ranking shows it (district, rank, masked name); its code stays the anchor.
        return {
          ...o,
          entryText: entryText(o.entryId) ?? o.entryId,
          lodgedByText: `${words('role', o.lodgedBy.role, locale)} ${o.lodgedBy.role === 'applicant' ? o.lodgedBy.id : who(o.lodgedBy.id)}`,
          resolvedByText: o.resolvedBy ? byWhom(o.resolvedBy) : '',
          open: o.status === 'open',
          statusTag: o.status === 'open' ? 'yellow' : o.status === 'upheld' ? 'red' : 'grey',
          resolvable: o.status === 'open' && view.stage === 'public_notice',
          form: {
            requestId: newRequestId(),
            outcomes: RESOLUTION_OUTCOMES.map((value) => ({ value, checked: mine?.outcome === value })),
            note: mine?.note ?? '',
            outcomeError: fieldErrors[`objection-${o.objectionId}-outcome`],
            noteError: fieldErrors[`objection-${o.objectionId}-note`],
          },
        };
      }),
      events: view.events.map((e) => ({
        ...e,
        typeText: words('roundEvent', e.type, locale),
        // The system's own lines say 系统 once, not 系统 system.
        actorText:
          e.actor.id === 'system'
            ? words('role', 'system', locale)
            : tr(req, 'rdEventBy', { role: words('role', e.actor.role, locale), id: who(e.actor.id) }),
        // The workflow records `what` in English; other readers get the entries it names, in their words.
        what: roundEventWhat(e.what, locale, entryText),
      })),
    },
    extras.status ?? (extras.errors?.any ? 400 : 200),
  );
}

/** A refusal by the application layer, in words; not-found stays the 404 page. */
function refusalOf(req: Request, err: unknown): { refusal: string; status: number } {
  if (!(err instanceof AppError) || err.kind === 'not_found') throw err;
  return {
    refusal: tr(req, 'rdRefused', { detail: err.message }),
    status: err.kind === 'conflict' ? 409 : err.kind === 'forbidden' ? 403 : 422,
  };
}

/**
 * An entry of the round as its ranking shows it (雁塔区第1名 张**), or undefined for an id it does
 * not list; its code stays the page's anchor.
 */
function entryWords(req: Request, view: Pick<SupervisorRoundView, 'districts'>): (entryId: string) => string | undefined {
  const entries = new Map(view.districts.flatMap((d) => d.entries).map((e) => [e.entryId, e]));
  return (entryId) => {
    const e = entries.get(entryId);
    return e && tr(req, 'rdEntryText', { district: words('area', e.district, req.locale), rank: e.rank, name: e.maskedName });
  };
}

/**
 * What upholding an objection to `entryId` will do, as the round workflow does it: an admitted
 * entry's place goes to the district's next in line (domain nextInLine), or to the next round when
 * none waits; an entry not admitted changes no one else's; a case that has left is only recorded.
 */
function upholdWarning(req: Request, view: Pick<SupervisorRoundView, 'districts'>, entryId: string): string {
  const district = view.districts.find((d) => d.entries.some((e) => e.entryId === entryId));
  const entry = district?.entries.find((e) => e.entryId === entryId);
  if (entry?.status === 'left') return tr(req, 'rdUpholdLeft');
  const next = entry?.status === 'admitted' && district ? nextInLine(district.entries) : undefined;
  const then =
    entry?.status !== 'admitted'
      ? tr(req, 'rdUpholdNotAdmitted')
      : next
        ? tr(req, 'rdUpholdNext', { next: entryWords(req, view)(next.entryId) ?? next.entryId })
        : tr(req, 'rdUpholdNoNext');
  return `${tr(req, 'rdConfirmUpholdWarning')}${req.locale === 'en' ? ' ' : ''}${then}`;
}

interface ConfirmPage {
  title: string;
  roundId: string;
  rows: Array<{ term: string; value: string }>;
  warning: string;
  /** Where the confirmed form posts, with the fields as first posted (and step=confirm). */
  action: string;
  hidden: Array<{ name: string; value: string }>;
  confirmText: string;
}

/** The step before an action that cannot be undone: what it does, and the same form again to confirm. */
function confirmPage(req: Request, res: Response, p: ConfirmPage): void {
  render(req, res, 'supervisor/confirm-round', {
    ...p,
    caption: tr(req, 'rdSupRoundTitle', { round: roundName(p.roundId, req.locale) }),
    languageBack: roundHref(p.roundId),
    backHref: roundHref(p.roundId),
    backLink: { href: roundHref(p.roundId), text: tr(req, 'rdBackToRound') },
  });
}

/** A close's draft is sealed for its round, an uphold's for its objection: no other confirmation's address opens it. */
const closePurpose = (roundId: string) => `round-close-draft:${roundId}`;
const closeConfirmPath = (roundId: string) => `/supervisor/rounds/${roundId}/close/confirm`;
const upholdPurpose = (roundId: string, objectionId: string) => `uphold-draft:${roundId}:${objectionId}`;
const resolutionPath = (roundId: string, objectionId: string) =>
  `/supervisor/rounds/${roundId}/objections/${objectionId}/resolution`;

/** The confirmation of closing a round early, with its reason and the request id of the form. */
function showCloseConfirmation(req: Request, res: Response, roundId: string, reason: string, requestId: string): void {
  confirmPage(req, res, {
    title: tr(req, 'rdConfirmCloseTitle', { round: roundName(roundId, req.locale) }),
    roundId,
    rows: [{ term: tr(req, 'rdCloseReasonLabel'), value: reason }],
    warning: tr(req, 'rdCloseWarning'),
    action: `/supervisor/rounds/${roundId}/close`,
    hidden: [
      { name: 'requestId', value: requestId },
      { name: 'reason', value: reason },
    ],
    confirmText: tr(req, 'rdConfirmClose'),
  });
}

/** POST /supervisor/rounds/:roundId/close */
export async function closeRoundPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const roundId = roundIdOf(req);
  if (!roundId) return supervisorRoundPage(deps, req, res);
  const body = req.body as FormBody | undefined;
  const reason = field(body, 'reason');
  // The page offers the form only while the round is open: otherwise there is no reason field to point at.
  const view = await viewRoundAsSupervisor(deps, { actor: actorOf(req, 'supervisor'), roundId, access: accessOf(req) });
  if (view.stage !== 'open')
    return supervisorRoundPage(deps, req, res, {
      refusal: tr(req, 'rdRefused', { detail: tr(req, 'rdCloseNotOpen') }),
      status: 409,
    });
  const parsed = CloseRoundInput.safeParse({ reason });
  if (!parsed.success) {
    const errors = new FieldErrors(req);
    errors.add('close-reason', reason.trim() ? 'rdErrCloseReasonTooLong' : 'rdErrCloseReason');
    return supervisorRoundPage(deps, req, res, { form: { which: 'close', reason }, errors });
  }
  // Closing ranks the round at once and cannot be undone: the supervisor confirms it first, on a
  // page at an address of its own (web/pages/confirmation-draft.ts: Back after closing finds the round).
  if (field(body, 'step') !== 'confirm') {
    const requestId = requestIdOf(body);
    const address = draftAddress(req, res, closeConfirmPath(roundId), closePurpose(roundId), { reason, requestId });
    if (address) return res.redirect(303, address);
    return showCloseConfirmation(req, res, roundId, parsed.data.reason, requestId);
  }
  try {
    await closeRoundEarly(deps, {
      actor: actorOf(req, 'supervisor'),
      roundId,
      reason: parsed.data.reason,
      requestId: requestIdOf(body),
    });
  } catch (err) {
    return supervisorRoundPage(deps, req, res, { form: { which: 'close', reason }, ...refusalOf(req, err) });
  }
  await flashAndRedirect(req, res, tr(req, 'rdClosed', { round: roundName(roundId, req.locale) }), roundHref(roundId));
}

/**
 * GET /supervisor/rounds/:roundId/close/confirm?draft=…: the confirmation of closing a round early.
 * A round no longer open (Back after closing it) leads to its page; a draft gone says so there.
 */
export async function closeRoundDraftPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const roundId = roundIdOf(req);
  if (!roundId) return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
  const draft = openedDraft(req, res, closePurpose(roundId)) as FormBody | undefined;
  if (draft === undefined) return draftGone(req, res, roundHref(roundId));
  const view = await viewRoundAsSupervisor(deps, { actor: actorOf(req, 'supervisor'), roundId, access: accessOf(req) });
  const parsed = CloseRoundInput.safeParse({ reason: field(draft, 'reason') });
  if (view.stage !== 'open' || !parsed.success) return res.redirect(303, roundHref(roundId));
  showCloseConfirmation(req, res, roundId, parsed.data.reason, requestIdOf(draft));
}

/** POST /supervisor/rounds/:roundId/objections/:objectionId/resolution */
export async function resolveObjectionPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const roundId = roundIdOf(req);
  const objectionId = req.params.objectionId;
  // A malformed objection id names no objection: not found (the round page with a 200 would say nothing was refused).
  if (!roundId || typeof objectionId !== 'string' || !OBJECTION_ID.test(objectionId))
    return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
  const body = req.body as FormBody | undefined;
  const outcome = field(body, 'outcome');
  const note = field(body, 'note');
  // The page offers a form only for an open objection of a round on public notice.
  const view = await viewRoundAsSupervisor(deps, { actor: actorOf(req, 'supervisor'), roundId, access: accessOf(req) });
  const objection = view.objections.find((o) => o.objectionId === objectionId);
  if (!objection) return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
  if (objection.status !== 'open' || view.stage !== 'public_notice')
    return supervisorRoundPage(deps, req, res, {
      refusal: tr(req, 'rdRefused', { detail: tr(req, 'rdObjectionNotResolvable') }),
      status: 409,
    });
  const parsed = ResolutionInput.safeParse({ outcome, note });
  if (!parsed.success) {
    const errors = new FieldErrors(req);
    for (const issue of parsed.error.issues) {
      if (issue.path[0] === 'outcome') errors.add(`objection-${objectionId}-outcome`, 'rdErrOutcome');
      else errors.add(`objection-${objectionId}-note`, note.trim() ? 'rdErrNoteTooLong' : 'rdErrNote');
    }
    return supervisorRoundPage(deps, req, res, { form: { which: objectionId, outcome, note }, errors });
  }
  // Upholding refuses a case and cannot be undone: the supervisor confirms it first, on a page at
  // an address of its own (Back after upholding finds the round). Dismissing changes nothing.
  if (parsed.data.outcome === 'upheld' && field(body, 'step') !== 'confirm') {
    const requestId = requestIdOf(body);
    const address = draftAddress(
      req,
      res,
      `${resolutionPath(roundId, objectionId)}/confirm`,
      upholdPurpose(roundId, objectionId),
      { note, requestId },
    );
    if (address) return res.redirect(303, address);
    return showUpholdConfirmation(req, res, view, objection, parsed.data.note, requestId);
  }
  try {
    await resolveObjection(deps, {
      actor: actorOf(req, 'supervisor'),
      roundId,
      objectionId,
      ...parsed.data,
      requestId: requestIdOf(body),
    });
  } catch (err) {
    return supervisorRoundPage(deps, req, res, { form: { which: objectionId, outcome, note }, ...refusalOf(req, err) });
  }
  await flashAndRedirect(
    req,
    res,
    tr(req, 'rdResolved', { outcome: words('objectionStatus', parsed.data.outcome, req.locale) }),
    roundHref(roundId),
  );
}

/** The confirmation of upholding an objection: the entry, the objection's reason, the finding and what follows. */
function showUpholdConfirmation(
  req: Request,
  res: Response,
  view: SupervisorRoundView,
  objection: SupervisorRoundView['objections'][number],
  note: string,
  requestId: string,
): void {
  confirmPage(req, res, {
    title: tr(req, 'rdConfirmUpholdTitle'),
    roundId: view.roundId,
    rows: [
      { term: tr(req, 'rdColEntry'), value: entryWords(req, view)(objection.entryId) ?? objection.entryId },
      { term: tr(req, 'rdColReason'), value: objection.reason },
      { term: tr(req, 'rdNoteLabel'), value: note },
    ],
    warning: upholdWarning(req, view, objection.entryId),
    action: resolutionPath(view.roundId, objection.objectionId),
    hidden: [
      { name: 'requestId', value: requestId },
      { name: 'outcome', value: 'upheld' },
      { name: 'note', value: note },
    ],
    confirmText: tr(req, 'rdConfirmUphold'),
  });
}

/**
 * GET /supervisor/rounds/:roundId/objections/:objectionId/resolution/confirm?draft=…: the
 * confirmation of upholding an objection. One no longer open (Back after upholding it, another
 * supervisor answered it) leads to the round's page; a draft gone says so there.
 */
export async function upholdDraftPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const roundId = roundIdOf(req);
  const objectionId = req.params.objectionId;
  if (!roundId || typeof objectionId !== 'string' || !OBJECTION_ID.test(objectionId))
    return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
  const draft = openedDraft(req, res, upholdPurpose(roundId, objectionId)) as FormBody | undefined;
  if (draft === undefined) return draftGone(req, res, roundHref(roundId));
  const view = await viewRoundAsSupervisor(deps, { actor: actorOf(req, 'supervisor'), roundId, access: accessOf(req) });
  const objection = view.objections.find((o) => o.objectionId === objectionId);
  const parsed = ResolutionInput.safeParse({ outcome: 'upheld', note: field(draft, 'note') });
  if (!objection || objection.status !== 'open' || view.stage !== 'public_notice' || !parsed.success)
    return res.redirect(303, roundHref(roundId));
  showUpholdConfirmation(req, res, view, objection, parsed.data.note, requestIdOf(draft));
}

/** An entry id, `<district>-<rank>` (a round id such as `2026-2` is none). */
const ENTRY_ID = new RegExp(`\\b((?:${DISTRICTS.join('|')})-\\d+)\\b`, 'g');

/**
 * A round event's recorded text for a reader: as recorded (English) in English; otherwise the
 * entries it names (`<district>-<n>`), in the reader's words (as the ranking names them, where
 * `entryText` knows the entry), the type column saying the rest.
 */
export function roundEventWhat(
  what: string,
  locale: Locale,
  entryText: (entryId: string) => string | undefined = () => undefined,
): string {
  // English reads as recorded, its entry ids as the ranking names them.
  if (locale === 'en') return what.replace(ENTRY_ID, (id) => entryText(id) ?? id);
  return [...what.matchAll(ENTRY_ID)].map((m) => entryText(m[1]!) ?? message(locale, 'rdEntryRef', { entryId: m[1] })).join('、');
}
