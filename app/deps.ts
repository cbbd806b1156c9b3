/**
 * What the application layer needs from the outside world, built once per process (api/main.ts,
 * a test, a benchmark) and handed to every use case and query. Nothing here is HTTP: the JSON
 * API and the web pages pass the same deps.
 */
import type { Client } from '@temporalio/client';
import type { Connection as MongoConnection } from 'mongoose';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';

export interface AppDeps {
  config: Config;
  logger: Logger;
  /** The Temporal client of this process (temporal/client.ts), with the payload codec. */
  temporal: Client;
  mongo: MongoConnection;
}
