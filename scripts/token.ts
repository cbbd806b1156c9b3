/**
 * Mints a demo Bearer token for the running API (development only: it signs with the local
 * development secret, or AUTH_JWT_SECRET when set). There is no token endpoint in the API.
 *
 *   npm run token -- --role applicant --sub alice --id-number 610122198512060765
 *        (the citizen ID number the account is verified for: it applies only as that person)
 *   npm run token -- --role officer --department police            (city-wide: jurisdiction city)
 *   npm run token -- --role officer --department police --district yanta,beilin
 *   npm run token -- --role supervisor
 *   npm run token -- --role auditor      (or operator)
 *
 * Or a token of the embedded identity provider (npm start runs it), by signing in as a demo
 * account through its own pages (authorization code + PKCE, tools/identity/sign-in.ts):
 *
 *   npm run token -- --username police --password demo-officer
 */
import { parseArgs } from 'node:util';
import { mintToken, type TokenClaims } from '../api/auth/identity';
import { SCOPE_AREAS } from '../app/officer-scope';
import type { Area } from '../domain/capacity';
import { identityWebClientUris, loadConfig } from '../config/config';
import { validateIdNumber } from '../domain/id-number';
import { shanghaiToday } from '../domain/shanghai-clock';
import { DEPARTMENTS, type Department } from '../domain/vocabulary';
import { identityIssuer } from '../tools/identity/issuer';
import { WEB_CLIENT_ID, WEB_SCOPES } from '../tools/identity/clients';
import { signIn, SignInRefused } from '../tools/identity/sign-in';
import { devJwtSecret } from './lib/dev-secret';
import { cityWideUnlessScoped } from './lib/dev-token-claims';

const PRODUCTION_REFUSAL =
  'mints development tokens only, and NODE_ENV is production. There, tokens come from your OpenID Connect provider ' +
  '(the one AUTH_JWKS_URL names): a script signs in there as a client of its own (say, client credentials) and ' +
  'sends that token; people sign in to the pages at WEB_BASE_URL (README "Sign-in")';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      department: { type: 'string' },
      district: { type: 'string' },
      sub: { type: 'string' },
      'id-number': { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string', default: '8h' },
      username: { type: 'string' },
      password: { type: 'string' },
    },
  });
  // Before the configuration: a production environment lacking a development variable would
  // otherwise be told of its configuration instead of where production tokens come from.
  if (process.env.NODE_ENV === 'production') throw new Error(PRODUCTION_REFUSAL);
  const config = loadConfig();
  if (values.username !== undefined) {
    if (!values.password) throw new Error('--username needs --password');
    const issuer = identityIssuer(config);
    const redirectUri = identityWebClientUris(config).redirectUris[0]!;
    const { accessToken } = await signIn({
      issuer,
      clientId: WEB_CLIENT_ID,
      redirectUri,
      scope: WEB_SCOPES,
      username: values.username,
      password: values.password,
    }).catch((err: unknown) => {
      // The provider knows the pages' sign-in address from npm start's API_PORT / WEB_BASE_URL;
      // a token asked for under another one is refused with a page that says only this code.
      const page = err instanceof SignInRefused ? err.page : err instanceof Error ? err.message : '';
      if (page.includes('invalid_redirect_uri'))
        throw new Error(
          `the identity provider does not know the sign-in address ${redirectUri}: set API_PORT (or WEB_BASE_URL) as for npm start, beside IDENTITY_PORT`,
        );
      if (err instanceof SignInRefused) throw new Error(`the identity provider refused the sign-in (${err.status})`);
      // fetch says only "fetch failed": say where it looked, and how to point it elsewhere.
      if (err instanceof TypeError && err.message === 'fetch failed')
        throw new Error(
          `no identity provider answers at ${issuer}; start it (npm start), or set IDENTITY_PORT (or IDENTITY_ISSUER) and API_PORT as for npm start`,
        );
      throw err;
    });
    process.stdout.write(`${accessToken}\n`);
    return;
  }
  if (values['id-number'] !== undefined && values.role !== 'applicant') throw new Error('--id-number is for --role applicant');
  const role = values.role;
  let caller: TokenClaims;
  if (role === 'applicant') caller = { sub: values.sub ?? 'demo-applicant', role, ...verifiedIdNumber(values['id-number']) };
  else if (role === 'supervisor' || role === 'auditor' || role === 'operator')
    caller = { sub: values.sub ?? `demo-${role}`, role };
  else if (role === 'officer') {
    const department = values.department as Department;
    if (!DEPARTMENTS.includes(department)) throw new Error(`--department must be one of ${DEPARTMENTS.join(', ')}`);
    const district = values.district?.split(',').map((a) => a.trim());
    const unknown = district?.filter((a) => !(SCOPE_AREAS as readonly string[]).includes(a));
    if (unknown?.length) throw new Error(`--district takes area codes (${SCOPE_AREAS.join(', ')}), not ${unknown.join(', ')}`);
    caller = cityWideUnlessScoped({
      sub: values.sub ?? `demo-officer-${department}`,
      role,
      department,
      ...(district ? { district: district as Area[] } : {}),
    });
  } else throw new Error('--role must be applicant, officer, supervisor, auditor or operator');
  const secret = config.AUTH_JWT_SECRET ?? devJwtSecret();
  // A name, as a provider's token carries one: the pages show 王警官（demo-officer-police）, not the id alone.
  const name = values.name?.trim();
  if (name !== undefined && (name.length === 0 || name.length > 100)) throw new Error('--name takes 1–100 characters');
  process.stdout.write(
    `${await mintToken(name ? { ...caller, name } : caller, { secret, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, expiresIn: values.expires })}\n`,
  );
}

/** An applicant's ID number as the provider would have verified it; without one the token cannot apply. */
function verifiedIdNumber(raw: string | undefined): { idNumber?: string } {
  if (raw === undefined) {
    process.stderr.write(
      'token: no --id-number: this applicant token can read its cases but cannot apply (403 id-number-unverified)\n',
    );
    return {};
  }
  const checked = validateIdNumber(raw, { today: shanghaiToday() });
  if (!checked.ok) throw new Error(`--id-number: ${checked.message}`);
  return { idNumber: checked.value };
}

main().catch((err: unknown) => {
  process.stderr.write(`token: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
