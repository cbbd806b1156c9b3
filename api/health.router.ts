/**
 * Liveness (`/healthz`: the process answers) and readiness (`/readyz`: its dependencies do).
 * With METRICS_PORT (always in production) the public `/readyz` says only what is up and the
 * warnings' codes: the errors and messages name hosts, policy folders and the task queue, and
 * are served in full on the internal listener beside /metrics (api/metrics-app.ts).
 */
import { Router, type RequestHandler } from 'express';
import { configuredCoverage } from '../app/queries/calendar-coverage';
import { webSignInIssuer } from '../config/config';
import { pingMongo } from '../models/connection';
import type { ApiDeps } from './deps';
import { readinessWarnings, type ReadinessWarning } from './readiness-warnings';

type Check = { status: 'up' } | { status: 'down'; error: string };

export function healthRouter(deps: ApiDeps): Router {
  const router = Router();

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

  const readiness = deps.readiness ?? readinessReport(deps);
  const detailElsewhere = deps.config.METRICS_PORT !== undefined;
  router.get('/readyz', readyzHandler(readiness, detailElsewhere ? 'summary' : 'full'));

  return router;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { temporal: Check; mongodb: Check };
  warnings: Array<ReadinessWarning & { missing?: unknown }>;
}

/** Asks Temporal and MongoDB, and gathers the warnings: one report for either door. */
export function readinessReport(deps: ApiDeps): () => Promise<ReadinessReport> {
  // A probe answers within a few seconds whatever the dependencies do (orchestrators time out).
  const mongoTimeoutMs = Math.min(deps.config.MONGODB_SERVER_SELECTION_TIMEOUT_MS, 3000);
  const temporalTimeoutMs = Math.min(deps.config.TEMPORAL_CALL_TIMEOUT_MS, 3000);
  const moreWarnings = readinessWarnings(deps);
  // A calendar folder that does not load is reported as policy-files-invalid, not counted.
  const coverage = () => {
    try {
      return configuredCoverage(deps.config);
    } catch {
      return undefined;
    }
  };
  return async () => {
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
    const warnings: Array<ReadinessWarning & { missing?: unknown }> = [];
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
    return { ready, checks: { temporal, mongodb }, warnings };
  };
}

/**
 * `/readyz`: 200 when both answer, else 503. `summary` keeps each check's status and each
 * warning's code, and drops what names the deployment's insides (errors, messages, file paths).
 */
export function readyzHandler(readiness: () => Promise<ReadinessReport>, detail: 'full' | 'summary'): RequestHandler {
  return (_req, res, next) => {
    readiness()
      .then(({ ready, checks, warnings }) => {
        const shown =
          detail === 'full'
            ? { checks, warnings }
            : {
                checks: { temporal: { status: checks.temporal.status }, mongodb: { status: checks.mongodb.status } },
                warnings: warnings.map((w) => ({ code: w.code })),
              };
        res.status(ready ? 200 : 503).json({
          status: ready ? 'ready' : 'unavailable',
          checks: shown.checks,
          ...(shown.warnings.length ? { warnings: shown.warnings } : {}),
        });
      })
      .catch(next);
  };
}

async function probe(fn: () => Promise<unknown>): Promise<Check> {
  try {
    await fn();
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  }
}
