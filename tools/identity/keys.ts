/**
 * The provider's persistent secrets, made once and reused: the signing keys (a private JWKS,
 * `jwks.json`) and the keys that sign its cookies (`cookie-keys.json`), both in one folder
 * (IDENTITY_DATA_DIR, `.data/identity` by default; a temp dir in tests). Tokens signed before a
 * restart stay verifiable after it because the `kid` does not change.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'oidc-provider';

export interface ProviderSecrets {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
}

function readOrCreate<T>(file: string, create: () => T): T {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  const value = create();
  // wx: two processes starting at once must not overwrite each other's keys.
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}

export function loadOrCreateSecrets(dir: string): ProviderSecrets {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const jwks = readOrCreate(join(dir, 'jwks.json'), () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' }) as JWK;
    return { keys: [{ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' }] };
  });
  const cookieKeys = readOrCreate(join(dir, 'cookie-keys.json'), () => [randomBytes(32).toString('base64url')]);
  return { jwks, cookieKeys };
}
