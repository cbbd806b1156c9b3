/**
 * What the HTTP layer needs from the outside world: exactly what the application layer needs
 * (app/deps.ts), built by api/main.ts (or a test), faked by nothing.
 */
import type { AppDeps } from '../app/deps';
import type { MongoHealth } from '../models/mongo-watchdog';
import type { ReadinessReport } from './health.router';
import type { Metrics } from './metrics';

export interface ApiDeps extends AppDeps {
  /** The MongoDB client's heartbeat health (models/mongo-watchdog.ts); `/healthz` fails while it is unhealthy. */
  mongoHealth?: () => MongoHealth;
  /**
   * The process's metrics, when the caller also serves them elsewhere (api/main.ts with
   * METRICS_PORT: api/metrics-app.ts); createApp makes its own otherwise.
   */
  metrics?: Metrics;
  /**
   * The readiness report, when the caller also serves it in full elsewhere (api/main.ts with
   * METRICS_PORT); the health router makes its own otherwise.
   */
  readiness?: () => Promise<ReadinessReport>;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Request id: from `X-Request-Id` when sane, else generated; echoed in responses and logs. */
    id: string;
  }
}
