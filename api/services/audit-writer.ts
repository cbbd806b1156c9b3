/**
 * Audit lines written by the API itself: attempts the workflow refused never reach its history,
 * yet an auditor must see them (e.g. the officer who lost a concurrent decision).
 */
import type { AuditEntry } from '../../domain/audit';
import { auditEventModel } from '../../models/audit-event.model';
import type { ApiDeps } from '../deps';

export async function auditRefusedAttempt(
  deps: ApiDeps,
  caseId: string,
  requestId: string,
  entry: Omit<AuditEntry, 'at'>,
): Promise<void> {
  await auditEventModel(deps.mongo).updateOne(
    { _id: `${caseId}:api:${requestId}` },
    { $setOnInsert: { ...entry, at: new Date().toISOString(), caseId, seq: 0, n: 0 } },
    { upsert: true },
  );
}
