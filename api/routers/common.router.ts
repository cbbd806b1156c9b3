/** Routes every role shares: a case's timeline, with what that role may see of it. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { auditEventModel } from '../../models/audit-event.model';
import type { ApiDeps } from '../deps';
import { addRoute } from '../http/route';
import { HttpProblem } from '../problem';
import { AuditEventView, auditView } from '../schemas/audit-views';
import { CaseIdParams } from '../schemas/common';
import { loadCaseOr404 } from '../services/case-store';

export function commonRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const audit = auditEventModel(deps.mongo);

  addRoute(router, registry, {
    method: 'get',
    path: '/cases/:caseId/timeline',
    summary: 'The case timeline: the audit events your role may see',
    tag: 'cases',
    roles: ['applicant', 'officer', 'supervisor'],
    params: CaseIdParams,
    responses: { 200: { description: 'Events in order', schema: z.object({ items: z.array(AuditEventView) }) } },
    handler: async ({ caller, params }) => {
      const c = await loadCaseOr404(deps, params.caseId);
      if (caller.role === 'applicant' && c.applicantUserId !== caller.sub)
        throw new HttpProblem(404, 'not-found', 'No such case');
      if (caller.role === 'officer' && !c.steps[caller.department])
        throw new HttpProblem(404, 'not-found', 'No such case for your department');
      const events = await audit.find({ caseId: params.caseId }).sort({ seq: 1, n: 1, at: 1 }).lean();
      const department = caller.role === 'officer' ? caller.department : undefined;
      return {
        status: 200,
        body: { items: events.map((e) => auditView(e, caller.role, department)).filter((e) => e !== undefined) },
      };
    },
  });
  return router;
}
