/**
 * Development secrets, random, made once per checkout in .data/ (never committed): the JWT secret
 * shared by `npm start` (the API) and `npm run token` (demo tokens), and the Temporal payload key.
 * Production sets AUTH_JWT_SECRET or AUTH_JWKS_URL, and PAYLOAD_ENCRYPTION_KEYS, instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './services';

function devSecret(name: string, encoding: 'base64url' | 'base64'): string {
  const file = join(DATA_DIR, name);
  if (!existsSync(file)) {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString(encoding), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export function devJwtSecret(): string {
  return devSecret('dev-jwt-secret', 'base64url');
}

/**
 * The development Temporal payload key (PAYLOAD_ENCRYPTION_KEYS). Kept with the Temporal data in
 * .data/: losing it makes the cases stored there unreadable, exactly as in production.
 */
export function devPayloadKey(): string {
  return devSecret('dev-payload-key', 'base64');
}

/** The development SESSION_SECRET: signs the web pages' session cookie. */
export function devSessionSecret(): string {
  return devSecret('dev-session-secret', 'base64url');
}
