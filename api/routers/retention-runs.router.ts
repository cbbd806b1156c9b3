/** The retention runs (issue 15 part 5): what each nightly sweep anonymised and deleted; supervisors and auditors. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { RetentionRunView, retentionRuns } from '../../app/queries/retention-runs';
import type { ApiDeps } from '../deps';
import { addRoute } from '../http/route';
import { Limit } from '../schemas/common';

export function retentionRunsRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  addRoute(router, registry, {
    method: 'get',
    path: '/retention-runs',
    summary: 'Retention runs, newest first: the periods used, the cases anonymised per class, the access-record days deleted',
    tag: 'audit',
    roles: ['supervisor', 'auditor'] as const,
    query: z.strictObject({ limit: Limit, cursor: z.string().max(600).optional() }),
    responses: {
      200: {
        description: 'A page of retention runs',
        schema: z.object({ items: z.array(RetentionRunView), nextCursor: z.string().optional() }),
      },
    },
    handler: async ({ caller, query }) => ({ status: 200, body: await retentionRuns(deps, { actor: caller, ...query }) }),
  });
  return router;
}
