/** Supervisor routes: the stuck-case audit, interventions, and the full audit trail. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { recordAccess } from '../../app/access-records/record-access';
import { startBulkIntervention } from '../../app/commands/bulk-intervention';
import { superviseStep, terminateCase } from '../../app/commands/supervise-case';
import { bulkProgress } from '../../app/queries/bulk-progress';
import { auditTrail } from '../../app/queries/audit-trail';
import { STUCK_ORDERS, STUCK_REASONS, StuckItem, stuckCases } from '../../app/queries/stuck-cases';
import { viewCaseAsSupervisor } from '../../app/queries/view-case';
import { AuditEventView } from '../../app/views/audit-views';
import { SupervisorCaseView } from '../../app/views/case-views';
import { DEPARTMENTS, ROUTES } from '../../domain/vocabulary';
import { actionProblems } from '../../domain/case-rules';
import { BULK_ACTIONS, BULK_MAX_CASES, BULK_MAX_CONCURRENCY, BULK_OUTCOMES } from '../../workflows/bulk-intervention/messages';
import { SUPERVISOR_ACTIONS } from '../../workflows/settlement-case/messages';
import type { ApiDeps } from '../deps';
import { auditCsv } from '../http/audit-csv';
import { accessOf, PurposeHeader, RequiredPurposeHeader } from '../http/access-context';
import { IdempotencyKeyHeader, requestIdOf } from '../http/request-id';
import { addRoute } from '../http/route';
import { addDashboardRoute } from './supervisor-dashboard.route';
import { addSupervisorNoticeRoutes } from './supervisor-notices.route';
import { AreaQuery, CaseIdParams, CaseStepParams, Limit } from '../schemas/common';
import { FoundCase, findCaseByNumber } from '../../app/queries/find-case';

/** How much later a step is due (extend_deadline): a minute to 90 days. */
const ExtendByMs = z
  .number()
  .int()
  .min(60_000)
  .max(90 * 24 * 3600_000);
/** How many working days later a step is due (extend_deadline on the working-day clock). */
const ExtendByWorkingDays = z.int().min(1).max(60);
/**
 * Every intervention states why: the audit trail keeps it (the web pages ask for it too). A
 * missing or blank one is named in words, not as a type error.
 */
const REASON_NEEDED = 'give the reason for the intervention (up to 500 characters): the audit trail keeps it';
const Reason = z
  .string({ error: REASON_NEEDED })
  .trim()
  .min(1, { error: REASON_NEEDED })
  .max(500, { error: REASON_NEEDED })
  .meta({ description: "The supervisor's reason: the audit record carries it" });
/** The officer who now owns a step (reassign). */
const OfficerId = z.string().trim().min(1).max(128);

const ActionBody = z
  .strictObject({
    action: z.enum(SUPERVISOR_ACTIONS).meta({
      description:
        'authorise_supplement_round lets the department ask for material once more (一次性告知: one request per department otherwise); it needs a note giving the reason',
    }),
    extendByMs: ExtendByMs.optional(),
    extendByWorkingDays: ExtendByWorkingDays.optional().meta({
      description:
        'extend_deadline on a case counting working days (工作日): due that many working days after the current due day, at the office close; instead of extendByMs',
    }),
    officerId: OfficerId.optional(),
    note: Reason,
  })
  // The workflow's own rules (domain/case-rules.ts), so a client hears of a missing field here.
  .superRefine((a, ctx) => {
    for (const p of actionProblems(a)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
  })
  .meta({ id: 'SupervisorAction' });

const BulkBody = z
  .strictObject({
    action: z.enum(BULK_ACTIONS),
    department: z.enum(DEPARTMENTS).meta({ description: 'The step acted on in every case (terminate ends the whole case)' }),
    extendByMs: ExtendByMs.optional(),
    extendByWorkingDays: ExtendByWorkingDays.optional().meta({
      description:
        'extend_deadline counted in working days (工作日) instead of extendByMs; a case still on the elapsed clock refuses it (reported per case)',
    }),
    officerId: OfficerId.optional(),
    note: Reason.meta({ description: "The supervisor's reason: every case's audit record carries it" }),
    caseIds: z.array(z.uuid()).min(1).max(BULK_MAX_CASES),
    concurrency: z.number().int().min(1).max(BULK_MAX_CONCURRENCY).optional(),
    pauseMs: z.number().int().min(0).max(60_000).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.action === 'terminate') return;
    for (const p of actionProblems({ ...a, action: a.action }))
      ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
  })
  .meta({ id: 'BulkIntervention' });

