/**
 * What keeps failing on a case, as supervisors see it (issue 11, "failing automated lookups,
 * failing compensations (each an incident with its error and attempts)"): one entry per failing
 * department lookup and per compensation that could not be undone yet, with the last error and
 * how many rounds were tried. Read from the case state, so the stuck list and the case page agree.
 */
import { z } from 'zod';
import type { CaseState } from '../../domain/case-state';
import { RESERVATION_KINDS } from '../../domain/codes';
import { DEPARTMENTS } from '../../domain/vocabulary';

/** transfer_overdue: HR has not completed a settled case's social-insurance transfer by its deadline (issue 14). */
export const INCIDENT_KINDS = ['lookup', 'compensation', 'transfer_overdue'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const Incident = z
  .object({
    kind: z.enum(INCIDENT_KINDS),
    department: z.enum(DEPARTMENTS),
    /** compensation: the reservation being released. */
    reservationKind: z.enum(RESERVATION_KINDS).optional(),
    /** The last failure's message, as the failing system or activity gave it. */
    error: z.string(),
    /** Failed rounds so far; each round is the activity's own bounded retries. */
    rounds: z.number().int(),
    since: z.string().optional(),
    lastAt: z.string().optional(),
  })
  .meta({ id: 'Incident' });
export type Incident = z.infer<typeof Incident>;

export function incidentsOf(
  c: Pick<CaseState, 'steps' | 'compensationFailures'> & Partial<Pick<CaseState, 'socialInsuranceTransfer'>>,
): Incident[] {
  const lookups: Incident[] = DEPARTMENTS.flatMap((d) => {
    const s = c.steps[d];
    if (s?.status !== 'check_failed') return [];
    return [
      { kind: 'lookup' as const, department: d, error: s.lastCheckError ?? '', rounds: s.checkFailures, lastAt: s.check?.at },
    ];
  });
  const compensations: Incident[] = (c.compensationFailures ?? []).map((f) => ({
    kind: 'compensation' as const,
    department: f.department,
    reservationKind: f.kind,
    error: f.error,
    rounds: f.rounds,
    since: f.since,
    lastAt: f.lastAt,
  }));
  const t = c.socialInsuranceTransfer;
  const transfer: Incident[] =
    t?.overdue && t.status !== 'completed'
      ? [
          {
            kind: 'transfer_overdue',
            department: 'hrss',
            error: 'HR has not completed the social-insurance transfer by its deadline',
            rounds: 0,
            ...(t.dueAt ? { since: t.dueAt } : {}),
            ...(t.escalatedAt ? { lastAt: t.escalatedAt } : {}),
          },
        ]
      : [];
  return [...lookups, ...compensations, ...transfer];
}
