/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: its dependencies do). */
import { Router } from 'express';
import { pingMongo } from '../models/connection';
import type { ApiDeps } from './deps';

type Check = { status: 'up' } | { status: 'down'; error: string };

export function healthRouter(deps: ApiDeps): Router {
  const router = Router();
  // A probe answers within a few seconds whatever the dependencies do (orchestrators time out).
  const mongoTimeoutMs = Math.min(deps.config.MONGODB_SERVER_SELECTION_TIMEOUT_MS, 3000);
  const temporalTimeoutMs = Math.min(deps.config.TEMPORAL_CALL_TIMEOUT_MS, 3000);

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'up' });
  });

  router.get('/readyz', async (_req, res) => {
    const [temporal, mongodb] = await Promise.all([
      // A deadline on the call itself, not a timer beside it: an abandoned call would go on
      // retrying in the background, one more for every probe while Temporal is down.
      probe(() =>
        deps.temporal.connection.withDeadline(Date.now() + temporalTimeoutMs, () =>
          deps.temporal.workflowService.getSystemInfo({}),
        ),
      ),
      probe(() => pingMongo(deps.mongo, mongoTimeoutMs)),
    ]);
    const ready = temporal.status === 'up' && mongodb.status === 'up';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { temporal, mongodb } });
  });

  return router;
}

async function probe(fn: () => Promise<unknown>): Promise<Check> {
  try {
    await fn();
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  }
}
