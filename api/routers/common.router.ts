/** Routes every role shares: a case's timeline, with what that role may see of it. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { caseTimeline } from '../../app/queries/audit-trail';
import { AuditEventView } from '../../app/views/audit-views';
import type { ApiDeps } from '../deps';
import { accessOf, PurposeHeader } from '../http/access-context';
import { addRoute } from '../http/route';
import { CaseIdParams } from '../schemas/common';

export function commonRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();

  addRoute(router, registry, {
    method: 'get',
    path: '/cases/:caseId/timeline',
    summary: 'The case timeline: the audit events your role may see',
    tag: 'cases',
    roles: ['applicant', 'officer', 'supervisor'],
    params: CaseIdParams,
    headers: PurposeHeader,
    responses: { 200: { description: 'Events in order', schema: z.object({ items: z.array(AuditEventView) }) } },
    handler: async ({ caller, params, req }) => ({
      status: 200,
      body: { items: await caseTimeline(deps, { actor: caller, caseId: params.caseId, access: accessOf(req) }) },
    }),
  });
  return router;
}
