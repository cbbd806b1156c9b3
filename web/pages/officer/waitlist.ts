/**
 * Education officers' school waiting list (§21–23): children waiting for a kindergarten or school
 * place in the area, longest waiting first (app/queries/school-waiting-list.ts), each with a form
 * to place the child at a named school elsewhere in the area (app/commands/assign-school-place.ts).
 * Other departments' officers are refused by the query itself (403).
 */
import { callerRequestId } from '../../../app/caller-request-id';
import type { Request, Response } from 'express';
import { assignSchoolPlace } from '../../../app/commands/assign-school-place';
import type { AppDeps } from '../../../app/deps';
import { noSuchCase } from '../../../app/errors';
import { schoolWaitingList } from '../../../app/queries/school-waiting-list';
import { SCHOOL_NAME_MAX } from '../../../domain/case-rules';
import { accessOf, actorOf, render, tr } from '../page';
import { flashAndRedirect } from '../page';
import { caseIdOf, refusalOf } from './case';
import { readDecisionForm, type FormError } from './decision-form';

const fieldId = (caseId: string, personIndex: number) => `school-${caseId}-${personIndex}`;

interface WaitlistExtras {
  errors?: FormError[];
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

/** POST /officer/cases/:caseId/children/:personIndex/school-place */
export async function placeChildPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req, 'officer');
  const caseId = caseIdOf(req);
  const personIndex = Number(req.params.personIndex);
  if (!Number.isInteger(personIndex) || personIndex < 1 || personIndex > 20) throw noSuchCase();
  const body = (req.body ?? {}) as Record<string, unknown>;
  const school = typeof body.school === 'string' ? body.school.trim() : '';
  const id = fieldId(caseId, personIndex);
  const { requestId } = readDecisionForm(req.body);
  const waiting = (await schoolWaitingList(deps, { actor, access: accessOf(req) })).find(
    (i) => i.caseId === caseId && i.personIndex === personIndex,
  );
  const schools = waiting?.schools;
  if (!school || school.length > SCHOOL_NAME_MAX || (schools && !schools.includes(school))) {
    // The list has a field for a waiting child only: for any other child there is none to point at.
    if (!waiting) return showWaitlist(deps, req, res, { refusal: tr(req, 'officerErrNotWaiting'), status: 409 });
    const text = schools ? tr(req, 'officerErrSchoolChoose') : tr(req, 'officerErrSchool', { max: SCHOOL_NAME_MAX });
    const errors = [{ field: id, text }];
    return showWaitlist(deps, req, res, { errors, values: { [id]: school }, status: 400 });
  }
  try {
    await assignSchoolPlace(deps, { actor, caseId, personIndex, requestId: callerRequestId(actor.sub, requestId), school });
  } catch (err) {
    const { text, status } = refusalOf(req, err);
    return showWaitlist(deps, req, res, { refusal: text, status });
  }
  return flashAndRedirect(
    req,
    res,
    tr(req, 'officerPlaced', {
      caseNumber: waiting?.caseNumber ?? '',
      child: waiting?.name || tr(req, 'officerChildN', { n: personIndex }),
      school,
    }),
    '/officer/school-waitlist',
  );
}
