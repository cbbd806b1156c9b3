/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: its dependencies do). */
import { Router } from 'express';
import { configuredCoverage } from '../app/queries/calendar-coverage';
import { webSignInIssuer } from '../config/config';
import { pingMongo } from '../models/connection';
import type { ApiDeps } from './deps';
import { readinessWarnings } from './readiness-warnings';

type Check = { status: 'up' } | { status: 'down'; error: string };

export function healthRouter(deps: ApiDeps): Router {
  const router = Router();
  // A probe answers within a few seconds whatever the dependencies do (orchestrators time out).
  const mongoTimeoutMs = Math.min(deps.config.MONGODB_SERVER_SELECTION_TIMEOUT_MS, 3000);
  const temporalTimeoutMs = Math.min(deps.config.TEMPORAL_CALL_TIMEOUT_MS, 3000);

  // Liveness: the process answers, and its MongoDB client has not gone silent for good (a client
  // that stays disconnected after an outage is reopened by the watchdog; while it cannot be, an
  // orchestrator should restart the process). A short outage only fails readiness.
  router.get('/healthz', (_req, res) => {
    const mongodb = deps.mongoHealth?.();
    if (mongodb && !mongodb.healthy) {
      res.status(503).json({ status: 'down', checks: { mongodb } });
      return;
    }
    res.json({ status: 'up' });
  });

  const moreWarnings = readinessWarnings(deps);
  // A calendar folder that does not load is reported as policy-files-invalid, not counted.
  const coverage = () => {
    try {
      return configuredCoverage(deps.config);
    } catch {
      return undefined;
    }
  };
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
    // Warnings do not fail readiness: cases go on, but someone must add a file.
    const warnings = [];
    // The JSON API takes tokens without it, but the pages cannot sign anyone in (503 at /auth/sign-in).
    if (!webSignInIssuer(deps.config)) {
      warnings.push({
        code: 'sign-in-not-configured',
        message: 'The web pages cannot sign anyone in: set WEB_OIDC_ISSUER (or AUTH_JWKS_ISSUER), README "Sign-in"',
      });
    }
    if (deps.config.DEADLINE_CLOCK === 'working-days') {
      const calendar = coverage();
      if (calendar?.message)
        warnings.push({ code: 'calendar-provisional', message: calendar.message, missing: calendar.missing });
    }
    warnings.push(...(await moreWarnings()));
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', checks: { temporal, mongodb }, ...(warnings.length ? { warnings } : {}) });
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
