/**
 * The development JWT secret: random, made once per checkout in .data/ (never committed), shared
 * by `npm start` (the API) and `npm run token` (demo tokens). Production uses AUTH_JWT_SECRET
 * or AUTH_JWKS_URL instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './services';

export function devJwtSecret(): string {
  const file = join(DATA_DIR, 'dev-jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
