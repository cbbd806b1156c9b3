/**
 * The Temporal client of every process that starts or talks to cases (the API, the scripts):
 * one `Connection` per process, and a `Client` that seals every payload with the payload codec
 * (payload-codec.ts). The worker's side uses the same data converter (worker/create-worker.ts).
 */
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';
import { retryUntil } from '../config/retry';
import { temporalTlsOptions, type TemporalTlsSettings } from '../config/tls-options';
import type { SuiteId } from '../security/cipher-suites';
import { dataConverterFor } from './payload-codec';

export interface TemporalClientOptions {
  connection: Connection;
  namespace: string;
  /** PAYLOAD_ENCRYPTION_KEYS (current first); empty: payloads unencrypted (not in production). */
  payloadKeys: readonly string[];
  /** DATA_CIPHER: the suite new payloads are sealed with (any suite opens); AES-256-GCM when unset. */
  payloadCipher?: SuiteId;
}

export function createTemporalClient(opts: TemporalClientOptions): Client {
  return new Client({
    connection: opts.connection,
    namespace: opts.namespace,
    dataConverter: dataConverterFor(opts.payloadKeys, opts.payloadCipher),
  });
}

export interface TemporalConnection {
  connection: Connection;
  client: Client;
}

/**
 * Address and TLS of every connection to Temporal from configuration: the client's Connection
 * and the worker's NativeConnection take the same shape, so neither can miss the certificates.
 */
export function temporalConnectionOptions(config: Pick<Config, 'TEMPORAL_ADDRESS'> & TemporalTlsSettings): {
  address: string;
  tls?: TLSConfig;
} {
  const tls = temporalTlsOptions(config);
  return { address: config.TEMPORAL_ADDRESS, ...(tls ? { tls } : {}) };
}

/** Connects to TEMPORAL_ADDRESS, retried until it answers at start-up, and builds the client. */
export async function connectTemporal(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'PAYLOAD_ENCRYPTION_KEYS' | 'DATA_CIPHER'> &
    TemporalTlsSettings,
  logger: Logger,
): Promise<TemporalConnection> {
  const connection = await retryUntil('Temporal', logger, () => Connection.connect(temporalConnectionOptions(config)));
  const client = createTemporalClient({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    payloadKeys: config.PAYLOAD_ENCRYPTION_KEYS,
    payloadCipher: config.DATA_CIPHER,
  });
  return { connection, client };
}