const BulkProgressView = z
  .object({
    id: z.string().meta({ description: 'The run, as the POST answered it' }),
    bulkId: z.string().meta({ description: 'The same as id (kept for clients written before id was added)', deprecated: true }),
    supervisorId: z.string(),
    action: z.enum(BULK_ACTIONS),
    department: z.enum(DEPARTMENTS),
    note: z.string(),
    total: z.number(),
    done: z.number(),
    succeeded: z.number(),
    refused: z.number(),
    failed: z.number(),
    finished: z.boolean(),
    items: z.array(
      z.object({
        caseId: z.string(),
        caseNumber: z.string().optional().meta({ description: 'The case number (受理编号); absent for an id no case has' }),
        outcome: z.enum(BULK_OUTCOMES),
        detail: z
          .string()
          .optional()
          .meta({ description: 'Why it was refused (CaseNotOpen, CaseNotFound, InvalidAction, …) or failed' }),
        code: z.string().optional().meta({
          description:
            'A refused case: the problem code the API answers that refusal with for one case (case-not-open, not-found, invalid-action, …)',
        }),
      }),
    ),
  })
  .meta({ id: 'BulkProgress' });

export function supervisorRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const roles = ['supervisor' as const];

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/stuck-cases',
    summary:
      'Cases that need a supervisor: overdue steps, no progress since T, supplements past due, failing system steps, undelivered notices; or (open) every case in progress',
    tag: 'supervisor',
    roles,
    query: z.strictObject({
      reason: z.enum(STUCK_REASONS).meta({
        description:
          'overdue, stale, supplement_past_due, failing_checks, undelivered_notices (ended cases too); open: every case in progress, stuck or not (with department: the cases waiting on it)',
      }),
      department: z.enum(DEPARTMENTS).optional(),
      route: z.enum(ROUTES).optional(),
      area: AreaQuery.optional(),
      since: z.iso.datetime({ offset: true }).optional().meta({
        description:
          'stale: no progress since this instant (default: the same time one working day ago, on the holiday calendar; 24 h ago under DEADLINE_CLOCK=elapsed); a points case waiting for its admission round is not stale',
      }),
      order: z
        .enum(STUCK_ORDERS)
        .optional()
        .meta({ description: 'oldest (default): the longest without progress first; newest: the most recent progress first' }),
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
    headers: PurposeHeader,
    handler: async ({ caller, query, req }) => {
      const { items, total, countsByDepartment, nextCursor } = await stuckCases(deps, {
        ...query,
        actor: caller,
        access: accessOf(req),
      });
      return { status: 200, body: { items, total, countsByDepartment, ...(nextCursor ? { nextCursor } : {}) } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/cases',
    summary: 'Find a case by its number (受理编号), as an applicant quotes it or a notice carries it',
    tag: 'supervisor',
    roles,
    query: z.strictObject({
      caseNumber: z.string().max(40).meta({
        description: 'e.g. HK-2026-000005; spaces, lower case and full-width characters are accepted',
        example: 'HK-2026-000005',
      }),
    }),
    responses: {
      200: {
        description: 'The case with that number (one item), or none (no items); then GET /supervisor/cases/{caseId}',
        schema: z.object({ items: z.array(FoundCase) }),
      },
    },
    handler: async ({ caller, query }) => {
      const found = await findCaseByNumber(deps, { actor: caller, caseNumber: query.caseNumber });
      return { status: 200, body: { items: found ? [found] : [] } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/cases/:caseId',
    summary: 'A case in full',
    tag: 'supervisor',
    roles,
    params: CaseIdParams,
    headers: PurposeHeader,
    responses: { 200: { description: 'The case', schema: SupervisorCaseView } },
    handler: async ({ caller, params, req }) => ({
      status: 200,
      body: await viewCaseAsSupervisor(deps, { actor: caller, caseId: params.caseId, access: accessOf(req) }),
    }),
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/supervisor/cases/:caseId/steps/:department/actions',
    headers: IdempotencyKeyHeader.extend(PurposeHeader.shape),
    summary: 'Intervene on a step: extend its deadline, reassign it, escalate it, or retry a failing system lookup',
    tag: 'supervisor',
    roles,
    params: CaseStepParams,
    body: ActionBody,
    responses: {
      200: {
        description: 'The step after the action',
        schema: z.object({ step: SupervisorCaseView.shape.steps.element.optional() }),
      },
      409: { description: 'The case has ended' },
      422: { description: 'The action does not apply to the step now' },
    },
    handler: async ({ caller, params, body, req }) => {
      // The purpose is read (and a bad one refused) before the action, not after it was taken.
      const access = accessOf(req);
      const step = await superviseStep(deps, { actor: caller, ...params, requestId: requestIdOf(req), ...body });
      // The answer is the step in full (each person's lookup, internal notes): a read of personal
      // data like opening the case, so it is recorded as one, a repeated request too. (The pages
      // show no answer: they open the case again, which records itself.)
      await recordAccess(deps, { actor: caller, view: 'supervisor_case', caseIds: [params.caseId], access });
      return { status: 200, body: { step } };
    },
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/supervisor/cases/:caseId/termination',
    headers: IdempotencyKeyHeader,
    summary: 'Terminate a case; everything committed for it is released (compensation)',
    tag: 'supervisor',
    roles,
    params: CaseIdParams,
    body: z.strictObject({ note: Reason }).meta({ id: 'Termination' }),
    responses: {
      202: { description: 'Termination accepted; compensations run' },
      409: { description: 'The case has ended or is registering' },
    },
    handler: async ({ caller, params, body, req }) => ({
      status: 202,
      body: await terminateCase(deps, { actor: caller, caseId: params.caseId, requestId: requestIdOf(req), note: body.note }),
    }),
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/supervisor/bulk-interventions',
    headers: IdempotencyKeyHeader,
    summary: 'Apply one action to many cases (issue 11): runs as a workflow of its own, a few cases at a time',
    tag: 'supervisor',
    roles,
    body: BulkBody,
    responses: {
      202: {
        description: 'Started (or already started by this request id); its progress is at `Location`',
        schema: z.object({ id: z.string() }),
        headers: { Location: 'The progress: /api/v1/supervisor/bulk-interventions/{id}' },
      },
    },
    handler: async ({ caller, body, req }) => {
      const started = await startBulkIntervention(deps, { actor: caller, requestId: requestIdOf(req), ...body });
      return { status: 202, body: started, headers: { Location: `/api/v1/supervisor/bulk-interventions/${started.id}` } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/bulk-interventions/:id',
    summary: 'Progress of a bulk intervention while it runs; its report once it has ended',
    tag: 'supervisor',
    roles,
    params: z.strictObject({ id: z.string().regex(/^[0-9a-f]{32}$/) }),
    responses: {
      200: { description: 'Counts and every case with its outcome', schema: BulkProgressView },
      404: { description: 'No such bulk intervention' },
    },
    handler: async ({ caller, params }) => ({ status: 200, body: await bulkProgress(deps, { actor: caller, id: params.id }) }),
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/cases/:caseId/audit',
    summary: 'The full audit trail of a case',
    tag: 'supervisor',
    roles,
    params: CaseIdParams,
    headers: PurposeHeader,
    responses: { 200: { description: 'Audit events in order', schema: z.object({ items: z.array(AuditEventView) }) } },
    handler: async ({ caller, params, req }) => {
      const { items } = await auditTrail(deps, { actor: caller, caseId: params.caseId, access: accessOf(req) });
      return { status: 200, body: { items } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/cases/:caseId/audit.csv',
    summary: 'Export the audit trail of a case as CSV (say why in X-Access-Purpose: the file leaves the system)',
    tag: 'supervisor',
    roles,
    params: CaseIdParams,
    headers: RequiredPurposeHeader,
    responses: { 200: { description: 'CSV (UTF-8, header row)', schema: z.string(), contentType: 'text/csv' } },
    handler: async ({ caller, params, req }) => {
      const access = accessOf(req, { purposeRequired: true });
      const { caseNumber, items } = await auditTrail(deps, { actor: caller, caseId: params.caseId, view: 'audit_csv', access });
      return {
        status: 200,
        raw: { contentType: 'text/csv; charset=utf-8', text: auditCsv(items) },
        headers: { 'Content-Disposition': `attachment; filename="audit-${caseNumber}.csv"` },
      };
    },
  });

  addDashboardRoute(router, registry, deps);
  addSupervisorNoticeRoutes(router, registry, deps);

  return router;
}
