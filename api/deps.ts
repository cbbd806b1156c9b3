/** What the HTTP layer needs from the outside world; built by api/main.ts (or a test), faked by nothing. */
import type { Client } from '@temporalio/client';
import type { Connection as MongoConnection } from 'mongoose';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';

export interface ApiDeps {
  config: Config;
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
