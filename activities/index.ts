/** Builds every activity the worker registers from its dependencies. */
import type { Connection } from 'mongoose';
import { diagnosticProbeModel } from '../models/diagnostic-probe.model';
import { createDiagnosticActivities } from './diagnostic.activities';

export interface ActivityDeps {
  mongo: Connection;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDiagnosticActivities({ probes: diagnosticProbeModel(deps.mongo) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
