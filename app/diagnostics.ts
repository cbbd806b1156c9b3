/**
 * End-to-end probes for supervisors and operators: a probe workflow whose activity writes to
 * MongoDB, read back here — a round trip through every layer (front end → Temporal → worker →
 * MongoDB).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { Instant } from './views/instant';
import { diagnosticProbeModel } from '../models/diagnostic-probe.model';
import { diagnosticProbe, diagnosticProbeWorkflowId } from '../workflows/diagnostic-probe.workflow';
import type { AppDeps } from './deps';
import { AppError } from './errors';
import { withTemporalDeadline } from './workflow-calls';

export const Probe = z
  .object({
    probeId: z.uuid(),
    status: z.enum(['started', 'running', 'recorded']),
    message: z.string().optional(),
    recordedAt: Instant.optional(),
  })
  .meta({ id: 'DiagnosticProbe' });
export type Probe = z.infer<typeof Probe>;

export async function startProbe(deps: AppDeps, input: { message: string }): Promise<Probe> {
  const probeId = randomUUID();
  await withTemporalDeadline(deps, () =>
    deps.temporal.workflow.start(diagnosticProbe, {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId: diagnosticProbeWorkflowId(probeId),
      args: [{ probeId, message: input.message }],
      workflowExecutionTimeout: '5 minutes',
    }),
  );
  return { probeId, status: 'started' };
}

/** Recorded once the probe's activity has written it; running while its workflow exists. */
export async function readProbe(deps: AppDeps, input: { probeId: string }): Promise<Probe> {
  const { probeId } = input;
  const doc = await diagnosticProbeModel(deps.mongo).findById(probeId).lean();
  if (doc) return { probeId, status: 'recorded', message: doc.message, recordedAt: doc.recordedAt.toISOString() };
  try {
    await withTemporalDeadline(deps, () => deps.temporal.workflow.getHandle(diagnosticProbeWorkflowId(probeId)).describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new AppError('not_found', 'not-found', 'No such probe');
    throw err;
  }
  return { probeId, status: 'running' };
}
