/**
 * Secrets the code itself supplies outside production, so `npm start` and the tests need no
 * set-up. Published in this repository, hence refused in production (config/secret-rules.ts).
 */

/** The SMS receipts' secret outside production when none is set: the simulator and the API share it. */
export const DEVELOPMENT_SMS_CALLBACK_SECRET = 'development-sms-callback-secret';

/** The simulator's key outside production when none is set: the simulator accepts it and the engine sends it. */
export const DEVELOPMENT_SIMULATOR_API_KEY = 'development-simulator-api-key-not-for-production';
