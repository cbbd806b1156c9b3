/**
 * Mints a demo Bearer token for the running API (development only: it signs with the local
 * development secret, or AUTH_JWT_SECRET when set). There is no token endpoint in the API.
 *
 *   npm run token -- --role applicant --sub alice
 *   npm run token -- --role officer --department police
 *   npm run token -- --role supervisor
 */
import { parseArgs } from 'node:util';
import { mintToken, type Caller } from '../api/auth/identity';
import { loadConfig } from '../config/config';
import { DEPARTMENTS, type Department } from '../domain/vocabulary';
import { devJwtSecret } from './lib/dev-secret';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      department: { type: 'string' },
      sub: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  const config = loadConfig();
  if (config.NODE_ENV === 'production') throw new Error('demo tokens are for development only');
  const role = values.role;
  let caller: Caller;
  if (role === 'applicant' || role === 'supervisor') caller = { sub: values.sub ?? `demo-${role}`, role };
  else if (role === 'officer') {
    const department = values.department as Department;
    if (!DEPARTMENTS.includes(department)) throw new Error(`--department must be one of ${DEPARTMENTS.join(', ')}`);
    caller = { sub: values.sub ?? `demo-officer-${department}`, role, department };
  } else throw new Error('--role must be applicant, officer or supervisor');
  const secret = config.AUTH_JWT_SECRET ?? devJwtSecret();
  process.stdout.write(
    `${await mintToken(caller, { secret, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, expiresIn: values.expires })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`token: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
