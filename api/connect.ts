/** The API process's connections: MongoDB and Temporal, each retried until it answers at start-up. */
import type { Client, Connection } from '@temporalio/client';
import type { Connection as MongoConnection } from 'mongoose';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';
import { retryUntil } from '../config/retry';
import { connectMongo } from '../models/connection';
import { connectTemporal } from '../temporal/client';

export interface ApiConnections {
  mongo: MongoConnection;
  connection: Connection;
  temporal: Client;
}

export async function connectApi(config: Config, logger: Logger): Promise<ApiConnections> {
  const mongo = await retryUntil('MongoDB', logger, () =>
    connectMongo({ uri: config.MONGODB_URI, serverSelectionTimeoutMS: config.MONGODB_SERVER_SELECTION_TIMEOUT_MS }),
  );
  const { connection, client } = await connectTemporal(config, logger);
  return { mongo, connection, temporal: client };
}
