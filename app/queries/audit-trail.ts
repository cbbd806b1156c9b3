/**
 * A case's audit trail, read in its one order (the workflow's transition, the entry within it,
 * then time): in full for supervisors, and as each role's timeline (the events that role may
 * see, in the detail it may see them). Staff reads are recorded (app/access-records).
 */
import { recordAccess, type AccessContext } from '../access-records/record-access';
import { auditEventModel, type AuditEventDoc } from '../../models/audit-event.model';
import type { Actor, SupervisorActor } from '../actor';
import { departmentCase, existingCase, ownCase } from '../case-store';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { auditView, type AuditEventView } from '../views/audit-views';
import { peopleOf } from '../../domain/vocabulary';

function auditEventsOf(deps: AppDeps, caseId: string): Promise<AuditEventDoc[]> {
  return auditEventModel(deps.mongo).find({ caseId }).sort({ seq: 1, n: 1, at: 1 }).lean();
}

/** Every audit event of a case, for a supervisor, with the case number (an export names it). */
export async function auditTrail(
  deps: AppDeps,
  input: {
    actor: SupervisorActor;
    caseId: string;
    /** audit_csv: the trail leaves the system as a file (its purpose is required by the doors, README). */
    view?: 'audit_trail' | 'audit_csv';
    access?: AccessContext;
  },
): Promise<{ caseNumber: string; items: AuditEventView[]; persons: string[] }> {
  const c = await existingCase(deps, input.caseId);
  const events = await auditEventsOf(deps, input.caseId);
  await recordAccess(deps, {
    actor: input.actor,
    view: input.view ?? 'audit_trail',
    caseIds: [input.caseId],
    access: input.access,
  });
  return {
    caseNumber: c.caseNumber,
    items: events.map((e) => auditView(e, 'supervisor')),
    // The application's people by index (lines about a child name it by index).
    persons: peopleOf(c.application).map((p) => p.name),
  };
}

/** The events of a case the actor may see: their own case, their department's, or any. */
export async function caseTimeline(
  deps: AppDeps,
  input: { actor: Actor; caseId: string; access?: AccessContext },
): Promise<AuditEventView[]> {
  const { actor, caseId } = input;
  if (actor.role === 'applicant') await ownCase(deps, actor, caseId);
  else if (actor.role === 'officer') await departmentCase(deps, actor, caseId);
  else if (actor.role === 'supervisor') await existingCase(deps, caseId);
  // Auditors and operators read no case data here.
  else throw new AppError('forbidden', 'forbidden', 'Not for this role');
  const department = actor.role === 'officer' ? actor.department : undefined;
  const events = await auditEventsOf(deps, caseId);
  if (actor.role !== 'applicant') await recordAccess(deps, { actor, view: 'timeline', caseIds: [caseId], access: input.access });
  return events.map((e) => auditView(e, actor.role, department)).filter((e) => e !== undefined);
}
