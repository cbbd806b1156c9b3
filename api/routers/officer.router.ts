/** Officer routes: the department inbox, the department-scoped case view, and decisions. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { trusted } from 'mongoose';
import { z } from 'zod';
import { OFFICER_REASONS, REJECTION_REASONS, reasonApplies } from '../../domain/codes';
import { DISTRICTS, STEP_STATUSES, TOWNS, type Department } from '../../domain/vocabulary';
import { caseModel } from '../../models/case.model';
import { assignSchoolPlaceUpdate, decideUpdate, settlementCaseWorkflowId } from '../../workflows/settlement-case.messages';
import type { Caller } from '../auth/identity';
import type { ApiDeps } from '../deps';
import { decodeCursor, encodeCursor, OptionalInstantAndId } from '../http/cursor';
import { requestIdOf } from '../http/request-id';
import { addRoute } from '../http/route';
import type { Metrics } from '../metrics';
import { HttpProblem } from '../problem';
import { officerView, OfficerCaseView } from '../schemas/case-views';
import { CaseIdParams, CaseStepParams, Limit } from '../schemas/common';
import { auditRefusedAttempt } from '../services/audit-writer';
import { loadCaseOr404 } from '../services/case-store';
import { withTemporalDeadline } from '../services/temporal-call';
import { mapWorkflowErrors, toHttpProblem } from '../services/workflow-errors';

const OPEN_STEP_STATUSES = ['checking', 'check_failed', 'awaiting_decision', 'supplement_requested'] as const;

export const DecisionBody = z
  .strictObject({
    decision: z.enum(['approve', 'reject', 'request_supplement']),
    reasonCode: z.enum(REJECTION_REASONS).optional().meta({
      description:
        'Must apply to the case’s route and your department (e.g. a criminal record is no reason on the town route, §1; education never refuses a town case, §21–23); otherwise 400',
    }),
    /** Goes into the applicant's rejection notice, whose template takes at most 200 characters. */
    reasonText: z.string().trim().min(1).max(200).optional(),
    missing: z.array(z.string().trim().min(1).max(200)).min(1).max(20).optional().meta({
      description:
        '一次性告知: everything missing, listed at once; a department asks once unless a supervisor authorises another round',
    }),
    internalNote: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'Officer-internal; never shown to the applicant' }),
  })
  .superRefine((d, ctx) => {
    if (d.decision === 'reject' && !d.reasonCode)
      ctx.addIssue({ code: 'custom', path: ['reasonCode'], message: 'a rejection needs a reason code' });
    if (d.decision === 'reject' && d.reasonCode === 'other' && !d.reasonText)
      ctx.addIssue({ code: 'custom', path: ['reasonText'], message: 'a rejection for "other" reasons needs a reason text' });
    if (d.decision === 'request_supplement' && !d.missing)
      ctx.addIssue({ code: 'custom', path: ['missing'], message: 'list the missing material' });
  })
  .meta({ id: 'Decision' });

const InboxItem = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    route: z.string(),
    area: z.string(),
    caseStatus: z.string(),
    stepStatus: z.enum(STEP_STATUSES),
    dueAt: z.string().optional(),
    overdue: z.boolean(),
    assignedOfficer: z.string().optional(),
  })
  .meta({ id: 'InboxItem' });

const WaitingChild = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    caseStatus: z.string(),
    personIndex: z.number(),
    level: z.string(),
    area: z.string(),
    waitingSince: z.string().optional(),
    position: z.number().optional(),
    dueAt: z.string().optional(),
    overdue: z.boolean(),
  })
  .meta({ id: 'WaitingChild' });

const officerDepartment = (caller: Caller): Department => {
  if (caller.role !== 'officer') throw new HttpProblem(403, 'forbidden', 'Officers only');
  return caller.department;
};

