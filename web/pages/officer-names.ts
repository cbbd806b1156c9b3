/**
 * Officers as the pages name them (app/officer-directory.ts), and the ones a supervisor may hand
 * steps to, for a select: grouped by department, each named with where they act. The choice is a
 * person, not an id to type: a mistyped id held a step for nobody until another reassignment freed it.
 */
import type { Request } from 'express';
import type { KnownOfficer } from '../../app/officer-directory';
import { DEPARTMENTS } from '../../domain/vocabulary';
import { label } from '../../i18n/labels';
import { tr } from './page';

/** An officer as pages name them: 赵警官（officer-police-1）, or the id alone when no name is known. */
export function namedOfficer(req: Request, name: string | undefined, sub: string): string {
  return name ? `${name}${tr(req, 'pOpen')}${sub}${tr(req, 'pClose')}` : sub;
}

/**
 * The officer picker's groups, by department. `mayHold`: only officers who may hold one of the
 * steps on offer (a case's department and area), so a supervisor is not offered someone the
 * command would refuse; the officer already chosen stays, to show with its error.
 */
export function officerChoices(
  req: Request,
  officers: readonly KnownOfficer[],
  selected: string,
  mayHold: (o: KnownOfficer) => boolean = () => true,
) {
  const locale = req.locale;
  const named = (o: KnownOfficer) => namedOfficer(req, o.name, o.sub);
  const where = (o: KnownOfficer) =>
    o.scope.kind === 'city'
      ? tr(req, 'supOfficerCityWide')
      : o.scope.areas.map((a) => label('area', a, locale)).join(tr(req, 'pList'));
  return DEPARTMENTS.map((d) => ({
    departmentText: label('department', d, locale),
    officers: officers
      .filter((o) => o.department === d && (mayHold(o) || o.sub === selected))
      .map((o) => ({ value: o.sub, text: `${named(o)} · ${where(o)}`, selected: o.sub === selected })),
  })).filter((g) => g.officers.length > 0);
}

/** A step holder as pages show them: their name with their id, or the id alone when no name is known. */
export function holderName(req: Request, officers: readonly KnownOfficer[], sub: string): string {
  return namedOfficer(req, officers.find((o) => o.sub === sub)?.name, sub);
}
