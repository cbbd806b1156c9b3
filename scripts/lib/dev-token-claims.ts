/**
 * Tokens minted for development and tests (npm run token, the test and chaos stacks): an officer
 * minted without a scope gets `jurisdiction: "city"`, written into the token, so existing scripts
 * and tests keep working. The API itself never defaults: a token without a scope claim is refused
 * (app/access-token.ts, README "Officer scope"). Mint with `district` (or `scope`) to be narrower.
 */
import type { TokenClaims } from '../../app/access-token';
import { CITY_JURISDICTION } from '../../app/officer-scope';

export function cityWideUnlessScoped(claims: TokenClaims): TokenClaims {
  if (claims.role !== 'officer' || claims.scope || claims.district !== undefined || claims.jurisdiction !== undefined)
    return claims;
  return { ...claims, jurisdiction: CITY_JURISDICTION };
}
