/**
 * The read model keeps every field of the workflow's state. Its schema is strict, so a field of
 * CaseState the schema does not name is dropped on every write without an error: supervisors
 * then never see it (a commit incident was lost that way). The list below must name every key
 * of CaseState (it does not compile otherwise), and each must be a path of the schema.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mongoose from 'mongoose';
import type { CaseState } from '../../domain/case-state';
import { caseModel } from '../../models/case.model';

const STATE_KEYS: Record<keyof CaseState, true> = {
  caseId: true,
  caseNumber: true,
  applicantUserId: true,
  application: true,
  status: true,
  submittedAt: true,
  lastProgressAt: true,
  policyVersion: true,
  score: true,
  collectiveHousehold: true,
  steps: true,
  reservations: true,
  schoolPlacements: true,
  outcome: true,
  failingCompensations: true,
  compensationFailures: true,
  commitFailures: true,
  round: true,
  pastRounds: true,
  socialInsuranceTransfer: true,
};

describe('the case read model’s schema', () => {
  it('when every key of the workflow’s state is looked up in the schema, then each is a path (none dropped on write)', () => {
    const schema = caseModel(mongoose.createConnection()).schema;
    const missing = Object.keys(STATE_KEYS).filter((k) => schema.path(k) === undefined);
    assert.deepEqual(missing, []);
  });
});
