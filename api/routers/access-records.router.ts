/** Access records (issue 15 part 3): who viewed a case, or what a person viewed; supervisors and auditors. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { AccessRecordView, accessRecords } from '../../app/queries/access-records';
import type { ApiDeps } from '../deps';
import { addRoute } from '../http/route';
import { Limit } from '../schemas/common';

export function accessRecordsRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  addRoute(router, registry, {
    method: 'get',
    path: '/access-records',
    summary:
      'Access records of a case (caseId or caseNumber) or of a person (userId), newest first; each carries its SM3 chain hashes',
    tag: 'audit',
    roles: ['supervisor', 'auditor'] as const,
    query: z.strictObject({
      caseId: z.uuid().optional().meta({ description: 'Views of this case, list pages that showed it included' }),
      caseNumber: z.string().min(1).max(40).optional().meta({
        description:
          'The case by its 受理编号 instead of its id (HK-2026-000005; lower case and full-width forms are read too); a number of no case is a 404',
      }),
      userId: z.string().min(1).max(128).optional().meta({ description: 'Views by this person (their token’s sub)' }),
      limit: Limit,
      cursor: z.string().max(200).optional(),
    }),
    responses: {
      200: {
        description: 'A page of access records',
        schema: z.object({ items: z.array(AccessRecordView), nextCursor: z.string().optional() }),
      },
    },
    handler: async ({ caller, query }) => ({ status: 200, body: await accessRecords(deps, { actor: caller, ...query }) }),
  });
  return router;
}
