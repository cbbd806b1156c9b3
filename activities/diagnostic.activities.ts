import type { Model } from 'mongoose';
import type { DiagnosticProbe } from '../models/diagnostic-probe.model';

export interface DiagnosticDeps {
  probes: Model<DiagnosticProbe>;
}

export function createDiagnosticActivities({ probes }: DiagnosticDeps) {
  return {
    /** Idempotent: keyed by probe id; a retry after a crash finds the first write. */
    async recordDiagnosticProbe(input: {
      probeId: string;
      message: string;
      workflowId: string;
    }): Promise<{ recordedAt: string }> {
      const doc = await probes
        .findOneAndUpdate(
          { _id: input.probeId },
          {
            $setOnInsert: {
              _id: input.probeId,
              message: input.message,
              workflowId: input.workflowId,
              recordedAt: new Date(),
            },
          },
          { upsert: true, returnDocument: 'after' },
        )
        .lean();
      if (!doc) throw new Error(`probe ${input.probeId} was not written`);
      return { recordedAt: doc.recordedAt.toISOString() };
    },
  };
}

export type DiagnosticActivities = ReturnType<typeof createDiagnosticActivities>;
