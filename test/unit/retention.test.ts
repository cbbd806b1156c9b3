/** Retention periods and what an anonymised case file keeps (issue 15 part 5, domain/retention.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anonymiseAuditData, isCode } from '../../activities/retention.activities';
import { syntheticCaseState } from '../../bench/lib/dashboard-seed';
import { loadConfig, retentionPeriods } from '../../config/config';
import { caseFacts } from '../../domain/case-facts';
import type { CaseState } from '../../domain/case-state';
import {
  ANONYMISED,
  DEFAULT_RETENTION_PERIODS,
  anonymiseCaseState,
  anonymiseDeep,
  caseEndCutoff,
  caseRetentionClass,
  expiresAt,
  firstAccessDayKept,
  nextMonth,
  retentionPeriodIssues,
  shanghaiMonth,
} from '../../domain/retention';
import { CASE_STATUSES } from '../../domain/vocabulary';

const P = DEFAULT_RETENTION_PERIODS;
const HOUR = 3_600_000;

/** A case that names people everywhere a case file can: family, contact, checks, supplements, notes, reasons. */
function richCase(): CaseState {
  const base = syntheticCaseState(4, Date.parse('2026-03-02T02:00:00Z'), Date.parse('2026-03-05T02:00:00Z'), true);
  const police = base.steps.police!;
  return {
    ...base,
    application: {
      ...base.application,
      family: [{ idNumber: '11010519491231002X', name: '李四', relation: 'child', schoolLevel: 'primary' }],
      contact: { phone: '13912345678', email: 'wang@example.cn', locale: 'en' },
    },
    steps: {
      ...base.steps,
      police: {
        ...police,
        internalNotes: ['王看板 said his landlord is 赵六'],
        check: {
          at: police.waitingSince!,
          findings: ['criminal_record'],
          results: [
            {
              personIndex: 0,
              result: {
                department: 'police',
                identityMatches: true,
                criminalRecord: true,
                creditGood: false,
                continuousResidenceYears: 3,
                registeredBy: '赵六',
              },
            },
          ],
        },
        decision: { ...police.decision!, reasonCode: 'criminal_record', reasonText: '王看板 has a record' },
        pastSupplements: [
          {
            requestedAt: police.waitingSince!,
            dueAt: police.dueAt!,
            missing: ['配偶李四的身份证复印件'],
            provided: [{ name: '王看板的户口簿', reference: 'doc-1' }],
          },
        ],
      },
    },
    outcome: { ...base.outcome!, reasons: [{ code: 'criminal_record', department: 'police', note: '王看板' }], note: '王看板' },
    socialInsuranceTransfer: { status: 'completed', at: base.lastProgressAt, recordId: 'HR-610-0001' },
    compensationFailures: [
      {
        label: 'school_place:child-1',
        kind: 'school_place',
        department: 'education',
        error: 'register refused: 赵六 has no place to release',
        rounds: 2,
        since: base.lastProgressAt,
        lastAt: base.lastProgressAt,
      },
    ],
    commitFailures: [
      {
        label: 'household_registration',
        department: 'police',
        cause: 'refused',
        error: 'register refused: 赵六 already registered',
        rounds: 1,
        since: base.lastProgressAt,
        lastAt: base.lastProgressAt,
      },
    ],
  };
}

describe('retention classes and periods', () => {
  it('when a case settled, then its file is kept 30 years; when it ended otherwise, 10; while open, it has no class', () => {
    assert.equal(caseRetentionClass('settled'), 'case_file_settled');
    for (const s of ['rejected', 'withdrawn', 'terminated'] as const) assert.equal(caseRetentionClass(s), 'case_file_ended');
    for (const s of CASE_STATUSES.filter((s) => !['settled', 'rejected', 'withdrawn', 'terminated'].includes(s)))
      assert.equal(caseRetentionClass(s), undefined, s);
    assert.equal(expiresAt('case_file_settled', '2026-12-02T03:00:00.000Z', P), '2056-12-02T03:00:00.000Z');
    assert.equal(expiresAt('case_file_ended', '2026-12-02T03:00:00.000Z', P), '2036-12-02T03:00:00.000Z');
  });

  it('when a case ended on 29 February, then its period runs to 1 March of a common year, never a day short', () => {
    assert.equal(expiresAt('case_file_ended', '2028-02-29T10:00:00.000Z', P), '2038-03-01T10:00:00.000Z');
  });

  it('when the cut-off is measured from 29 February, then it falls on 28 February of a common year, never a day early', () => {
    assert.equal(caseEndCutoff('case_file_ended', '2036-02-29T10:00:00.000Z', P), '2026-02-28T10:00:00.000Z');
  });

  it('when the cut-off is measured from an instant, then a case that ended exactly one period before has passed it only after', () => {
    const asOf = '2036-12-02T03:00:00.000Z';
    const cutoff = caseEndCutoff('case_file_ended', asOf, P);
    assert.equal(cutoff, '2026-12-02T03:00:00.000Z');
    assert.ok(expiresAt('case_file_ended', cutoff, P) <= asOf);
  });

  it('when access records are kept 3 years, then the first day kept is that many days before today in Beijing time', () => {
    // 2026-12-02T17:00Z is already 3 December in Asia/Shanghai.
    assert.equal(firstAccessDayKept('2026-12-02T17:00:00.000Z', { ...P, accessRecordDays: 1 }), '2026-12-02');
    assert.equal(firstAccessDayKept('2026-12-02T03:00:00.000Z', P), '2023-12-03');
  });

  it('when production keeps access records under 180 days, then config refuses it naming the variable; elsewhere it may', () => {
    assert.deepEqual(
      retentionPeriodIssues({ ...P, accessRecordDays: 179 }, true).map((i) => i.path),
      ['RETENTION_ACCESS_RECORD_DAYS'],
    );
    assert.deepEqual(retentionPeriodIssues({ ...P, accessRecordDays: 180 }, true), []);
    assert.deepEqual(retentionPeriodIssues({ ...P, accessRecordDays: 1 }, false), []);
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', RETENTION_ACCESS_RECORD_DAYS: '30' }),
      /RETENTION_ACCESS_RECORD_DAYS="30": must be at least 180 days in production/,
    );
    assert.equal(loadConfig({ NODE_ENV: 'test', RETENTION_ACCESS_RECORD_DAYS: '1' }).RETENTION_ACCESS_RECORD_DAYS, 1);
  });

  it('when nothing is configured, then the periods are the documented defaults', () => {
    assert.deepEqual(retentionPeriods(loadConfig({})), {
      caseFileSettledYears: 30,
      caseFileEndedYears: 10,
      accessRecordDays: 1095,
      temporalHistoryDays: 30,
    });
  });
});

