/**
 * A transition's changes (domain/case-delta.ts): what the workflow sends instead of the whole
 * state, and what the activity rebuilds the state from.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDelta, caseParts, deltaBetween, deltaUpdatePaths, stateOfParts } from '../../domain/case-delta';
import type { CaseState, StepState } from '../../domain/case-state';

const step = (department: StepState['department'], status: StepState['status'] = 'pending'): StepState => ({
  department,
  status,
  overdue: false,
  checkFailures: 0,
  internalNotes: [],
});

const base: CaseState = {
  caseId: 'c-1',
  caseNumber: 'XA-2026-000001',
  applicantUserId: 'u-1',
  application: {
    route: 'town',
    town: 'huyi-yuxia',
    applicant: { name: '张三', idNumber: '610102199001011234', relation: 'self' },
    family: [],
    contact: { phone: '13800138000', locale: 'zh-CN' },
  } as unknown as CaseState['application'],
  status: 'under_review',
  submittedAt: '2026-12-01T00:00:00.000Z',
  lastProgressAt: '2026-12-01T00:00:00.000Z',
  policyVersion: '2026-1',
  collectiveHousehold: false,
  steps: { police: step('police'), hrss: step('hrss'), housing: step('housing') },
  reservations: [],
  failingCompensations: [],
};

describe('case deltas', () => {
  it('when one step and the progress instant change, then only they are in the delta, and applying it gives the new state', () => {
    const next: CaseState = {
      ...base,
      lastProgressAt: '2026-12-01T01:00:00.000Z',
      steps: { ...base.steps, hrss: { ...step('hrss', 'approved') } },
    };
    const delta = deltaBetween(caseParts(base), caseParts(next));
    assert.deepEqual(delta, { set: { lastProgressAt: next.lastProgressAt }, steps: { hrss: next.steps.hrss }, unset: [] });
    assert.deepEqual(applyDelta(base, delta), next);
    assert.deepEqual(base.steps.hrss, step('hrss'), 'the base is left as it was');
  });

  it('when a field appears and another goes, then the delta sets the one and unsets the other', () => {
    const withRound = { ...base, round: { id: 'r-1' } } as unknown as CaseState;
    const next = { ...base, score: { total: 120 } } as unknown as CaseState;
    const delta = deltaBetween(caseParts(withRound), caseParts(next));
    assert.deepEqual(delta.set, { score: { total: 120 } });
    assert.deepEqual(delta.unset, ['round']);
    assert.deepEqual(applyDelta(withRound, delta), next);
    assert.deepEqual(deltaUpdatePaths(delta), { set: { score: { total: 120 } }, unset: { round: '' } });
  });

  it('when steps change, then the update writes each by its own path and leaves the others as stored', () => {
    const next = { ...base, steps: { ...base.steps, police: step('police', 'approved') } };
    const { set, unset } = deltaUpdatePaths(deltaBetween(caseParts(base), caseParts(next)));
    assert.deepEqual(set, { 'steps.police': step('police', 'approved') });
    assert.deepEqual(unset, {});
  });

  it('when parts are taken, then the state they rebuild is an equal copy, sharing nothing', () => {
    const copy = stateOfParts(caseParts(base));
    assert.deepEqual(copy, base);
    copy.steps.police!.status = 'approved';
    assert.equal(base.steps.police!.status, 'pending');
  });

  it('when nothing changed, then the delta is empty', () => {
    assert.deepEqual(deltaBetween(caseParts(base), caseParts(structuredClone(base))), { set: {}, steps: {}, unset: [] });
  });

  it('when a field is undefined, then it counts as absent', () => {
    const next = { ...base, outcome: undefined };
    assert.deepEqual(deltaBetween(caseParts(base), caseParts(next)), { set: {}, steps: {}, unset: [] });
  });
});
