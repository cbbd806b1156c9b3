/**
 * Audits an officer's refused attempt (a decision, a claim, a release): a refused Update never
 * reaches the case's history, yet an auditor must still see who tried what, and why it failed.
 * Keyed by the request, so a retried refusal is one line.
 */
import type { AuditEntry } from '../../domain/audit';
import { auditEventModel } from '../../models/audit-event.model';
import type { AppDeps } from '../deps';

/** `key` names the request within the case (e.g. its request id, or `claim:<request id>`). */
export async function auditRefusedAttempt(
  deps: AppDeps,
  caseId: string,
  key: string,
  entry: Omit<AuditEntry, 'at'>,
): Promise<void> {
  await auditEventModel(deps.mongo).updateOne(
    { _id: `${caseId}:api:${key}` },
    { $setOnInsert: { ...entry, at: new Date().toISOString(), caseId, seq: 0, n: 0 } },
    { upsert: true },
  );
}
