/**
 * End-to-end probe: starts a workflow whose activity writes to MongoDB, and reads the result
 * back. Proves API → Temporal → worker → MongoDB in one call chain.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { diagnosticProbeModel } from '../models/diagnostic-probe.model';
import { diagnosticProbe, diagnosticProbeWorkflowId } from '../workflows/diagnostic-probe.workflow';
import type { ApiDeps } from './deps';
import { HttpProblem } from './problem';
import { parseOrThrow } from './validation';

const ProbeBody = z.strictObject({ message: z.string().min(1).max(200) });
const ProbeParams = z.strictObject({ probeId: z.uuid() });

export function diagnosticsRouter(deps: ApiDeps): Router {
  const router = Router();
  const probes = diagnosticProbeModel(deps.mongo);

  router.post('/diagnostics/probes', async (req, res) => {
    const body = parseOrThrow(ProbeBody, req.body, 'body');
    const probeId = randomUUID();
    try {
      await deps.temporal.workflow.start(diagnosticProbe, {
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        workflowId: diagnosticProbeWorkflowId(probeId),
        args: [{ probeId, message: body.message }],
        workflowExecutionTimeout: '5 minutes',
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new HttpProblem(409, 'conflict', 'Probe already started');
      throw err;
    }
    res.status(202).location(`${req.baseUrl}/diagnostics/probes/${probeId}`).json({ probeId, status: 'started' });
  });

  router.get('/diagnostics/probes/:probeId', async (req, res) => {
    const { probeId } = parseOrThrow(ProbeParams, req.params, 'params');
    const doc = await probes.findById(probeId).lean();
    if (doc) {
      res.json({ probeId, status: 'recorded', message: doc.message, recordedAt: doc.recordedAt.toISOString() });
      return;
    }
    // Not written yet: tell a started probe apart from an unknown one.
    try {
      await deps.temporal.workflow.getHandle(diagnosticProbeWorkflowId(probeId)).describe();
    } catch (err) {
      if ((err as { name?: string }).name === 'WorkflowNotFoundError') throw new HttpProblem(404, 'not-found', 'No such probe');
      throw err;
    }
    res.json({ probeId, status: 'running' });
  });

  return router;
}
