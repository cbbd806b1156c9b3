/** The API process's connections: MongoDB and Temporal, each retried until it answers at start-up. */
import type { Client, Connection } from '@temporalio/client';
import type { Connection as MongoConnection } from 'mongoose';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';
import { connectWatchedMongo, type MongoWatchdog } from '../models/mongo-watchdog';
import { connectTemporal } from '../temporal/client';

export interface ApiConnections {
  mongo: MongoConnection;
  mongoWatchdog: MongoWatchdog;
  connection: Connection;
  temporal: Client;
}

export async function connectApi(config: Config, logger: Logger): Promise<ApiConnections> {
  const { mongo, watchdog } = await connectWatchedMongo(config, logger);
  const { connection, client } = await connectTemporal(config, logger);
  return { mongo, mongoWatchdog: watchdog, connection, temporal: client };
}
