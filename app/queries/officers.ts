/**
 * The officer directory as supervisors and the provider's sync job read it: whom a step can be
 * handed to (app/officer-directory.ts), with where each officer acts and how the service knows
 * them — listed by the provider's roster, seen at a sign-in or API call, or both.
 */
import { z } from 'zod';
import { Instant } from '../views/instant';
import { DEPARTMENTS } from '../../domain/vocabulary';
import { officerModel } from '../../models/officer.model';
import type { OperatorActor, SupervisorActor } from '../actor';
import type { AppDeps } from '../deps';
import { byDepartmentThenName } from '../officer-directory';
import { CITY_JURISDICTION, SCOPE_AREAS } from '../officer-scope';

export const OfficerView = z
  .object({
    sub: z.string(),
    name: z.string().optional(),
    department: z.enum(DEPARTMENTS),
    district: z.array(z.enum(SCOPE_AREAS)).optional().meta({ description: 'The areas the officer acts for' }),
    jurisdiction: z.literal(CITY_JURISDICTION).optional().meta({ description: 'City-wide (市局)' }),
    listedAt: Instant.optional().meta({ description: "When the provider's roster last listed the officer" }),
    seenAt: Instant.optional().meta({ description: "When the service last verified the officer's sign-in or token" }),
  })
  .meta({ id: 'Officer' });
export type OfficerView = z.infer<typeof OfficerView>;

/** Every officer the service knows, by department then name (a city has hundreds, not more). */
export async function listOfficers(
  deps: Pick<AppDeps, 'mongo'>,
  _input: { actor: SupervisorActor | OperatorActor },
): Promise<OfficerView[]> {
  const rows = await officerModel(deps.mongo).find({}).lean();
  const views = rows.map((r) =>
    OfficerView.parse({
      sub: r._id,
      ...(r.name ? { name: r.name } : {}),
      department: r.department,
      ...(r.jurisdiction === 'city' ? { jurisdiction: CITY_JURISDICTION } : { district: r.areas }),
      ...(r.listedAt ? { listedAt: r.listedAt.toISOString() } : {}),
      ...(r.seenAt ? { seenAt: r.seenAt.toISOString() } : {}),
    }),
  );
  return views.sort(byDepartmentThenName);
}
