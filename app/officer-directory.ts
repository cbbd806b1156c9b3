/**
 * The officers the service knows (models/officer.model.ts), learnt as it meets them: a web
 * sign-in, or an officer's API token, records the department and areas the provider's claims give.
 * So a supervisor hands a step only to a real officer of that department who acts where the case
 * is (a mistyped id held the step for nobody, and only another reassignment freed it), and the
 * pages name a step's holder rather than show an account id. The identity provider's roster
 * (app/commands/officer-roster.ts, `PUT /officers`) adds those who have not signed in yet.
 */
import { trusted } from 'mongoose';
import type { Area } from '../domain/capacity';
import type { OfficerScope } from '../domain/officer-scope';
import { inScope } from '../domain/officer-scope';
import type { Department } from '../domain/vocabulary';
import { officerModel } from '../models/officer.model';
import { staffNameModel } from '../models/staff-name.model';
import type { Actor, OfficerActor } from './actor';
import type { AppDeps } from './deps';

export interface KnownOfficer {
  sub: string;
  name?: string;
  department: Department;
  scope: OfficerScope;
}

/** A process writes an officer again after this long, or at once when their claims change. */
const REWRITE_AFTER_MS = 3600_000;
const written = new Map<string, { claims: string; at: number }>();

/** After the roster changed: the next verified call of each officer writes them again. */
export function forgetWrittenOfficers(): void {
  written.clear();
}

/**
 * Records an officer the service has just verified. At most one write per officer per process per
 * hour while their claims stay the same, so an officer's every API call does not write; a name
 * already known is kept when a token carries none (a script's token).
 */
export async function rememberOfficer(deps: Pick<AppDeps, 'mongo'>, actor: OfficerActor, name?: string): Promise<void> {
  const claims = JSON.stringify([actor.department, actor.scope, name ?? '']);
  const last = written.get(actor.sub);
  const now = Date.now();
  if (last && last.claims === claims && now - last.at < REWRITE_AFTER_MS) return;
  if (written.size >= 10_000) written.clear();
  written.set(actor.sub, { claims, at: now });
  try {
    await officerModel(deps.mongo).updateOne(
      { _id: actor.sub },
      {
        $set: {
          department: actor.department,
          jurisdiction: actor.scope.kind === 'city' ? 'city' : 'areas',
          areas: actor.scope.kind === 'city' ? [] : [...actor.scope.areas],
          seenAt: new Date(now),
          ...(name ? { name } : {}),
        },
      },
      { upsert: true },
    );
  } catch (err) {
    written.delete(actor.sub); // the next request tries again
    throw err;
  }
}

/**
 * What both doors call when they have verified someone (an API token, a web sign-in): an officer
 * is remembered; anyone else is not. A failed write is logged and never fails the person's request.
 */
export async function noteVerifiedActor(deps: Pick<AppDeps, 'mongo' | 'logger'>, actor: Actor, name?: string): Promise<void> {
  const remembered =
    actor.role === 'officer'
      ? rememberOfficer(deps, actor, name)
      : actor.role !== 'applicant' && name
        ? rememberStaffName(deps, actor.sub, actor.role, name)
        : undefined;
  await remembered?.catch((err: unknown) =>
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'officer directory: not recorded'),
  );
}

/** A supervisor's (auditor's, operator's) display name, written as rarely as an officer's. */
async function rememberStaffName(deps: Pick<AppDeps, 'mongo'>, sub: string, role: string, name: string): Promise<void> {
  const key = `staff:${sub}`;
  const last = written.get(key);
  const now = Date.now();
  if (last && last.claims === name && now - last.at < REWRITE_AFTER_MS) return;
  if (written.size >= 10_000) written.clear();
  written.set(key, { claims: name, at: now });
  try {
    await staffNameModel(deps.mongo).updateOne({ _id: sub }, { $set: { name, role, seenAt: new Date(now) } }, { upsert: true });
  } catch (err) {
    written.delete(key);
    throw err;
  }
}

const knownOf = (r: {
  _id: string;
  name?: string | null;
  department: string;
  jurisdiction: string;
  areas: string[];
}): KnownOfficer => ({
  sub: r._id,
  ...(r.name ? { name: r.name } : {}),
  department: r.department as Department,
  scope: r.jurisdiction === 'city' ? { kind: 'city' } : { kind: 'areas', areas: r.areas as Area[] },
});

export async function findOfficer(deps: Pick<AppDeps, 'mongo'>, sub: string): Promise<KnownOfficer | undefined> {
  const r = await officerModel(deps.mongo).findById(sub).lean();
  return r ? knownOf(r) : undefined;
}

/** Every known officer, by department then name: what a supervisor chooses from (a city has hundreds, not more). */
export async function knownOfficers(deps: Pick<AppDeps, 'mongo'>): Promise<KnownOfficer[]> {
  return (await officerModel(deps.mongo).find({}).lean()).map(knownOf).sort(byDepartmentThenName);
}

/** The order officers are listed in: by department, then by name (or id) as Chinese readers sort. */
export function byDepartmentThenName(a: { department: string; name?: string; sub: string }, b: typeof a): number {
  return a.department.localeCompare(b.department) || (a.name ?? a.sub).localeCompare(b.name ?? b.sub, 'zh-CN');
}

/** The names of these officers, where known (a page naming the holders it shows). */
export async function officerNames(deps: Pick<AppDeps, 'mongo'>, subs: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(subs)];
  if (unique.length === 0) return new Map();
  const rows = await officerModel(deps.mongo)
    // sanitizeFilter is on (models/connection.ts): an operator we wrote ourselves is trusted.
    .find({ _id: trusted({ $in: unique }) })
    .select({ name: 1 })
    .lean();
  return new Map(rows.flatMap((r) => (r.name ? [[r._id, r.name] as [string, string]] : [])));
}

/** The names of these staff who are not officers (supervisors above all), where known: an audit trail's actors. */
export async function staffNames(deps: Pick<AppDeps, 'mongo'>, subs: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(subs)];
  if (unique.length === 0) return new Map();
  const rows = await staffNameModel(deps.mongo)
    .find({ _id: trusted({ $in: unique }) })
    .select({ name: 1 })
    .lean();
  return new Map(rows.map((r) => [r._id, r.name] as [string, string]));
}

export interface HolderProblem {
  reason: 'unknown_officer' | 'other_department' | 'other_area';
  message: string;
}

/**
 * Why `officer` may not hold `department`'s step of a case in `area`, if they may not: the one
 * rule, which the commands enforce and the pages word.
 * `anyArea`: many cases at once (a bulk run), whose areas each case checks itself.
 */
export function holderProblem(
  officer: KnownOfficer | undefined,
  department: Department,
  area: Area | undefined,
  { anyArea = false } = {},
): HolderProblem | undefined {
  if (!officer)
    return {
      reason: 'unknown_officer',
      message: "no officer with this id is on the provider's roster or has signed in to the service",
    };
  if (officer.department !== department)
    return { reason: 'other_department', message: `this officer works for ${officer.department}, not ${department}` };
  if (!anyArea && !inScope(officer.scope, area))
    return { reason: 'other_area', message: `this officer does not act for ${area ?? 'this area'}` };
  return undefined;
}
