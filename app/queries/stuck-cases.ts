/**
 * The supervisor's audit of cases that need them: overdue steps, no progress since a moment,
 * supplements past due, failing system lookups (or compensations) — oldest progress first, with
 * the total and the count per department. Filters on the read model's `open` flag first, which
 * FerretDB pushes down, so ended cases are never scanned (README "Benchmarks"). Each page is an
 * access record naming the cases it shows (app/access-records).
 */
import { recordAccess, type AccessContext } from '../access-records/record-access';
import type { SupervisorActor } from '../actor';
import { trusted } from 'mongoose';
import { z } from 'zod';
import { Instant } from '../views/instant';
import type { Area } from '../../domain/capacity';
import { summarize } from '../../domain/case-summary';
import { DEPARTMENTS, type Department, type Route } from '../../domain/vocabulary';
import { caseModel } from '../../models/case.model';
import type { AppDeps } from '../deps';
import { Incident, incidentsOf, noticeIncident } from '../views/incidents';
import { noticeModel } from '../../models/notice.model';
import { staleSince } from './stale-since';
import { decodeCursor, InstantAndId, pageOf, type Page } from '../page-cursor';

/**
 * undelivered_notices: a notice of the case could not be delivered after its retries (issue 14),
 * open case or not. open: every case still in progress, stuck or not — the supervisor's list of
 * all the work in hand, with the same filters, order, counts and CSV.
 */
export const STUCK_REASONS = [
  'overdue',
  'stale',
  'supplement_past_due',
  'failing_checks',
  'undelivered_notices',
  'open',
] as const;
export type StuckReason = (typeof STUCK_REASONS)[number];
/** oldest: the longest without progress first (the default); newest: the most recent progress first. */
export const STUCK_ORDERS = ['oldest', 'newest'] as const;
export type StuckOrder = (typeof STUCK_ORDERS)[number];

export const StuckItem = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    status: z.string(),
    route: z.string(),
    area: z.string(),
    lastProgressAt: Instant,
    pendingDepartments: z.array(z.string()),
    overdueDepartments: z.array(z.string()),
    /** When each overdue department's wait fell due (its earliest missed deadline), oldest first. */
    overdueDeadlines: z.array(z.object({ department: z.string(), dueAt: Instant })).meta({
      description:
        'The deadline each overdue department missed (its earliest), oldest first; a department whose deadline is paused for the applicant’s material, or has none recorded, is left out',
    }),
    failingChecks: z.array(z.string()),
    /** Failing lookups and compensations, each with its last error and rounds. */
    incidents: z.array(Incident),
    supplementDueAt: Instant.optional(),
  })
  .meta({ id: 'StuckCase' });
export type StuckItem = z.infer<typeof StuckItem>;

export interface StuckCasesInput {
  actor: SupervisorActor;
  access?: AccessContext;
  reason: StuckReason;
  department?: Department;
  route?: Route;
  area?: Area;
  /** stale: no progress since this instant (default: a working day ago, app/queries/stale-since.ts). */
  since?: string;
  /** By last progress; a cursor belongs to the order it was made in. */
  order?: StuckOrder;
  limit: number;
  cursor?: string;
}

export interface StuckCases extends Page<StuckItem> {
  total: number;
  countsByDepartment: Record<string, number>;
}

/** The read-model filter of a stuck-case list and the array it counts by (exported for the index test). */
export function stuckFilter(input: Omit<StuckCasesInput, 'limit' | 'cursor' | 'order' | 'actor' | 'access'>): {
  filter: Record<string, unknown>;
  unwind: string;
} {
  const filter: Record<string, unknown> = { open: true };
  let unwind: string;
  switch (input.reason) {
    case 'overdue':
      filter.overdue = true;
      unwind = 'overdueDepartments';
      if (input.department) filter.overdueDepartments = input.department;
      break;
    case 'stale':
      filter.lastProgressDate = trusted({ $lt: new Date(input.since ?? Date.now() - 24 * 3600_000) });
      // A points case waiting for its admission round (§2) waits by design until the round closes.
      filter.status = trusted({ $ne: 'awaiting_round' });
      unwind = 'pendingDepartments';
      if (input.department) filter.pendingDepartments = input.department;
      break;
    case 'supplement_past_due':
      filter.supplementDueAt = trusted({ $lt: new Date() });
      unwind = 'pendingDepartments';
      if (input.department) filter.pendingDepartments = input.department;
      break;
    case 'failing_checks':
      filter.failingChecks = input.department ?? trusted({ $in: [...DEPARTMENTS, 'compensation'] });
      unwind = 'failingChecks';
      break;
    case 'open':
      unwind = 'pendingDepartments';
      if (input.department) filter.pendingDepartments = input.department;
      break;
    case 'undelivered_notices':
      // Ended cases too: a decision letter not delivered is what ends a case's business last.
      delete filter.open;
      unwind = 'pendingDepartments';
      break;
  }
  if (input.route) filter.route = input.route;
  if (input.area) filter.area = input.area;
  return { filter, unwind };
}

