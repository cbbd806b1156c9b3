/**
 * Audits an officer's refused attempt (a decision, a claim, a release): a refused Update never
 * reaches the case's history, yet an auditor must still see who tried what, and why it failed.
 * Keyed by the request, so a retried refusal is one line.
 */
import type { AuditEntry } from '../../domain/audit';
import { auditEventModel } from '../../models/audit-event.model';
import { auditSeq } from '../../models/audit-seq';
import type { AppDeps } from '../deps';

/** After a transition's own lines and its notices' proofs of service (n 2000, 2001). */
const REFUSED_ATTEMPT_N = 3000;

/** `key` names the request within the case (e.g. its request id, or `claim:<request id>`). */
export async function auditRefusedAttempt(
  deps: AppDeps,
  caseId: string,
  key: string,
  entry: Omit<AuditEntry, 'at'>,
): Promise<void> {
  // After the case's latest transition, as a notice's proof of service is: with seq 0 it sorted
  // above the case's own submission line.
  const seq = await auditSeq(deps.mongo, caseId);
  await auditEventModel(deps.mongo).updateOne(
    { _id: `${caseId}:api:${key}` },
    { $setOnInsert: { ...entry, at: new Date().toISOString(), caseId, seq, n: REFUSED_ATTEMPT_N } },
    { upsert: true },
  );
}
