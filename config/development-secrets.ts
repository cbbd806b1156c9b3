import { createHash } from 'node:crypto';

/**
 * Secrets the code itself supplies outside production, so `npm start` and the tests need no
 * set-up. Published in this repository, hence refused in production (config/secret-rules.ts).
 */

/** The SMS receipts' secret outside production when none is set: the simulator and the API share it. */
export const DEVELOPMENT_SMS_CALLBACK_SECRET = 'development-sms-callback-secret';

/** The simulator's key outside production when none is set: the simulator accepts it and the engine sends it. */
export const DEVELOPMENT_SIMULATOR_API_KEY = 'development-simulator-api-key-not-for-production';

/** A fixed development key (32 bytes) for `label`, derived so that no key material sits in the source. */
export const developmentKey = (label: string): Buffer =>
  createHash('sha256').update(`hukou development ${label}; never for real data`).digest();

/** The data key (id `dev`) and blind-index key outside production when none is set, base64. */
export const DEVELOPMENT_DATA_KEY = developmentKey('data key').toString('base64');
export const DEVELOPMENT_BLIND_INDEX_KEY = developmentKey('blind-index key').toString('base64');
