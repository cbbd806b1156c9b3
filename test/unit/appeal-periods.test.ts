/**
 * The appeal periods the applicant reads (app/appeal-periods.ts): the letter's, for a refusal or a
 * termination only; an authorities folder that cannot be read gives the statutory ones rather than
 * a page that fails (the diff review of 7 Dec 2026 found every ended case's page depending on it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { caseAppealPeriods } from '../../app/appeal-periods';
import type { AppDeps } from '../../app/deps';
import { appealRightsText } from '../../app/views/case-views';
import type { CaseOutcomeInfo } from '../../domain/case-state';
import { APPEAL_PERIODS } from '../../domain/notice-delivery';

const outcome = (status: CaseOutcomeInfo['status']): CaseOutcomeInfo => ({
  status,
  at: '2026-04-02T03:00:00Z',
  by: 'officer-1',
  role: 'officer',
  reasons: [{ code: 'no_legal_residence', department: 'housing' }],
});
const deps = (AUTHORITIES_DIR?: string) => ({ config: { AUTHORITIES_DIR } }) as unknown as AppDeps;

describe('the appeal periods an applicant reads', () => {
  it('when a case was refused or terminated, then the letter’s periods; when it settled or was withdrawn, none', () => {
    assert.deepEqual(
      caseAppealPeriods(deps(), outcome('rejected')),
      APPEAL_PERIODS,
      'the shipped authorities give the statutory periods',
    );
    assert.deepEqual(caseAppealPeriods(deps(), outcome('terminated')), APPEAL_PERIODS);
    assert.equal(caseAppealPeriods(deps(), outcome('withdrawn')), undefined);
    assert.equal(caseAppealPeriods(deps(), undefined), undefined);
  });

  it('when the authorities folder cannot be read, then the statutory periods, not an error', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'authorities-'));
    try {
      assert.deepEqual(caseAppealPeriods(deps(empty), outcome('rejected')), APPEAL_PERIODS);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('when the rights are stated, then with the periods given, in both languages', () => {
    const text = appealRightsText({ reconsiderationDays: 90, litigationMonths: 12 });
    assert.match(text, /within 90 days/);
    assert.match(text, /within 12 months/);
    assert.match(text, /90日内申请行政复议，或在12个月内提起行政诉讼/);
    assert.match(appealRightsText(), /60日内/);
  });
});
