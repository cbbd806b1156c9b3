/**
 * The department's inbox (issue 10, officer workbench): open steps (those awaiting the officer's decision first, each part soonest due first), a page at
 * a time, filtered by a GET form (status, deadline, route, place, who holds the step). The
 * query is app/queries/officer-inbox.ts, as for the JSON API; the filters are codes, so the
 * URL carries no personal data (the cursor is a due date and a case id).
 */
import type { Request, Response } from 'express';
import type { AppDeps } from '../../../app/deps';
import { officerNames } from '../../../app/officer-directory';
import { namedOfficer } from '../officer-names';
import { officerInbox, type OfficerInboxInput } from '../../../app/queries/officer-inbox';
import type { Area } from '../../../domain/capacity';
import { OPEN_STEP_STATUSES } from '../../../domain/case-rules';
import { DISTRICTS, ROUTES, TOWNS } from '../../../domain/vocabulary';
import { accessOf, actorOf, render, tr } from '../page';

const AREAS: readonly Area[] = [...TOWNS, ...DISTRICTS];
const OVERDUE = ['yes', 'no'] as const;
const ASSIGNED = ['me', 'nobody'] as const;
const PAGE_SIZE = 25;

/** A query value that is one of `allowed`, else undefined. */
function pick<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** The filters and their values: the form's selects offer exactly these. */
const FILTERS = { status: OPEN_STEP_STATUSES, overdue: OVERDUE, route: ROUTES, area: AREAS, assignedTo: ASSIGNED } as const;
type FilterName = keyof typeof FILTERS;

/**
 * The filters a URL gives a value the form does not offer (an edited link, an old bookmark): the
 * page says so at the field, as the API answers 400, rather than listing everything under a
 * filter that seems to apply. An empty value is the form's "any".
 */
function unknownFilters(q: Request['query']): Array<{ field: FilterName; value?: string }> {
  return (Object.keys(FILTERS) as FilterName[]).flatMap((field) => {
    const value = q[field];
    if (value === undefined || value === '' || pick(value, FILTERS[field]) !== undefined) return [];
    // Given twice (an edited link): one value only, whichever it is.
    if (typeof value !== 'string') return [{ field }];
    return [{ field, value: [...value].slice(0, 40).join('') }];
  });
}

const options = <T extends string>(values: readonly T[], chosen: T | undefined) =>
  values.map((value) => ({ value, selected: value === chosen }));

export async function inboxPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req, 'officer');
  // A district's officer is offered only their own areas (the query would list nothing elsewhere).
  const scope = actor.scope;
  const areas = scope.kind === 'city' ? AREAS : AREAS.filter((a) => scope.areas.includes(a));
  const q = req.query;
  const filters = {
    status: pick(q.status, FILTERS.status),
    overdue: pick(q.overdue, FILTERS.overdue),
    route: pick(q.route, FILTERS.route),
    // Any known area, as in the API: another area than the officer's lists nothing, rather than
    // silently listing all of theirs under a filter that seems to apply.
    area: pick(q.area, FILTERS.area),
    assignedTo: pick(q.assignedTo, FILTERS.assignedTo),
  };
  const unknown = unknownFilters(q);
  const cursor = typeof q.cursor === 'string' && q.cursor.length <= 200 ? q.cursor : undefined;
  const input: OfficerInboxInput = {
    actor,
    access: accessOf(req),
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.route ? { route: filters.route } : {}),
    ...(filters.area ? { area: filters.area } : {}),
    ...(filters.overdue ? { overdue: filters.overdue === 'yes' } : {}),
    ...(filters.assignedTo ? { assignedTo: filters.assignedTo } : {}),
  };
  // Nothing is listed under a filter that cannot apply: the error says which, at its field.
  const page: Awaited<ReturnType<typeof officerInbox>> =
    unknown.length === 0 ? await officerInbox(deps, input) : { items: [], total: 0, awaitingDecision: 0 };
  const errors = unknown.map(({ field, value }) => ({
    field,
    text: value === undefined ? tr(req, 'officerErrFilterOne') : tr(req, 'officerErrFilterValue', { value }),
  }));
  const names = await officerNames(
    deps,
    page.items.flatMap((i) => (i.assignedOfficer && i.assignedOfficer !== actor.sub ? [i.assignedOfficer] : [])),
  );
  const chosen = Object.entries(filters).flatMap(([k, v]): Array<[string, string]> => (v === undefined ? [] : [[k, v]]));
  const next = page.nextCursor ? new URLSearchParams([...chosen, ['cursor', page.nextCursor]]).toString() : undefined;
  render(
    req,
    res,
    'officer/inbox',
    {
      title: tr(req, 'inboxTitle'),
      errors: errors.length > 0 ? errors : undefined,
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.text])),
      department: actor.department,
      filtered: chosen.length > 0 || errors.length > 0,
      statuses: options(OPEN_STEP_STATUSES, filters.status),
      overdueOptions: OVERDUE.map((value) => ({
        value,
        selected: value === filters.overdue,
        text: tr(req, value === 'yes' ? 'officerOverdueOnly' : 'officerNotOverdue'),
      })),
      routes: options(ROUTES, filters.route),
      areas: options(filters.area && !areas.includes(filters.area) ? [...areas, filters.area] : areas, filters.area),
      assignedOptions: ASSIGNED.map((value) => ({
        value,
        selected: value === filters.assignedTo,
        text: tr(req, value === 'me' ? 'officerAssignedMe' : 'officerAssignedNobody'),
      })),
      items: page.items.map((item) => ({
        ...item,
        heldBy:
          item.assignedOfficer === undefined
            ? undefined
            : item.assignedOfficer === actor.sub
              ? tr(req, 'officerHeldByYou')
              : namedOfficer(req, names.get(item.assignedOfficer), item.assignedOfficer),
      })),
      count: page.items.length,
      total: page.total,
      awaitingDecision: page.awaitingDecision,
      nextHref: next ? `/officer/inbox?${next}` : undefined,
      // Filtered or paged from the keyboard: the focus lands on the results, not back at the top.
      // (A form sent to `#results` would not reload the same filters: browsers scroll instead.)
      focusResults: errors.length === 0 && Object.keys(req.query).length > 0,
    },
    errors.length > 0 ? 400 : 200,
  );
}
