/**
 * The audit trail as each role may see it: supervisors in full, officers their department's
 * events in full and the rest in outline, applicants their case's milestones only.
 */
import { z } from 'zod';
import { Instant } from './instant';
import type { AuditType } from '../../domain/audit';
import type { AuditEventDoc } from '../../models/audit-event.model';
import type { Actor } from '../actor';

export const AuditEventView = z
  .object({
    type: z.string(),
    at: Instant,
    actor: z.object({ id: z.string().optional(), role: z.string(), department: z.string().optional() }),
    department: z.string().optional(),
    what: z.string(),
    why: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEventView = z.infer<typeof AuditEventView>;

/** What an applicant's timeline shows: their case's milestones, never lookups or staff internals. */
const APPLICANT_TYPES = new Set<AuditType>([
  'submitted',
  'decision',
  'supplement_requested',
  'supplement_provided',
  'supplement_expired',
  'score_computed',
  'commit',
  'compensation',
  'settled',
  'rejected',
  'withdrawn',
  'terminated',
  'social_insurance_transfer',
  'school_place_waiting',
  'school_place_confirmed',
  'admission_round',
  'social_insurance_transferred',
]);

/** An event in outline: what happened, when, and who by role and department only. */
const outline = (e: AuditEventDoc) => ({
  type: e.type,
  at: e.at,
  actor: { role: e.actor.role, department: e.actor.department },
  department: e.department,
  what: e.what,
});

/** Supervisors see every event in full; other roles may see nothing of some (undefined). */
export function auditView(e: AuditEventDoc, role: 'supervisor'): AuditEventView;
export function auditView(e: AuditEventDoc, role: Actor['role'], department?: string): AuditEventView | undefined;
export function auditView(e: AuditEventDoc, role: Actor['role'], department?: string): AuditEventView | undefined {
  if (role === 'supervisor') return AuditEventView.parse(e);
  if (role === 'applicant') {
    if (!APPLICANT_TYPES.has(e.type) || e.internal) return undefined;
    // Staff are named by role and department only; no lookup details or internal data.
    return AuditEventView.parse({ ...outline(e), why: e.type === 'decision' ? e.why : undefined });
  }
  // Officers: their own department's events in full; everything else in outline only. Case-level
  // events are outlined too: a rejection's reason (e.g. criminal_record) belongs to the
  // department that gave it, and an education officer has no business knowing it.
  if (e.department !== department) return AuditEventView.parse(outline(e));
  return AuditEventView.parse(e);
}
