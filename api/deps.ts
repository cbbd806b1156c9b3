/** What the HTTP layer needs from the outside world; built by api/main.ts, faked by nothing. */
import type { Client } from '@temporalio/client';
import type { Connection as MongoConnection } from 'mongoose';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';

export interface ApiDeps {
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'TEMPORAL_NAMESPACE' | 'MONGODB_SERVER_SELECTION_TIMEOUT_MS' | 'NODE_ENV'>;
  logger: Logger;
  temporal: Client;
  mongo: MongoConnection;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Request id: from `X-Request-Id` when sane, else generated; echoed in responses and logs. */
    id: string;
  }
}