describe('anonymising a case file', () => {
  it('when a case is anonymised, then no name, ID number, phone, email, account id or free text of it is left', () => {
    const before = richCase();
    const after = anonymiseCaseState(before);
    const text = JSON.stringify(after);
    for (const personal of [
      '王看板',
      '李四',
      '配偶李四的身份证复印件',
      '赵六',
      '11010519491231002X',
      before.application.applicant.idNumber,
      '13912345678',
      'wang@example.cn',
      before.applicantUserId,
      'HR-610-0001',
      'doc-1',
    ])
      assert.ok(!text.includes(personal), `${personal} is gone`);
    assert.equal(after.application.applicant.name, ANONYMISED);
    assert.equal(after.application.family[0]!.idNumber, ANONYMISED);
    assert.equal(after.steps.police!.check!.results.length, 0, 'what the police system said of the person goes');
  });

  it('when a case is anonymised, then what is counted stays: relations, school levels, codes, dates, the dashboard facts', () => {
    const before = richCase();
    const after = anonymiseCaseState(before);
    assert.deepEqual(caseFacts(after), caseFacts(before), 'the dashboard facts of the case are the same');
    assert.deepEqual(
      after.application.family.map((p) => [p.relation, p.schoolLevel]),
      [['child', 'primary']],
    );
    assert.equal(after.application.contact.locale, 'en');
    assert.deepEqual(after.steps.police!.check!.findings, ['criminal_record']);
    assert.equal(after.steps.police!.decision!.reasonCode, 'criminal_record');
    assert.equal(after.outcome!.reasons[0]!.code, 'criminal_record');
    assert.equal(after.status, before.status);
    assert.equal(after.lastProgressAt, before.lastProgressAt);
    assert.equal(after.socialInsuranceTransfer!.status, 'completed');
  });

  it('when a case is anonymised twice, then the second changes nothing (a retried sweep)', () => {
    const once = anonymiseCaseState(richCase());
    assert.deepEqual(anonymiseCaseState(once), once);
  });

  it('when audit details hold identities at any depth, then each is replaced and everything else stays', () => {
    const data = {
      noticeId: 'n1',
      persons: [{ name: '王看板', idNumber: '11010519491231002X', relation: 'child' }],
      phone: null,
    };
    assert.deepEqual(anonymiseDeep(data), {
      noticeId: 'n1',
      persons: [{ name: ANONYMISED, idNumber: ANONYMISED, relation: 'child' }],
      phone: null,
    });
  });

  it('when an audit line holds a register record id or the material asked for, then those go; several reason codes stay', () => {
    const data = {
      policeRecordIds: ['P-610-1', 'P-610-2'],
      recordId: 'HR-610-0001',
      departmentRecordId: 'EDU-610-9',
      missing: ['配偶李四的身份证复印件'],
      department: 'police',
    };
    assert.deepEqual(anonymiseAuditData('registered', data), {
      policeRecordIds: [ANONYMISED, ANONYMISED],
      recordId: ANONYMISED,
      departmentRecordId: ANONYMISED,
      missing: [ANONYMISED],
      department: 'police',
    });
    assert.ok(isCode('criminal_record,no_legal_residence'), 'a saga joins its reasons with a comma');
    assert.ok(!isCode('王看板有刑事犯罪记录'));
  });

  it('when the dates of a case are read after anonymising, then they are exactly the recorded ones', () => {
    const before = syntheticCaseState(1, Date.parse('2026-01-05T00:00:00Z'), Date.parse('2026-01-05T00:00:00Z') + 9 * HOUR, true);
    assert.equal(anonymiseCaseState(before).outcome!.at, before.outcome!.at);
  });
});

describe('months the sweep walks', () => {
  it('when a month is followed, then December rolls into January; an instant is filed under its Beijing month', () => {
    assert.equal(nextMonth('2026-12'), '2027-01');
    assert.equal(nextMonth('2027-09'), '2027-10');
    assert.equal(shanghaiMonth('2026-11-30T16:30:00.000Z'), '2026-12');
  });
});
