/**
 * What keeps failing on a case, as supervisors see it (issue 11, "failing automated lookups,
 * failing compensations (each an incident with its error and attempts)"): one entry per failing
 * department lookup and per compensation that could not be undone yet, with the last error and
 * how many rounds were tried. Read from the case state, so the stuck list and the case page agree.
 */
import { z } from 'zod';
import { Instant } from './instant';
import type { CaseState } from '../../domain/case-state';
import { RESERVATION_KINDS } from '../../domain/codes';
import { CHANNELS, DEPARTMENTS, NOTICE_EVENTS } from '../../domain/vocabulary';
import { isDecisionLetter } from '../../domain/notice-delivery';
import type { NoticeDoc } from '../../models/notice.model';

/**
 * commit: a department's register refuses a write the case needs (retried; a supervisor's
 * retry_compensation retries it now); transfer_overdue: HR has not completed a settled case's social-insurance transfer by its deadline;
 * notice: a notice that could not be delivered after its retries (both issue 14).
 */
export const INCIDENT_KINDS = ['lookup', 'compensation', 'commit', 'transfer_overdue', 'notice'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const Incident = z
  .object({
    kind: z.enum(INCIDENT_KINDS),
    /** Whose lookup or compensation; for a notice, the department it was addressed to, if one. */
    department: z.enum(DEPARTMENTS).optional(),
    /** compensation: the reservation being released; commit: the one being taken, if a reservation. */
    reservationKind: z.enum(RESERVATION_KINDS).optional(),
    /** commit: whether the register refused the write (someone must fix its cause) or did not take it for a round. */
    cause: z.enum(['refused', 'unavailable']).optional(),
    /** The last failure's message, as the failing system or activity gave it. */
    error: z.string(),
    /** Failed rounds so far; each round is the activity's own bounded retries. */
    rounds: z.number().int(),
    since: Instant.optional(),
    lastAt: Instant.optional(),
    /** notice: which one, and whether it is a decision letter that must now be served by post or in person. */
    noticeId: z.string().optional(),
    event: z.enum(NOTICE_EVENTS).optional(),
    channel: z.enum(CHANNELS).optional(),
    needsServiceByOtherMeans: z.boolean().optional(),
  })
  .meta({ id: 'Incident' });
export type Incident = z.infer<typeof Incident>;

export function incidentsOf(
  c: Pick<CaseState, 'steps' | 'compensationFailures'> & Partial<Pick<CaseState, 'socialInsuranceTransfer' | 'commitFailures'>>,
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
  const commits: Incident[] = (c.commitFailures ?? []).map((f) => ({
    kind: 'commit' as const,
    department: f.department,
    ...(f.kind ? { reservationKind: f.kind } : {}),
    cause: f.cause ?? 'refused',
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
  return [...lookups, ...compensations, ...commits, ...transfer];
}

/** A notice given up on, as an incident: its last error and attempts; a decision letter asks for service another way. */
export function noticeIncident(
  n: Pick<NoticeDoc, '_id' | 'event' | 'channel' | 'recipient' | 'lastError' | 'attempts' | 'createdAt' | 'lastAttemptAt'>,
): Incident {
  return {
    kind: 'notice',
    ...(n.recipient.kind === 'department' ? { department: n.recipient.department } : {}),
    error: n.lastError ?? '',
    rounds: n.attempts ?? 0,
    since: n.createdAt.toISOString(),
    ...(n.lastAttemptAt ? { lastAt: n.lastAttemptAt.toISOString() } : {}),
    noticeId: n._id,
    event: n.event,
    channel: n.channel,
    needsServiceByOtherMeans: n.recipient.kind === 'applicant' && isDecisionLetter(n.event),
  };
}
