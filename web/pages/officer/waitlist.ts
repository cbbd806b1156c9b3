/**
 * Education officers' school waiting list (§21–23): children waiting for a kindergarten or school
 * place in the area, longest waiting first (app/queries/school-waiting-list.ts), each with a form
 * to place the child at a named school elsewhere in the area (app/commands/assign-school-place.ts),
 * confirmed on a page of its own before it is done.
 * Other departments' officers are refused by the query itself (403).
 */
import { callerRequestId } from '../../../app/caller-request-id';
import type { Request, Response } from 'express';
import { assignSchoolPlace } from '../../../app/commands/assign-school-place';
import type { AppDeps } from '../../../app/deps';
import { scopedCase } from '../../../app/case-store';
import { AppError, noSuchCase } from '../../../app/errors';
import { schoolWaitingList, waitingAhead, type WaitingChild } from '../../../app/queries/school-waiting-list';
import { PLACEMENT_NOTE_MAX, SCHOOL_NAME_MAX } from '../../../domain/case-rules';
import { accessOf, actorOf, render, tr } from '../page';
import { flashAndRedirect } from '../page';
import { caseIdOf, refusalOf } from './case';
import { readDecisionForm, type FormError } from './decision-form';
import { draftAddress, draftGone, openedDraft } from '../confirmation-draft';
import { personAt } from '../../../domain/vocabulary';

const fieldId = (caseId: string, personIndex: number) => `school-${caseId}-${personIndex}`;

interface WaitlistExtras {
  errors?: FormError[];
  /** The field to focus (Change on the confirmation: the officer picks again from the keyboard). */
  focus?: string;
  refusal?: string;
  values?: Record<string, string>;
  status?: number;
}

async function showWaitlist(deps: AppDeps, req: Request, res: Response, extras: WaitlistExtras = {}): Promise<void> {
  const actor = actorOf(req, 'officer');
  // Where the city lists the area's schools for the level, the officer picks one (no typing).
  const items = await schoolWaitingList(deps, { actor, access: accessOf(req) });
  const fieldErrors = Object.fromEntries((extras.errors ?? []).map((e) => [e.field, e.text]));
  render(
    req,
    res,
    'officer/waitlist',
    {
      title: tr(req, 'officerWaitlistTitle'),
      languageBack: '/officer/school-waitlist',
      errors: extras.errors,
      refusal: extras.refusal,
      department: actor.department,
      items: items.map((item) => {
        const id = fieldId(item.caseId, item.personIndex);
        // The child by name (family member n when a record has none), as the case view names it.
        const child = item.name || tr(req, 'officerChildN', { n: item.personIndex });
        return {
          ...item,
          child,
          fieldId: id,
          fieldLabel: tr(req, 'officerSchoolNameFor', { child, caseNumber: item.caseNumber }),
          value: extras.values?.[id] ?? '',
          schoolOptions: item.schools?.map((name) => ({ name, selected: name === extras.values?.[id] })),
          error: fieldErrors[id],
          autofocus: extras.focus === id,
          requestId: readDecisionForm({}).requestId,
        };
      }),
    },
    extras.status ?? 200,
  );
}

export function waitlistPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  return showWaitlist(deps, req, res);
}

/** A placement as the form sent it: the school named, and the child as the list has it (absent once placed). */
interface PlacementForm {
  caseId: string;
  personIndex: number;
  school: string;
  /** Why the child is placed out of turn (the confirmation asks when others have waited longer). */
  note: string;
  requestId: string;
  fieldId: string;
  waiting: WaitingChild | undefined;
}

/** The child of the address, by index in the application (1–20), or a 404. */
function personIndexOf(req: Request): number {
  const personIndex = Number(req.params.personIndex);
  if (!Number.isInteger(personIndex) || personIndex < 1 || personIndex > 20) throw noSuchCase();
  return personIndex;
}

