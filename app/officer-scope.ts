/**
 * Officer scope (issue 15 §4, README "Officer scope"): an officer acts for their department and
 * only within their areas — the city districts (for police, the district's sub-bureau 分局; one
 * per district) or designated towns (their county's bureau 县局) that their token's `district`
 * claim names — or city-wide (市局) when the token says `jurisdiction: "city"`. A token with
 * neither is refused, never taken as city-wide. A case outside the scope answers exactly like a
 * missing case: another district's officer must not learn that it exists.
 */
import { trusted } from 'mongoose';
import type { Area } from '../domain/capacity';
import type { OfficerScope } from '../domain/officer-scope';
import { DISTRICTS, TOWNS } from '../domain/vocabulary';

export { caseArea, inScope, type OfficerScope } from '../domain/officer-scope';

/** Every code a `district` claim may hold: the areas cases name (`application.district` / `.town`). */
export const SCOPE_AREAS = [...DISTRICTS, ...TOWNS] as const;

/** The claim value of a city-wide officer. `scope` is not used: OAuth puts the granted scopes there. */
export const CITY_JURISDICTION = 'city';

/**
 * The read-model condition on `area` for a list, given the area the caller asked for (if any):
 * undefined when nothing narrows it; an area outside the scope matches nothing.
 */
export function areaCondition(scope: OfficerScope, asked?: Area): unknown {
  if (scope.kind === 'city') return asked;
  if (asked !== undefined) return scope.areas.includes(asked) ? asked : trusted({ $in: [] });
  // One area is an equality (what FerretDB can push down); several a `$in`.
  return scope.areas.length === 1 ? scope.areas[0] : trusted({ $in: [...scope.areas] });
}

/** The claims that say where an officer acts, as a token carries them. */
export interface ScopeClaims {
  district?: Area | readonly Area[];
  jurisdiction?: typeof CITY_JURISDICTION;
}

/** The scope the claims give; undefined when they give none (the caller refuses the token). */
export function scopeOfClaims(claims: ScopeClaims): OfficerScope | undefined {
  if (claims.jurisdiction === CITY_JURISDICTION) return { kind: 'city' };
  const areas = claims.district === undefined ? [] : typeof claims.district === 'string' ? [claims.district] : claims.district;
  return areas.length ? { kind: 'areas', areas: [...new Set(areas)] } : undefined;
}

/** The claims of a scope, for minting a token (tests, demo script). */
export function claimsOfScope(scope: OfficerScope): ScopeClaims {
  return scope.kind === 'city' ? { jurisdiction: CITY_JURISDICTION } : { district: [...scope.areas] };
}
