/**
 * `npm start` puts the embedded identity provider's officers in the officer directory through
 * the API (`PUT /api/v1/officers`), as a city's sync job would from its own provider: so the
 * supervisor's reassign list offers every demo officer before any of them has signed in.
 */
import { mintToken } from '../../api/auth/identity';
import type { Config } from '../../config/config';
import { officerRoster } from '../../tools/identity/accounts';

/** One line for the start-up banner: how many officers, or why the roster was not synced. */
export async function syncOfficerRoster(apiUrl: string, config: Config, secret: string, accountsFile: string): Promise<string> {
  const token = await mintToken(
    { sub: 'npm-start-roster-sync', role: 'operator' },
    { secret, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE },
  );
  const res = await fetch(`${apiUrl}/api/v1/officers`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ officers: officerRoster(accountsFile) }),
  });
  const body = (await res.json()) as { listed?: number; removed?: number; detail?: string };
  return res.ok
    ? `Officer roster: ${body.listed} officers from the identity provider's accounts file (reassign lists offer them)`
    : `Officer roster not synced: ${res.status} ${body.detail ?? ''}`;
}