/** A placement's draft is sealed for its child: no other child's confirmation address opens it. */
const draftPurpose = (caseId: string, personIndex: number) => `placement-draft:${caseId}:${personIndex}`;
const confirmPath = (caseId: string, personIndex: number) =>
  `/officer/cases/${caseId}/children/${personIndex}/school-place/confirm`;

/** The placement as posted (`values`: the form's body, or a confirmation address's draft). */
async function readPlacement(deps: AppDeps, req: Request, values: unknown = req.body): Promise<PlacementForm> {
  const actor = actorOf(req, 'officer');
  const caseId = caseIdOf(req);
  const personIndex = personIndexOf(req);
  const body = (values ?? {}) as Record<string, unknown>;
  const school = typeof body.school === 'string' ? body.school.trim() : '';
  const note = typeof body.note === 'string' ? body.note.trim() : '';
  const { requestId } = readDecisionForm(body);
  const waiting = (await schoolWaitingList(deps, { actor, access: accessOf(req) })).find(
    (i) => i.caseId === caseId && i.personIndex === personIndex,
  );
  return { caseId, personIndex, school, note, requestId, fieldId: fieldId(caseId, personIndex), waiting };
}

/** The list again with the school's error at the child's field, or undefined when the school may be chosen. */
function schoolRefused(deps: AppDeps, req: Request, res: Response, p: PlacementForm): Promise<void> | undefined {
  const schools = p.waiting?.schools;
  if (p.school && p.school.length <= SCHOOL_NAME_MAX && !(schools && !schools.includes(p.school))) return undefined;
  // The list has a field for a waiting child only: for any other child there is none to point at.
  if (!p.waiting) return showWaitlist(deps, req, res, { refusal: tr(req, 'officerErrNotWaiting'), status: 409 });
  const text = schools ? tr(req, 'officerErrSchoolChoose') : tr(req, 'officerErrSchool', { max: SCHOOL_NAME_MAX });
  return showWaitlist(deps, req, res, { errors: [{ field: p.fieldId, text }], values: { [p.fieldId]: p.school }, status: 400 });
}

const childOf = (req: Request, w: WaitingChild) => w.name || tr(req, 'officerChildN', { n: w.personIndex });

/**
 * POST /officer/cases/:caseId/children/:personIndex/school-place: a chosen school goes to a
 * confirmation page (placing a child tells the family and writes the education register; an
 * arrow key on the focused list changes the school unseen), a missing one back to the list.
 */
export async function placeChildPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const p = await readPlacement(deps, req);
  const refused = schoolRefused(deps, req, res, p);
  if (refused) return refused;
  if (!p.waiting) return showWaitlist(deps, req, res, { refusal: tr(req, 'officerErrNotWaiting'), status: 409 });
  // The confirmation at an address of its own (web/pages/confirmation-draft.ts): Back after placing finds a page.
  const address = draftAddress(req, res, confirmPath(p.caseId, p.personIndex), draftPurpose(p.caseId, p.personIndex), {
    school: p.school,
    requestId: p.requestId,
  });
  if (address) return res.redirect(303, address);
  return showConfirmation(deps, req, res, p, p.waiting);
}

/**
 * GET …/school-place/confirm?draft=…: the confirmation of a chosen school. A child no longer
 * waiting (Back after placing them) leads to the list; a draft gone (expired, another's) says so.
 */
export async function confirmPlacementDraftPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const caseId = caseIdOf(req);
  const draft = openedDraft(req, res, draftPurpose(caseId, personIndexOf(req)));
  if (draft === undefined) return draftGone(req, res, '/officer/school-waitlist');
  const p = await readPlacement(deps, req, draft);
  if (!p.waiting) return res.redirect(303, '/officer/school-waitlist');
  const refused = schoolRefused(deps, req, res, p);
  if (refused) return refused;
  return showConfirmation(deps, req, res, p, p.waiting);
}

/**
 * The confirmation of a placement: what follows, and, when children of the same area and level
 * have waited longer, who and why this one goes first (a reason the case record keeps). Who is
 * ahead is read here, where it is shown; whether a reason is owed is the command's to say.
 */
