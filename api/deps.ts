/**
 * What the HTTP layer needs from the outside world: exactly what the application layer needs
 * (app/deps.ts), built by api/main.ts (or a test), faked by nothing.
 */
import type { AppDeps } from '../app/deps';
import type { MongoHealth } from '../models/mongo-watchdog';

export interface ApiDeps extends AppDeps {
  /** The MongoDB client's heartbeat health (models/mongo-watchdog.ts); `/healthz` fails while it is unhealthy. */
  mongoHealth?: () => MongoHealth;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Request id: from `X-Request-Id` when sane, else generated; echoed in responses and logs. */
    id: string;
  }
}
