/**
 * An officer's inbox: their department's open steps in their scope (app/officer-scope.ts), those
 * awaiting the officer's decision first, then those that wait on something else (a lookup, the
 * applicant's material), each part soonest due first, a page at a time; each says who holds it,
 * and the inbox can show only the steps you hold or those nobody holds.
 * Each page is an access record naming the cases it shows (app/access-records).
 */
import { recordAccess, type AccessContext } from '../access-records/record-access';
import { trusted } from 'mongoose';
import { z } from 'zod';
import { Instant } from '../views/instant';
import type { Area } from '../../domain/capacity';
import { awaitsPointsScore, OPEN_STEP_STATUSES, type OpenStepStatus } from '../../domain/case-rules';
import { STEP_STATUSES, type Route } from '../../domain/vocabulary';
import { caseModel, type CaseDoc } from '../../models/case.model';
import type { OfficerActor } from '../actor';
import type { AppDeps } from '../deps';
import { areaCondition } from '../officer-scope';
import { decodeCursor, pageOf, type Page } from '../page-cursor';

/** The step statuses an inbox lists: the step still needs its department (domain/case-rules.ts). */
export { OPEN_STEP_STATUSES };

export const InboxItem = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    route: z.string(),
    area: z.string(),
    caseStatus: z.string(),
    stepStatus: z.enum(STEP_STATUSES),
    /** HR's points step, its own lookup done, waiting for the others' before the score (§2); `stepStatus` stays `checking`. */
    awaitingScore: z.literal(true).optional(),
    dueAt: Instant.optional(),
    /**
     * While the step waits for the applicant's material (supplement_requested): their deadline.
     * The step's own `dueAt` does not run meanwhile; the officer keeps the days left when it comes.
     */
    supplementDueAt: Instant.optional(),
    /** `dueAt` was counted into a year without a holiday calendar (weekdays only): it may move. */
    dueProvisional: z.boolean().optional(),
    /** The same for `supplementDueAt`. */
    supplementDueProvisional: z.boolean().optional(),
    overdue: z.boolean(),
    assignedOfficer: z.string().optional(),
  })
  .meta({ id: 'InboxItem' });
export type InboxItem = z.infer<typeof InboxItem>;

export interface OfficerInboxInput {
  actor: OfficerActor;
  status?: (typeof OPEN_STEP_STATUSES)[number];
  route?: Route;
  area?: Area;
  overdue?: boolean;
  /** Steps you hold (`me`), or steps nobody holds yet (`nobody`); any when absent (issue 10). */
  assignedTo?: 'me' | 'nobody';
  limit: number;
  cursor?: string;
  access?: AccessContext;
}

/**
 * The inbox's parts, in order: what the officer can act on now, then the rest. A step waiting for
 * the applicant's material has no due time of its own (it is paused), and sorted by due time alone
 * it came first, above the cases due today.
 */
const INBOX_PARTS: ReadonlyArray<readonly OpenStepStatus[]> = [
  ['awaiting_decision'],
  OPEN_STEP_STATUSES.filter((s) => s !== 'awaiting_decision'),
];

/**
 * An inbox cursor: the part (only '0' when one status is asked for), then the last item's due
 * time ('' for none), submission time and case id.
 */
const inboxCursor = (oneStatus: boolean) =>
  z.tuple([
    oneStatus ? z.literal('0') : z.enum(['0', '1']),
    z.union([z.literal(''), z.iso.datetime()]),
    z.iso.datetime(),
    z.uuid(),
  ]);

/**
 * Soonest due first; of steps due at the same time (a day's cases share their deadline's end),
 * the first submitted first, as at a counter. The case id only makes the order total.
 */
const inboxSort = (d: string) => ({ [`steps.${d}.dueAt`]: 1, submittedAt: 1, _id: 1 }) as const;

export interface InboxQuery extends Omit<OfficerInboxInput, 'limit' | 'access' | 'cursor'> {
  /** The statuses of one part (`status`, when given, stands for them). */
  statuses?: readonly OpenStepStatus[];
  /** After this item of the part: its due time ('' for none), submission time and case id. */
  after?: readonly [string, string, string];
}

/** The read-model filter of an inbox page (exported for the index test, test/integration/postgresql-indexes). */
export function inboxFilter(input: InboxQuery): Record<string, unknown> {
  const d = input.actor.department;
  const stepPath = `steps.${d}`;
  const dueAt = `${stepPath}.dueAt`;
  const filter: Record<string, unknown> = {
    // Implied by an open step, and the equality that FerretDB on PostgreSQL can answer from an
    // index (models/postgresql-indexes.ts): FerretDB pushes no nested path or `$in` down.
    pendingDepartments: d,
    [`${stepPath}.status`]: input.status ?? statusCondition(input.statuses ?? OPEN_STEP_STATUSES),
  };
  if (input.route) filter.route = input.route;
  // Only the officer's areas; an area asked for outside them lists nothing (as an empty area would).
  const area = areaCondition(input.actor.scope, input.area);
  if (area !== undefined) filter.area = area;
  if (input.overdue !== undefined) filter[`${stepPath}.overdue`] = input.overdue;
  // A released step has no assignedOfficer at all: the workflow deletes the field.
  if (input.assignedTo === 'me') filter[`${stepPath}.assignedOfficer`] = input.actor.sub;
  if (input.assignedTo === 'nobody') filter[`${stepPath}.assignedOfficer`] = trusted({ $exists: false });
  if (input.after) {
    const [due, submitted, id] = input.after;
    // Steps without a deadline (still checking, or paused for the applicant) sort first, as missing values do.
    const sameDue = due ? due : null;
    filter.$or = [
      { [dueAt]: sameDue, submittedAt: trusted({ $gt: submitted }) },
      { [dueAt]: sameDue, submittedAt: submitted, _id: trusted({ $gt: id }) },
      { [dueAt]: trusted({ $gt: due }) },
    ];
  }
  return filter;
}

