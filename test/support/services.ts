/**
 * Where the services started by `npm test` (scripts/test.ts) live. Each test file gets its own
 * MongoDB database so files never see each other's data.
 */
import { dataConverterFor } from '../../temporal/payload-codec';

function required(name: string): string {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run the suite through \`npm test\`, which starts the real services and sets it`);
  }
  return v;
}

/** MongoDB URI of the FerretDB started for this run, pointed at a database of the caller's own. */
export function mongoUriFor(database: string): string {
  const base = new URL(required('MONGODB_URI'));
  base.pathname = `/${database}`;
  // The pool the runner sized FerretDB's PostgreSQL pool for (scripts/test.ts): the driver's own
  // default of 100 lets a busy test file (a delivery stack polls and sends all the time) open more
  // operations than FerretDB's pool holds, and then FerretDB hangs every client of the run.
  const pool = process.env.MONGODB_MAX_POOL_SIZE;
  if (pool && !base.searchParams.has('maxPoolSize')) base.searchParams.set('maxPoolSize', pool);
  return base.toString();
}

export function temporalAddress(): string {
  return required('TEMPORAL_ADDRESS');
}

export function temporalNamespace(): string {
  return process.env.TEMPORAL_NAMESPACE ?? 'default';
}

/** The tests' Temporal payload key (PAYLOAD_ENCRYPTION_KEYS): tests run with encryption on, as production does. */
export const TEST_PAYLOAD_KEYS = [Buffer.alloc(32, 7).toString('base64')];
/** DATA_CIPHER=sm4-ctr-hmac-sm3 runs the suite with the national algorithms; the recorded histories replay either way. */
export const TEST_DATA_CONVERTER = dataConverterFor(
  TEST_PAYLOAD_KEYS,
  process.env.DATA_CIPHER === 'sm4-ctr-hmac-sm3' ? 'sm4-ctr-hmac-sm3' : 'aes-256-gcm',
);
