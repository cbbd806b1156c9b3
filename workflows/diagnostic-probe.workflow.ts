/** The end-to-end probe workflow: one activity that writes to MongoDB. */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DiagnosticActivities } from '../activities/diagnostic.activities';

export interface DiagnosticProbeInput {
  probeId: string;
  message: string;
}

export interface DiagnosticProbeResult {
  probeId: string;
  recordedAt: string;
}

export const diagnosticProbeWorkflowId = (probeId: string): string => `DiagnosticProbe:${probeId}`;

const { recordDiagnosticProbe } = proxyActivities<DiagnosticActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds' },
});

export async function diagnosticProbe(input: DiagnosticProbeInput): Promise<DiagnosticProbeResult> {
  const { recordedAt } = await recordDiagnosticProbe({
    probeId: input.probeId,
    message: input.message,
    workflowId: workflowInfo().workflowId,
  });
  return { probeId: input.probeId, recordedAt };
}