async function showConfirmation(
  deps: AppDeps,
  req: Request,
  res: Response,
  p: PlacementForm,
  w: WaitingChild,
  noteError?: string,
): Promise<void> {
  const child = childOf(req, w);
  const ahead = await waitingAhead(deps, w);
  const first = ahead[0];
  render(
    req,
    res,
    'officer/confirm-place',
    {
      title: tr(req, 'officerPlaceConfirmTitle'),
      languageBack: '/officer/school-waitlist',
      backLink: { href: '/officer/school-waitlist', text: tr(req, 'officerWaitlistTitle') },
      w,
      child,
      school: p.school,
      requestId: p.requestId,
      // Settled families hear of the place in a letter of its own; others in the settled letter.
      whatHappens: tr(req, w.caseStatus === 'settled' ? 'officerPlaceConfirmSettled' : 'officerPlaceConfirmOpen', {
        child,
        school: p.school,
      }),
      // The note is asked whenever someone has waited longer, or the command said so (its read
      // may differ from this one's: a child ahead placed meanwhile) — never a 400 without its field.
      ...(first || noteError
        ? {
            outOfTurn: first
              ? tr(req, ahead.length === 1 ? 'officerPlaceAheadOne' : 'officerPlaceAhead', {
                  n: ahead.length,
                  child,
                  first: first.name || tr(req, 'officerChildN', { n: first.personIndex }),
                  caseNumber: first.caseNumber,
                })
              : undefined,
            askNote: true,
            note: p.note,
            noteMax: PLACEMENT_NOTE_MAX,
            noteError,
            errors: noteError ? [{ field: 'place-note', text: noteError }] : undefined,
          }
        : {}),
    },
    noteError ? 400 : 200,
  );
}

/**
 * POST …/school-place/confirm: Change shows the list again with the school chosen; Confirm places
 * the child. A Confirm retried after it placed the child (no longer on the list) reaches the
 * workflow all the same, whose request id makes it the one placement already made.
 */
export async function confirmPlaceChildPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const p = await readPlacement(deps, req);
  const refused = schoolRefused(deps, req, res, p);
  if (refused) return refused;
  if ((req.body as Record<string, unknown>).action === 'change')
    return showWaitlist(deps, req, res, { values: { [p.fieldId]: p.school }, focus: p.fieldId });
  if (p.waiting && p.note.length > PLACEMENT_NOTE_MAX)
    return showConfirmation(deps, req, res, p, p.waiting, tr(req, 'officerPlaceErrNoteTooLong', { max: PLACEMENT_NOTE_MAX }));
  const actor = actorOf(req, 'officer');
  try {
    await assignSchoolPlace(deps, {
      actor,
      caseId: p.caseId,
      personIndex: p.personIndex,
      requestId: callerRequestId(actor.sub, p.requestId),
      school: p.school,
      ...(p.note ? { note: p.note.slice(0, PLACEMENT_NOTE_MAX) } : {}),
    });
  } catch (err) {
    // Out of turn without a reason (the command's rule, §21–23): asked at the note, which the case record keeps.
    if (err instanceof AppError && err.code === 'placement-out-of-turn' && p.waiting)
      return showConfirmation(deps, req, res, p, p.waiting, tr(req, 'officerPlaceErrAheadNote'));
    const { text, status } = refusalOf(req, err);
    return showWaitlist(deps, req, res, { refusal: text, status });
  }
  // A retried Confirm finds the child off the list already: named from the case, as the list names it.
  const named = p.waiting ? undefined : await scopedCase(deps, actor, p.caseId);
  const person = named && personAt(named.application, p.personIndex);
  const child = p.waiting ? childOf(req, p.waiting) : person?.name || tr(req, 'officerChildN', { n: p.personIndex });
  const caseNumber = p.waiting?.caseNumber ?? named?.caseNumber ?? '';
  return flashAndRedirect(
    req,
    res,
    tr(req, 'officerPlaced', { caseNumber, child, school: p.school }),
    '/officer/school-waitlist',
  );
}
