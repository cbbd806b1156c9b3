/**
 * End-to-end probe for supervisors and operators: starts a workflow whose activity writes to
 * MongoDB, and reads the result back. Proves API → Temporal → worker → MongoDB in one chain.
 */
import { randomUUID } from 'node:crypto';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { diagnosticProbeModel } from '../models/diagnostic-probe.model';
import { diagnosticProbe, diagnosticProbeWorkflowId } from '../workflows/diagnostic-probe.workflow';
import type { ApiDeps } from './deps';
import { addRoute } from './http/route';
import { HttpProblem } from './problem';
import { withTemporalDeadline } from './services/temporal-call';

const Probe = z
  .object({
    probeId: z.uuid(),
    status: z.enum(['started', 'running', 'recorded']),
    message: z.string().optional(),
    recordedAt: z.string().optional(),
  })
  .meta({ id: 'DiagnosticProbe' });

export function diagnosticsRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const probes = diagnosticProbeModel(deps.mongo);
  const roles = ['supervisor' as const];

  addRoute(router, registry, {
    method: 'post',
    path: '/diagnostics/probes',
    summary: 'Start an end-to-end probe (API → Temporal → worker → MongoDB)',
    tag: 'diagnostics',
    roles,
    body: z.strictObject({ message: z.string().min(1).max(200) }),
    responses: { 202: { description: 'Probe started', schema: Probe } },
    handler: async ({ body }) => {
      const probeId = randomUUID();
      await withTemporalDeadline(deps, () =>
        deps.temporal.workflow.start(diagnosticProbe, {
          taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
          workflowId: diagnosticProbeWorkflowId(probeId),
          args: [{ probeId, message: body.message }],
          workflowExecutionTimeout: '5 minutes',
        }),
      );
      return {
        status: 202,
        body: { probeId, status: 'started' },
        headers: { Location: `/api/v1/diagnostics/probes/${probeId}` },
      };
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
    handler: async ({ params }) => {
      const doc = await probes.findById(params.probeId).lean();
      if (doc)
        return {
          status: 200,
          body: { probeId: params.probeId, status: 'recorded', message: doc.message, recordedAt: doc.recordedAt.toISOString() },
        };
      try {
        await withTemporalDeadline(deps, () =>
          deps.temporal.workflow.getHandle(diagnosticProbeWorkflowId(params.probeId)).describe(),
        );
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new HttpProblem(404, 'not-found', 'No such probe');
        throw err;
      }
      return { status: 200, body: { probeId: params.probeId, status: 'running' } };
    },
  });
  return router;
}