const statusCondition = (statuses: readonly OpenStepStatus[]) =>
  statuses.length === 1 ? statuses[0] : trusted({ $in: [...statuses] });

/** A page of the inbox, and how much the whole inbox holds under the same filters. */
export interface InboxPage extends Page<InboxItem> {
  /** Steps matching the filters, on every page. */
  total: number;
  /** Of them, awaiting a decision (the first part): what is left to decide. */
  awaitingDecision: number;
}

/**
 * How many steps the inbox holds under the filters, and how many of them await a decision: an
 * officer at a desk all day asks "how much is left", which a page of 25 did not say.
 */
async function inboxCounts(deps: AppDeps, input: OfficerInboxInput): Promise<{ total: number; awaitingDecision: number }> {
  const cases = caseModel(deps.mongo);
  const count = (statuses: readonly OpenStepStatus[]) => cases.countDocuments(inboxFilter({ ...input, statuses }));
  if (input.status) {
    const total = await count([input.status]);
    return { total, awaitingDecision: input.status === 'awaiting_decision' ? total : 0 };
  }
  const [total, awaitingDecision] = await Promise.all([count(OPEN_STEP_STATUSES), count(['awaiting_decision'])]);
  return { total, awaitingDecision };
}

export async function officerInbox(deps: AppDeps, input: OfficerInboxInput): Promise<InboxPage> {
  const d = input.actor.department;
  const parts = input.status ? [[input.status]] : INBOX_PARTS;
  const [startPart, ...after] = input.cursor ? decodeCursor(input.cursor, inboxCursor(parts.length === 1)) : ['0'];
  // Counted beside the page's reads; awaited at the end (a failed page read leaves it observed).
  const counting = inboxCounts(deps, input);
  counting.catch(() => undefined);
  const start = Number(startPart);
  // Each part from its own query (the same index), until the page and one more are read.
  const docs: Array<{ c: CaseDoc; part: number }> = [];
  for (let part = start; part < parts.length && docs.length <= input.limit; part++) {
    const filter = inboxFilter({
      ...input,
      statuses: parts[part]!,
      ...(part === start && after.length === 3 ? { after: after as [string, string, string] } : {}),
    });
    // Only what an inbox line shows: officers read their inbox all day, and the whole case (its
    // application, every step's findings, each personal field to open) was most of each read's cost.
    const found = await caseModel(deps.mongo)
      .find(filter)
      .select({ caseNumber: 1, route: 1, area: 1, status: 1, submittedAt: 1, [`steps.${d}`]: 1 })
      .sort(inboxSort(d))
      .limit(input.limit + 1 - docs.length)
      .lean<CaseDoc[]>();
    docs.push(...found.map((c) => ({ c, part })));
  }
  const page = pageOf(
    docs,
    input.limit,
    ({ c }) => {
      const s = c.steps[d]!;
      return InboxItem.parse({
        caseId: c._id,
        caseNumber: c.caseNumber,
        route: c.route,
        area: c.area,
        caseStatus: c.status,
        stepStatus: s.status,
        ...(awaitsPointsScore(s) ? { awaitingScore: true } : {}),
        dueAt: s.dueAt,
        ...(s.dueProvisional ? { dueProvisional: true } : {}),
        ...(s.status === 'supplement_requested' && s.supplement?.dueAt
          ? {
              supplementDueAt: s.supplement.dueAt,
              ...(s.supplement.dueProvisional ? { supplementDueProvisional: true } : {}),
            }
          : {}),
        overdue: s.overdue,
        assignedOfficer: s.assignedOfficer,
      });
    },
    ({ c, part }) => [String(part), c.steps[d]?.dueAt ?? '', c.submittedAt, c._id],
  );
  await recordAccess(deps, {
    actor: input.actor,
    view: 'officer_inbox',
    caseIds: page.items.map((i) => i.caseId),
    access: input.access,
  });
  return { ...page, ...(await counting) };
}

/** How many of the soonest steps are looked through for one the officer may take (others' held ones skipped). */
const NEXT_LOOKAHEAD = 10;

/**
 * The soonest-due step awaiting a decision that this officer may decide (theirs, or nobody's),
 * other than the case just decided: what the page offers as the next one, so an officer works
 * through the inbox from the keyboard. Recorded as an inbox access to that one case.
 */
export async function nextStepToDecide(
  deps: AppDeps,
  input: { actor: OfficerActor; exceptCaseId: string; access?: AccessContext },
): Promise<{ caseId: string; caseNumber: string } | undefined> {
  const d = input.actor.department;
  const docs = await caseModel(deps.mongo)
    .find(inboxFilter({ actor: input.actor, status: 'awaiting_decision' }))
    .select({ caseNumber: 1, [`steps.${d}.assignedOfficer`]: 1 })
    .sort(inboxSort(d))
    .limit(NEXT_LOOKAHEAD)
    .lean();
  const next = docs.find((c) => {
    const holder = c.steps[d]?.assignedOfficer;
    return c._id !== input.exceptCaseId && (!holder || holder === input.actor.sub);
  });
  if (!next) return undefined;
  await recordAccess(deps, { actor: input.actor, view: 'officer_inbox', caseIds: [next._id], access: input.access });
  return { caseId: next._id, caseNumber: next.caseNumber };
}