/** Notices given up on (and not served another way), by case: the incidents of `undelivered_notices`. */
async function undeliveredByCase(deps: AppDeps, department?: Department): Promise<Map<string, Incident[]>> {
  const failed = await noticeModel(deps.mongo)
    .find({ status: 'failed', ...(department ? { 'recipient.department': department } : {}) })
    .sort({ createdAt: 1, _id: 1 })
    .limit(10_000)
    .lean();
  const byCase = new Map<string, Incident[]>();
  for (const n of failed) byCase.set(n.caseId, [...(byCase.get(n.caseId) ?? []), noticeIncident(n)]);
  return byCase;
}

export async function stuckCases(deps: AppDeps, input: StuckCasesInput): Promise<StuckCases> {
  const cases = caseModel(deps.mongo);
  // Stale without a moment given: no progress for a working day (app/queries/stale-since.ts).
  const since = input.since ?? (input.reason === 'stale' ? staleSince(deps.config, 1) : undefined);
  const { filter, unwind } = stuckFilter({ ...input, ...(since ? { since } : {}) });
  const undelivered = input.reason === 'undelivered_notices' ? await undeliveredByCase(deps, input.department) : undefined;
  if (undelivered) filter._id = trusted({ $in: [...undelivered.keys()] });
  const pageFilter = { ...filter };
  const newest = input.order === 'newest';
  const after = newest ? '$lt' : '$gt';
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor, InstantAndId);
    pageFilter.$or = [
      { lastProgressDate: trusted({ [after]: new Date(at) }) },
      { lastProgressDate: new Date(at), _id: trusted({ [after]: id }) },
    ];
  }
  const [docs, total, counts] = await Promise.all([
    cases
      .find(pageFilter)
      .sort(newest ? { lastProgressDate: -1, _id: -1 } : { lastProgressDate: 1, _id: 1 })
      .limit(input.limit + 1)
      .lean(),
    cases.countDocuments(filter),
    cases.aggregate<{ _id: string; n: number }>([
      { $match: filter },
      { $unwind: `$${unwind}` },
      { $group: { _id: `$${unwind}`, n: { $sum: 1 } } },
    ]),
  ]);
  const page = pageOf(
    docs,
    input.limit,
    (c) =>
      StuckItem.parse({
        ...c,
        caseId: c._id,
        overdueDeadlines: summarize(c).overdueDeadlines,
        incidents: [...incidentsOf(c), ...(undelivered?.get(c._id) ?? [])],
        supplementDueAt: c.supplementDueAt?.toISOString(),
      }),
    (c) => [c.lastProgressDate.toISOString(), c._id],
  );
  await recordAccess(deps, {
    actor: input.actor,
    view: 'stuck_cases',
    caseIds: page.items.map((i) => i.caseId),
    access: input.access,
  });
  const byDepartment = undelivered ? noticeCounts(undelivered) : Object.fromEntries(counts.map((r) => [r._id, r.n]));
  return { ...page, total, countsByDepartment: byDepartment };
}

/** Cases with an undelivered notice per department it was addressed to (applicant notices count as `applicant`). */
function noticeCounts(undelivered: Map<string, Incident[]>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const incidents of undelivered.values()) {
    for (const whose of new Set(incidents.map((i) => i.department ?? 'applicant'))) counts[whose] = (counts[whose] ?? 0) + 1;
  }
  return counts;
}
