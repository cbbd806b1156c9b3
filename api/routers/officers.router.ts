/**
 * The officer directory (README "Officer directory"): supervisors and operators read it; the
 * identity provider's sync job, as an operator, puts the provider's officer roster in it.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { OfficerRoster, replaceOfficerRoster } from '../../app/commands/officer-roster';
import { listOfficers, OfficerView } from '../../app/queries/officers';
import type { ApiDeps } from '../deps';
import { addRoute } from '../http/route';

export function officersRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  addRoute(router, registry, {
    method: 'get',
    path: '/officers',
    summary: 'The officers a step can be handed to: listed by the identity provider or seen at a sign-in',
    tag: 'supervisor',
    roles: ['supervisor', 'operator'] as const,
    responses: {
      200: { description: 'Every known officer, by department then name', schema: z.object({ items: z.array(OfficerView) }) },
    },
    handler: async ({ caller }) => ({ status: 200, body: { items: await listOfficers(deps, { actor: caller }) } }),
  });
  addRoute(router, registry, {
    method: 'put',
    path: '/officers',
    summary: "Replace the officer roster with the identity provider's (a sync job's export): officers not in it are removed",
    tag: 'operations',
    roles: ['operator'] as const,
    body: OfficerRoster,
    responses: {
      200: {
        description: 'The directory now holds exactly these officers (plus any who sign in later)',
        schema: z.object({ listed: z.number().int(), removed: z.number().int() }),
      },
    },
    handler: async ({ caller, body }) => ({
      status: 200,
      body: await replaceOfficerRoster(deps, { actor: caller, roster: body }),
    }),
  });
  return router;
}
