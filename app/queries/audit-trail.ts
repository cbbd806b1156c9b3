/**
 * A case's audit trail, read in its one order (the workflow's transition, the entry within it,
 * then time): in full for supervisors, and as each role's timeline (the events that role may
 * see, in the detail it may see them).
 */
import { auditEventModel, type AuditEventDoc } from '../../models/audit-event.model';
import type { Actor, SupervisorActor } from '../actor';
import { departmentCase, existingCase, ownCase } from '../case-store';
import type { AppDeps } from '../deps';
import { auditView, type AuditEventView } from '../views/audit-views';

function auditEventsOf(deps: AppDeps, caseId: string): Promise<AuditEventDoc[]> {
  return auditEventModel(deps.mongo).find({ caseId }).sort({ seq: 1, n: 1, at: 1 }).lean();
}

/** Every audit event of a case, for a supervisor, with the case number (an export names it). */
export async function auditTrail(
  deps: AppDeps,
  input: { actor: SupervisorActor; caseId: string },
): Promise<{ caseNumber: string; items: AuditEventView[] }> {
  const c = await existingCase(deps, input.caseId);
  const events = await auditEventsOf(deps, input.caseId);
  return { caseNumber: c.caseNumber, items: events.map((e) => auditView(e, 'supervisor')) };
}

/** The events of a case the actor may see: their own case, their department's, or any. */
export async function caseTimeline(deps: AppDeps, input: { actor: Actor; caseId: string }): Promise<AuditEventView[]> {
  const { actor, caseId } = input;
  if (actor.role === 'applicant') await ownCase(deps, actor, caseId);
  else if (actor.role === 'officer') await departmentCase(deps, actor, caseId);
  else await existingCase(deps, caseId);
  const department = actor.role === 'officer' ? actor.department : undefined;
  const events = await auditEventsOf(deps, caseId);
  return events.map((e) => auditView(e, actor.role, department)).filter((e) => e !== undefined);
}