export function officerRouter(deps: ApiDeps, registry: OpenAPIRegistry, metrics: Metrics): Router {
  const router = Router();
  const roles = ['officer' as const];
  const cases = caseModel(deps.mongo);

  addRoute(router, registry, {
    method: 'get',
    path: '/officer/inbox',
    summary: "Your department's open steps, soonest due first",
    tag: 'officer',
    roles,
    query: z.strictObject({
      status: z.enum(OPEN_STEP_STATUSES).optional(),
      route: z.enum(['town', 'points']).optional(),
      area: z.enum([...DISTRICTS, ...TOWNS]).optional(),
      overdue: z.enum(['true', 'false']).optional(),
      limit: Limit,
      cursor: z.string().max(200).optional(),
    }),
    responses: {
      200: {
        description: 'A page of the inbox',
        schema: z.object({ items: z.array(InboxItem), nextCursor: z.string().optional() }),
      },
    },
    handler: async ({ caller, query }) => {
      const d = officerDepartment(caller);
      const stepPath = `steps.${d}`;
      const filter: Record<string, unknown> = {
        [`${stepPath}.status`]: query.status ?? trusted({ $in: [...OPEN_STEP_STATUSES] }),
      };
      if (query.route) filter.route = query.route;
      if (query.area) filter.area = query.area;
      if (query.overdue) filter[`${stepPath}.overdue`] = query.overdue === 'true';
      if (query.cursor) {
        const [due, id] = decodeCursor(query.cursor, OptionalInstantAndId);
        const dueAt = `${stepPath}.dueAt`;
        // Steps without a deadline yet (still checking) sort first, as missing values do.
        filter.$or = due
          ? [{ [dueAt]: trusted({ $gt: due }) }, { [dueAt]: due, _id: trusted({ $gt: id }) }]
          : [{ [dueAt]: null, _id: trusted({ $gt: id }) }, { [dueAt]: trusted({ $gt: '' }) }];
      }
      const docs = await cases
        .find(filter)
        .sort({ [`${stepPath}.dueAt`]: 1, _id: 1 })
        .limit(query.limit + 1)
        .lean();
      const page = docs.slice(0, query.limit);
      const items = page.map((c) => {
        const s = c.steps[d]!;
        return InboxItem.parse({
          caseId: c._id,
          caseNumber: c.caseNumber,
          route: c.route,
          area: c.area,
          caseStatus: c.status,
          stepStatus: s.status,
          dueAt: s.dueAt,
          overdue: s.overdue,
          assignedOfficer: s.assignedOfficer,
        });
      });
      const last = page[page.length - 1];
      const nextCursor = docs.length > query.limit && last ? encodeCursor([last.steps[d]?.dueAt ?? '', last._id]) : undefined;
      return { status: 200, body: { items, ...(nextCursor ? { nextCursor } : {}) } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/officer/cases/:caseId',
    summary: "A case as your department needs it: your step in full, others' status only",
    tag: 'officer',
    roles,
    params: CaseIdParams,
    responses: { 200: { description: 'The case, scoped to your department', schema: OfficerCaseView } },
    handler: async ({ caller, params }) => {
      const d = officerDepartment(caller);
      const c = await loadCaseOr404(deps, params.caseId);
      if (!c.steps[d]) throw new HttpProblem(404, 'not-found', 'No such case for your department');
      return { status: 200, body: officerView(c, d) };
    },
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/officer/cases/:caseId/steps/:department/decision',
    summary: 'Decide your department’s step: approve, reject (with reason) or request supplementary material',
    tag: 'officer',
    roles,
    params: CaseStepParams,
    body: DecisionBody,
    responses: {
      200: { description: 'The new state of the step', schema: z.object({ step: z.record(z.string(), z.unknown()) }) },
      409: { description: 'The step is not awaiting a decision (e.g. another officer decided first)' },
      422: { description: 'The decision is incomplete' },
    },
    handler: async ({ caller, params, body, req }) => {
      const d = officerDepartment(caller);
      const requestId = requestIdOf(req);
      const attempt = {
        actor: { id: caller.sub, role: 'officer' as const, department: d },
        department: params.department,
        data: { decision: body.decision, requestId },
      };
      // A made-up case id is a 404 before anything is audited: audit lines belong to real cases.
      const current = await loadCaseOr404(deps, params.caseId);
      if (body.reasonCode && !reasonApplies(current.application.route, params.department, body.reasonCode)) {
        const allowed = OFFICER_REASONS[current.application.route][params.department];
        throw new HttpProblem(
          400,
          'validation-error',
          `${body.reasonCode} is not a reason the ${params.department} department gives on the ${current.application.route} route`,
          {
            invalidParams: [
              {
                path: '/reasonCode',
                message: allowed.length ? `one of ${allowed.join(', ')}` : 'this department does not refuse on this route',
              },
            ],
          },
        );
      }
      if (params.department !== d) {
        await auditRefusedAttempt(deps, params.caseId, requestId, {
          ...attempt,
          type: 'decision_refused',
          what: body.decision,
          why: 'wrong_department',
        });
        throw new HttpProblem(403, 'wrong-department', `A ${d} officer cannot decide the ${params.department} step`);
      }
      const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(params.caseId));
      let step;
      try {
        step = await withTemporalDeadline(deps, () =>
          handle.executeUpdate(decideUpdate, {
            updateId: `decide:${d}:${requestId}`,
            args: [
              {
                requestId,
                department: params.department,
                officerDepartment: d,
                officerId: caller.sub,
                decision: body.decision,
                ...(body.reasonCode ? { reasonCode: body.reasonCode } : {}),
                ...(body.reasonText ? { reasonText: body.reasonText } : {}),
                ...(body.missing ? { missing: body.missing } : {}),
                ...(body.internalNote ? { internalNote: body.internalNote } : {}),
              },
            ],
          }),
        );
      } catch (err) {
        const problem = toHttpProblem(err);
        if (!problem) throw err;
        await auditRefusedAttempt(deps, params.caseId, requestId, {
          ...attempt,
          type: 'decision_refused',
          what: body.decision,
          why: problem.type,
        });
        throw problem;
      }
      metrics.decisions.inc({ department: d, decision: body.decision });
      // The update answers with the step as the workflow now holds it; the read model may lag.
      const c = await loadCaseOr404(deps, params.caseId);
      return { status: 200, body: { step: officerView({ ...c, steps: { ...c.steps, [d]: step } }, d).step } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/officer/school-waitlist',
    summary: 'Education: children waiting for a kindergarten / school place in your areas (§21–23), longest waiting first',
    tag: 'officer',
    roles,
    query: z.strictObject({ area: z.enum([...DISTRICTS, ...TOWNS]).optional() }),
    responses: { 200: { description: 'Waiting children', schema: z.object({ items: z.array(WaitingChild) }) } },
    handler: async ({ caller, query }) => {
      if (officerDepartment(caller) !== 'education') throw new HttpProblem(403, 'forbidden', 'Education officers only');
      const filter: Record<string, unknown> = { open: true, childrenWaiting: trusted({ $gt: 0 }) };
      if (query.area) filter.area = query.area;
      const docs = await cases.find(filter).limit(500).lean();
      const items = docs
        .flatMap((c) =>
          (c.schoolPlacements ?? [])
            .filter((p) => p.status === 'waiting')
            .map((p) => WaitingChild.parse({ caseId: c._id, caseNumber: c.caseNumber, caseStatus: c.status, ...p })),
        )
        .sort((a, b) => (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''));
      return { status: 200, body: { items } };
    },
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/officer/cases/:caseId/children/:personIndex/school-place',
    summary: 'Education: place a waiting child at a named school or kindergarten elsewhere in the area (§21)',
    tag: 'officer',
    roles,
    params: z.strictObject({ caseId: CaseIdParams.shape.caseId, personIndex: z.coerce.number().int().min(1).max(20) }),
    body: z.strictObject({ school: z.string().trim().min(1).max(100), note: z.string().trim().min(1).max(500).optional() }),
    responses: {
      200: { description: 'The child’s place', schema: z.object({ placement: z.record(z.string(), z.unknown()) }) },
      409: { description: 'The child is not waiting for a place' },
    },
    handler: async ({ caller, params, body, req }) => {
      if (officerDepartment(caller) !== 'education') throw new HttpProblem(403, 'wrong-department', 'Education officers only');
      await loadCaseOr404(deps, params.caseId);
      const requestId = requestIdOf(req);
      const handle = deps.temporal.workflow.getHandle(settlementCaseWorkflowId(params.caseId));
      const placement = await mapWorkflowErrors(deps, () =>
        handle.executeUpdate(assignSchoolPlaceUpdate, {
          updateId: `place:${params.personIndex}:${requestId}`,
          args: [
            {
              requestId,
              officerId: caller.sub,
              officerDepartment: 'education',
              personIndex: params.personIndex,
              school: body.school,
              ...(body.note ? { note: body.note } : {}),
            },
          ],
        }),
      );
      return { status: 200, body: { placement } };
    },
  });

  return router;
}
