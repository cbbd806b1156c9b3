/**
 * GET /supervisor/dashboard (issue 11): the figures a city office reports for a period, the
 * same query as the dashboard page (app/queries/dashboard.ts). Declared beside the supervisor
 * router so that file stays readable; the declaration gives validation, the role guard and the
 * OpenAPI operation like every other route.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Router } from 'express';
import { z } from 'zod';
import { dashboard, DASHBOARD_DEFAULT_DAYS, DASHBOARD_MAX_DAYS } from '../../app/queries/dashboard';
import { POOL_KINDS } from '../../app/queries/capacity-use';
import { DEPARTMENTS, ROUTES } from '../../domain/vocabulary';
import type { ApiDeps } from '../deps';
import { addRoute } from '../http/route';
import { AreaQuery } from '../schemas/common';

const Day = z.iso.date();
const Counts = { opened: z.number(), settled: z.number(), rejected: z.number(), withdrawn: z.number(), terminated: z.number() };
/** Decision times are counted in tenths of an hour (domain/case-facts.ts), so a few minutes read 0. */
const Ms = z.number().nullable().meta({
  description: 'Milliseconds, in steps of 6 minutes (360000): times are kept in tenths of an hour; null without decisions',
});

export const DashboardView = z
  .object({
    period: z.object({ from: Day, to: Day }),
    filters: z.object({
      route: z.enum(ROUTES).optional(),
      area: z.string().optional(),
      department: z.enum(DEPARTMENTS).optional(),
    }),
    asOf: z.string().meta({ description: 'When the live figures (backlog, overdue now, pools) were read' }),
    countedThrough: Day.meta({
      description: 'The last day counted: the period’s end, or today (Beijing time) while the period has not ended',
    }),
    days: z
      .array(z.object({ day: Day, ...Counts }))
      .meta({ description: 'Each day of the period up to countedThrough (a period still running lists no later day)' }),
    weeks: z.array(
      z.object({
        week: z.string().meta({ description: 'ISO 8601 week, e.g. 2026-W49' }),
        from: Day.meta({
          description: 'The first day of the week inside the period (later than Monday in a week the period cuts)',
        }),
        to: Day.meta({
          description: 'The last day of the week inside the period (earlier than Sunday in a week the period cuts)',
        }),
        ...Counts,
      }),
    ),
    sla: z.array(
      z.object({
        department: z.enum(DEPARTMENTS),
        withinDeadline: z.number(),
        late: z.number(),
        overdueNow: z.number(),
        compliancePct: z.number().nullable(),
      }),
    ),
    decisionTimes: z.array(
      z.object({
        department: z.enum(DEPARTMENTS),
        decisions: z.number(),
        medianMs: Ms.meta({
          description: 'Median (nearest rank), in milliseconds, in steps of 6 minutes (360000); null without decisions',
        }),
        p90Ms: Ms.meta({
          description: 'Nearest-rank 90th percentile, in milliseconds, in steps of 6 minutes (360000); null without decisions',
        }),
      }),
    ),
    supplements: z.array(
      z.object({
        department: z.enum(DEPARTMENTS),
        answered: z.number(),
        lapsed: z.number(),
        closed: z.number(),
        open: z.number(),
      }),
    ),
    backlog: z.array(z.object({ area: z.string(), route: z.string(), open: z.number() })),
    areas: z
      .array(
        z.object({
          area: z.string(),
          route: z.string(),
          ...Counts,
          decidedWithinDeadline: z.number(),
          decidedLate: z.number(),
          openNow: z.number().meta({ description: 'Open now, as of asOf (not of the period)' }),
          overdueNow: z.number().meta({
            description: 'Of those open now, the cases with a wait overdue now (of the department filtered, when one is)',
          }),
          openedPersons: z.number().meta({
            description: 'The people of the cases received in the period: applicants and the family members named with them (§1)',
          }),
          settledPersons: z.number().meta({
            description:
              'The people of the cases settled in the period: applicants and the family members who settled with them (§1)',
          }),
          childrenWaitingNow: z.number().meta({
            description:
              'Children (persons, not cases) waiting for a kindergarten or school place now, as of asOf (§21–23: the education waiting list, counted in the area of their case)',
          }),
        }),
      )
      .meta({
        description:
          'Every district and town (as filtered), zeros included: cases received and ended in the period, officer decisions within and after their deadline, cases open and overdue now',
      }),
    pools: z.array(
      z.object({ pool: z.string(), kind: z.enum(POOL_KINDS), area: z.string(), limit: z.number(), held: z.number() }),
    ),
  })
  .meta({ id: 'Dashboard' });

export function addDashboardRoute(router: Router, registry: OpenAPIRegistry, deps: ApiDeps): void {
  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/dashboard',
    summary:
      'Dashboard figures of a period: cases opened and ended per day and week, SLA compliance and time to decision per department, supplement rounds; backlog, overdue steps and capacity use now',
    tag: 'supervisor',
    roles: ['supervisor'],
    query: z.strictObject({
      from: Day.optional().meta({
        description: `First day (Asia/Shanghai); default ${DASHBOARD_DEFAULT_DAYS - 1} days before to`,
      }),
      to: Day.optional().meta({ description: `Last day, inclusive (default today); at most ${DASHBOARD_MAX_DAYS} days in all` }),
      route: z.enum(ROUTES).optional(),
      area: AreaQuery.optional(),
      department: z.enum(DEPARTMENTS).optional(),
    }),
    responses: {
      200: { description: 'The figures', schema: DashboardView },
      400: { description: 'from after to or after today (Beijing time), or a period longer than the limit' },
    },
    handler: async ({ query }) => ({ status: 200, body: await dashboard(deps, query) }),
  });
}
