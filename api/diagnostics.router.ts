/** Diagnostics: start an end-to-end probe and read it back (app/diagnostics.ts). */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { Probe, readProbe, startProbe } from '../app/diagnostics';
import type { ApiDeps } from './deps';
import { addRoute } from './http/route';

export function diagnosticsRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const roles = ['supervisor' as const];

  addRoute(router, registry, {
    method: 'post',
    path: '/diagnostics/probes',
    summary: 'Start an end-to-end probe (API → Temporal → worker → MongoDB)',
    tag: 'diagnostics',
    roles,
    body: z.strictObject({ message: z.string().min(1).max(200) }),
    responses: {
      202: {
        description: 'Probe started',
        schema: Probe,
        headers: { Location: 'the probe: `/api/v1/diagnostics/probes/{probeId}`' },
      },
    },
    handler: async ({ body }) => {
      const probe = await startProbe(deps, body);
      return { status: 202, body: probe, headers: { Location: `/api/v1/diagnostics/probes/${probe.probeId}` } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/diagnostics/probes/:probeId',
    summary: 'Read a probe back: recorded once its workflow’s activity wrote it',
    tag: 'diagnostics',
    roles,
    params: z.strictObject({ probeId: z.uuid() }),
    responses: { 200: { description: 'The probe', schema: Probe } },
    handler: async ({ params }) => ({ status: 200, body: await readProbe(deps, params) }),
  });
  return router;
}
