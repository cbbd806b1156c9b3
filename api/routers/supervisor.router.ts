/** Supervisor routes: the stuck-case audit, interventions, and the full audit trail. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { trusted } from 'mongoose';
import { z } from 'zod';
import { DEPARTMENTS, DISTRICTS, TOWNS } from '../../domain/vocabulary';
import { auditEventModel } from '../../models/audit-event.model';
import { caseModel } from '../../models/case.model';
import {
  SUPERVISOR_ACTIONS,
  settlementCaseWorkflowId,
  supervisorActionUpdate,
  terminateUpdate,
} from '../../workflows/settlement-case.messages';
import type { ApiDeps } from '../deps';
import { decodeCursor, encodeCursor, InstantAndId } from '../http/cursor';
import { requestIdOf } from '../http/request-id';
import { addRoute } from '../http/route';
import { supervisorView, SupervisorCaseView } from '../schemas/case-views';
import { CaseIdParams, CaseStepParams, Limit } from '../schemas/common';
import { loadCaseOr404 } from '../services/case-store';
import { mapWorkflowErrors } from '../services/workflow-errors';
import { AuditEventView, auditCsv, auditView } from '../schemas/audit-views';

export const STUCK_REASONS = ['overdue', 'stale', 'supplement_past_due', 'failing_checks'] as const;

const StuckItem = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    status: z.string(),
    route: z.string(),
    area: z.string(),
    lastProgressAt: z.string(),
    pendingDepartments: z.array(z.string()),
    overdueDepartments: z.array(z.string()),
    failingChecks: z.array(z.string()),
    supplementDueAt: z.string().optional(),
  })
  .meta({ id: 'StuckCase' });

const ActionBody = z
  .strictObject({
    action: z.enum(SUPERVISOR_ACTIONS).meta({
      description:
        'authorise_supplement_round lets the department ask for material once more (一次性告知: one request per department otherwise); it needs a note giving the reason',
    }),
    extendByMs: z
      .number()
      .int()
      .min(60_000)
      .max(90 * 24 * 3600_000)
      .optional(),
    officerId: z.string().trim().min(1).max(128).optional(),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.action === 'extend_deadline' && !a.extendByMs)
      ctx.addIssue({ code: 'custom', path: ['extendByMs'], message: 'required to extend a deadline' });
    if (a.action === 'reassign' && !a.officerId)
      ctx.addIssue({ code: 'custom', path: ['officerId'], message: 'required to reassign' });
    if (a.action === 'authorise_supplement_round' && !a.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'give the reason for another supplement round' });
  })
  .meta({ id: 'SupervisorAction' });

export function supervisorRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const roles = ['supervisor' as const];
  const cases = caseModel(deps.mongo);
  const audit = auditEventModel(deps.mongo);

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/stuck-cases',
    summary: 'Cases that need a supervisor: overdue steps, no progress since T, supplements past due, failing system steps',
    tag: 'supervisor',
    roles,
    query: z.strictObject({
      reason: z.enum(STUCK_REASONS),
      department: z.enum(DEPARTMENTS).optional(),
      route: z.enum(['town', 'points']).optional(),
      area: z.enum([...DISTRICTS, ...TOWNS]).optional(),
      since: z.iso
        .datetime({ offset: true })
        .optional()
        .meta({ description: 'stale: no progress since this instant (default: 24 h ago)' }),
      limit: Limit,
      cursor: z.string().max(200).optional(),
    }),
    responses: {
      200: {
        description: 'Matching cases, oldest progress first, with counts per department',
        schema: z.object({
          items: z.array(StuckItem),
          total: z.number(),
          countsByDepartment: z.record(z.string(), z.number()),
          nextCursor: z.string().optional(),
        }),
      },
    },
    handler: async ({ query }) => {
      const filter: Record<string, unknown> = { open: true };
      let unwind: string;
      switch (query.reason) {
        case 'overdue':
          filter.overdue = true;
          unwind = 'overdueDepartments';
          if (query.department) filter.overdueDepartments = query.department;
          break;
        case 'stale':
          filter.lastProgressDate = trusted({ $lt: new Date(query.since ?? Date.now() - 24 * 3600_000) });
          unwind = 'pendingDepartments';
          if (query.department) filter.pendingDepartments = query.department;
          break;
        case 'supplement_past_due':
          filter.supplementDueAt = trusted({ $lt: new Date() });
          unwind = 'pendingDepartments';
          if (query.department) filter.pendingDepartments = query.department;
          break;
        case 'failing_checks':
          filter.failingChecks = query.department ?? trusted({ $in: [...DEPARTMENTS, 'compensation'] });
          unwind = 'failingChecks';
          break;
      }
      if (query.route) filter.route = query.route;
      if (query.area) filter.area = query.area;
      const pageFilter = { ...filter };
      if (query.cursor) {
        const [at, id] = decodeCursor(query.cursor, InstantAndId);
        pageFilter.$or = [
          { lastProgressDate: trusted({ $gt: new Date(at) }) },
          { lastProgressDate: new Date(at), _id: trusted({ $gt: id }) },
        ];
      }
      const [docs, total, counts] = await Promise.all([
        cases
          .find(pageFilter)
          .sort({ lastProgressDate: 1, _id: 1 })
          .limit(query.limit + 1)
          .lean(),
        cases.countDocuments(filter),
        cases.aggregate<{ _id: string; n: number }>([
          { $match: filter },
          { $unwind: `$${unwind}` },
          { $group: { _id: `$${unwind}`, n: { $sum: 1 } } },
        ]),
      ]);
      const page = docs.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor =
        docs.length > query.limit && last ? encodeCursor([last.lastProgressDate.toISOString(), last._id]) : undefined;
      return {
        status: 200,
        body: {
          items: page.map((c) => StuckItem.parse({ ...c, caseId: c._id, supplementDueAt: c.supplementDueAt?.toISOString() })),
          total,
          countsByDepartment: Object.fromEntries(counts.map((r) => [r._id, r.n])),
          ...(nextCursor ? { nextCursor } : {}),
        },
      };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/cases/:caseId',
    summary: 'A case in full',
    tag: 'supervisor',
    roles,
    params: CaseIdParams,
    responses: { 200: { description: 'The case', schema: SupervisorCaseView } },
    handler: async ({ params }) => ({ status: 200, body: supervisorView(await loadCaseOr404(deps, params.caseId)) }),
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/supervisor/cases/:caseId/steps/:department/actions',
    summary: 'Intervene on a step: extend its deadline, reassign it, escalate it, or retry a failing system lookup',
    tag: 'supervisor',
    roles,
    params: CaseStepParams,
    body: ActionBody,
    responses: {
      200: { description: 'The step after the action', schema: z.object({ step: z.record(z.string(), z.unknown()) }) },
      409: { description: 'The case has ended' },
      422: { description: 'The action does not apply to the step now' },
    },
    handler: async ({ caller, params, body, req }) => {
      await loadCaseOr404(deps, params.caseId);
      const requestId = requestIdOf(req);
      const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(params.caseId));
      const step = await mapWorkflowErrors(deps, () =>
        handle.executeUpdate(supervisorActionUpdate, {
          updateId: `action:${caller.sub}:${requestId}`,
          args: [{ requestId, supervisorId: caller.sub, department: params.department, ...body }],
        }),
      );
      const c = await loadCaseOr404(deps, params.caseId);
      const view = supervisorView({ ...c, steps: { ...c.steps, [params.department]: step } });
      return { status: 200, body: { step: view.steps.find((s) => s.department === params.department) } };
    },
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/supervisor/cases/:caseId/termination',
    summary: 'Terminate a case; everything committed for it is released (compensation)',
    tag: 'supervisor',
    roles,
    params: CaseIdParams,
    body: z.strictObject({ note: z.string().trim().min(1).max(500) }).meta({ id: 'Termination' }),
    responses: {
      202: { description: 'Termination accepted; compensations run' },
      409: { description: 'The case has ended or is registering' },
    },
    handler: async ({ caller, params, body, req }) => {
      await loadCaseOr404(deps, params.caseId);
      const requestId = requestIdOf(req);
      const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(params.caseId));
      await mapWorkflowErrors(deps, () =>
        handle.executeUpdate(terminateUpdate, {
          updateId: `terminate:${caller.sub}:${requestId}`,
          args: [{ requestId, supervisorId: caller.sub, note: body.note }],
        }),
      );
      return { status: 202, body: { caseId: params.caseId, status: 'terminated' } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/cases/:caseId/audit',
    summary: 'The full audit trail of a case',
    tag: 'supervisor',
    roles,
    params: CaseIdParams,
    responses: { 200: { description: 'Audit events in order', schema: z.object({ items: z.array(AuditEventView) }) } },
    handler: async ({ params }) => {
      await loadCaseOr404(deps, params.caseId);
      const events = await audit.find({ caseId: params.caseId }).sort({ seq: 1, n: 1, at: 1 }).lean();
      return { status: 200, body: { items: events.map((e) => auditView(e, 'supervisor')) } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/cases/:caseId/audit.csv',
    summary: 'Export the audit trail of a case as CSV',
    tag: 'supervisor',
    roles,
    params: CaseIdParams,
    responses: { 200: { description: 'CSV (UTF-8, header row)', schema: z.string(), contentType: 'text/csv' } },
    handler: async ({ params }) => {
      const c = await loadCaseOr404(deps, params.caseId);
      const events = await audit.find({ caseId: params.caseId }).sort({ seq: 1, n: 1, at: 1 }).lean();
      return {
        status: 200,
        raw: { contentType: 'text/csv; charset=utf-8', text: auditCsv(events.map((e) => auditView(e, 'supervisor'))) },
        headers: { 'Content-Disposition': `attachment; filename="audit-${c.caseNumber}.csv"` },
      };
    },
  });

  return router;
}
