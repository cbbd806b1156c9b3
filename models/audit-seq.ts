/**
 * Where an audit line written outside the workflow (a notice's proof of service, an officer's
 * refused attempt) sorts in the case's trail: after the case's latest transition. The trail
 * orders by (seq, n), and such a line has no transition of its own.
 */
import type { Connection } from 'mongoose';
import { caseModel } from './case.model';

export async function auditSeq(mongo: Connection, caseId: string): Promise<number> {
  const c = await caseModel(mongo).findById(caseId, { seq: 1 }).lean();
  return c?.seq ?? 0;
}
