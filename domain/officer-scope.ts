/**
 * Where an officer acts (issue 15 §4): the pure half of app/officer-scope.ts, shared with the case
 * workflow, whose Update validators refuse an officer outside the case's area themselves. The API
 * then needs no read of its own before a decision, a claim or a release (issue 12 item 6).
 */
import type { Area } from './capacity';
import type { CaseState } from './case-state';

export type OfficerScope = { kind: 'city' } | { kind: 'areas'; areas: readonly Area[] };

/** The area a case belongs to: its district (points route) or its town (town route). */
export function caseArea(c: Pick<CaseState, 'application'>): Area | undefined {
  return c.application.district ?? c.application.town;
}

export function inScope(scope: OfficerScope, area: Area | undefined): boolean {
  if (scope.kind === 'city') return true;
  return area !== undefined && scope.areas.includes(area);
}
