/**
 * The authorities data behind decision letters (policy/authorities, domain/authorities.ts):
 * who signs, on which item of the 2016 opinions a refusal rests, where it can be challenged, and
 * the document-number format. 行政许可法 第三十八条; DOMAIN.md "Case lifecycle".
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import xianJson from '../../policy/authorities/xian-2024-v1.json';
import { createDecisionLetterActivities } from '../../activities/decision-letters.activities';
import { APPEAL_PERIODS, appealDeadlines } from '../../domain/notice-delivery';
import { loadWorkingCalendar } from '../../policy/calendar-files';
import { AUTHORITIES_DIR, allAuthorities } from '../../policy/policy-files';
import {
  appealPeriodsOf,
  authoritiesAt,
  decisionLetterFacts,
  decisionNumberRequest,
  DOCUMENT_NUMBER,
  formatDocumentNumber,
  issuingDepartment,
  LEGAL_BASIS_REASONS,
  LETTER_KINDS,
  type Authorities,
} from '../../domain/authorities';
import { parseAuthorities } from '../../domain/authorities.parse';
import type { CaseOutcomeInfo } from '../../domain/case-state';
import { REJECTION_REASONS } from '../../domain/codes';
import { shanghaiDay } from '../../domain/shanghai-clock';
import { DEPARTMENTS, ROUTES } from '../../domain/vocabulary';

const xian = parseAuthorities(xianJson);

/** Untyped JSON: these tests deliberately write fields Authorities would forbid. */
type Raw = Record<string, any>;
const copy = (): Raw => JSON.parse(JSON.stringify(xianJson)) as Raw;

const outcome = (o: Partial<CaseOutcomeInfo>): CaseOutcomeInfo => ({
  status: 'rejected',
  at: '2026-04-02T03:00:00Z',
  by: 'officer-1',
  role: 'officer',
  reasons: [],
  ...o,
});

describe('authorities data (policy/authorities)', () => {
  it('when the shipped files are loaded, then one version is in force from 2024-01-01 (Administrative Reconsideration Law 2023)', () => {
    const all = allAuthorities();
    assert.deepEqual(
      all.map((a) => a.version),
      ['xian-2024-v1'],
    );
    assert.equal(authoritiesAt(all, '2026-04-02T03:00:00Z').version, 'xian-2024-v1');
    assert.ok(xian.setBy.length > 0, 'someone is accountable for the data');
  });

  it('when every department is read, then it has names in both locales, both prefixes, the municipal government and the court, 60 days / 6 months', () => {
    for (const d of DEPARTMENTS) {
      const a = xian.departments[d];
      assert.ok(a.name['zh-CN'].startsWith('西安市'), d);
      assert.ok(a.name.en.length > 0, d);
      for (const k of LETTER_KINDS) assert.match(a.documentPrefix[k], /字$/, `${d}.${k}`);
      assert.equal(a.reconsideration.body['zh-CN'], '西安市人民政府');
      assert.equal(a.litigation.court['zh-CN'], '西安铁路运输法院');
      assert.equal(a.reconsideration.periodDays, 60);
      assert.equal(a.litigation.periodMonths, 6);
      // The applicant's page counts its dates with the same periods the letter states.
      assert.equal(a.reconsideration.periodDays, APPEAL_PERIODS.reconsiderationDays, `${d}: page and letter agree`);
      assert.equal(a.litigation.periodMonths, APPEAL_PERIODS.litigationMonths, `${d}: page and letter agree`);
    }
    assert.equal(xian.departments.police.name['zh-CN'], '西安市公安局');
  });

  it('when the legal-basis table is read, then every rejection reason (and fraudulent_material) has items for both routes', () => {
    for (const code of [...REJECTION_REASONS, 'fraudulent_material'] as const) {
      for (const route of ROUTES) assert.ok(Array.isArray(xian.legalBasis.reasons[code][route]), `${code}.${route}`);
    }
    assert.ok(LEGAL_BASIS_REASONS.includes('fraudulent_material'));
    assert.deepEqual(xian.legalBasis.routes, { town: [1], points: [2] });
  });
});

describe('parseAuthorities', () => {
  const cases: Array<[string, (a: Raw) => void, RegExp]> = [
    ['a department is missing', (a) => delete a.departments.education, /departments\.education/],
    [
      'a letter kind has no prefix',
      (a) => delete a.departments.police.documentPrefix.termination,
      /police\.documentPrefix\.termination/,
    ],
    [
      'two departments share a prefix',
      (a) => (a.departments.hrss.documentPrefix.rejection = a.departments.police.documentPrefix.rejection),
      /hrss\.documentPrefix\.rejection: prefix "西公户不许字" is already used by police\.rejection/,
    ],
    [
      'a prefix carries the brackets itself',
      (a) => (a.departments.police.documentPrefix.rejection = '西公〔'),
      /police\.documentPrefix\.rejection/,
    ],
    [
      'the reconsideration period is shorter than the law gives',
      (a) => (a.departments.police.reconsideration.periodDays = 30),
      /at least 60 days/,
    ],
    [
      'the litigation period is shorter than the law gives',
      (a) => (a.departments.housing.litigation.periodMonths = 3),
      /at least 6 months/,
    ],
    ['a court has no English name', (a) => delete a.departments.police.litigation.court.en, /litigation\.court\.en/],
    [
      'a rejection reason has no legal basis',
      (a) => delete a.legalBasis.reasons.criminal_record,
      /legalBasis\.reasons\.criminal_record/,
    ],
    ['a reason cites an item the seed does not have', (a) => (a.legalBasis.reasons.other.town = [30]), /items 1–29/],
    ['a route cites nothing', (a) => (a.legalBasis.routes.town = []), /legalBasis\.routes\.town/],
    ['the item citation has no {item}', (a) => (a.legalBasis.item.en = 'item'), /legalBasis\.item/],
    ['setBy is missing', (a) => delete a.setBy, /setBy/],
    ['a key is misspelt', (a) => (a.departments.police.nmae = a.departments.police.name), /police\.nmae: unknown field/],
  ];
  for (const [name, breakIt, field] of cases) {
    it(`when ${name}, then parsing throws naming the field`, () => {
      const bad = copy();
      breakIt(bad);
      assert.throws(
        () => parseAuthorities(bad),
        (err: unknown) =>
          err instanceof Error && /^invalid authorities "xian-2024-v1"/.test(err.message) && field.test(err.message),
      );
    });
  }

  it('when a folder has two versions with the same start date, then loading it throws', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'authorities-'));
    try {
      writeFileSync(path.join(dir, 'xian-2024-v1.json'), JSON.stringify(xianJson));
      writeFileSync(path.join(dir, 'xian-2024-v2.json'), JSON.stringify({ ...copy(), version: 'xian-2024-v2' }));
      assert.throws(() => allAuthorities(dir), /share effectiveFrom 2024-01-01/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a folder holds no version, then loading it throws rather than letting letters fail later', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'authorities-'));
    try {
      assert.throws(() => allAuthorities(dir), /no authorities files/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the shipped folder is the default, then it is policy/authorities', () => {
    assert.ok(AUTHORITIES_DIR.endsWith(path.join('policy', 'authorities')));
  });
});

describe('which version, which department, which number', () => {
  const later: Authorities = { ...xian, version: 'xian-2027-v1', effectiveFrom: '2027-01-01' };

  it('when a decision falls on New Year in Beijing but not yet in UTC, then the Shanghai day decides the version and the year', () => {
    // 2026-12-31T16:30Z is 2027-01-01 00:30 in Asia/Shanghai.
    assert.equal(shanghaiDay('2026-12-31T16:30:00Z'), '2027-01-01');
    assert.equal(authoritiesAt([xian, later], '2026-12-31T16:30:00Z').version, 'xian-2027-v1');
    assert.equal(authoritiesAt([xian, later], '2026-12-31T15:59:59Z').version, 'xian-2024-v1');
  });

  it('when a decision predates every version, then no authorities are in force and that is an error', () => {
    assert.throws(() => authoritiesAt([xian], '2023-06-01T00:00:00Z'), /no authorities data is in force on 2023-06-01/);
  });

  it('when the worker’s authorities data comes into force only after today, then its decision-letter activities refuse to be built (nothing could be numbered)', () => {
    const onlyLater: Authorities = { ...xian, version: 'xian-2999-v1', effectiveFrom: '2999-01-01' };
    const conn = mongoose.createConnection();
    assert.throws(
      () => createDecisionLetterActivities({ mongo: conn, authorities: [onlyLater] }),
      /no authorities data is in force on \d{4}-\d{2}-\d{2}: decision letters cannot be numbered/,
    );
    assert.doesNotThrow(() => createDecisionLetterActivities({ mongo: conn, authorities: [xian, onlyLater] }));
  });

  it('when a number is formatted, then it reads prefix〔year〕第NNNNNN号 and matches the schema pattern', () => {
    const n = formatDocumentNumber('西公户不许字', '2026', 1);
    assert.equal(n, '西公户不许字〔2026〕第000001号');
    assert.match(n, DOCUMENT_NUMBER);
    assert.match(formatDocumentNumber('西教落终字', '2026', 1_234_567), DOCUMENT_NUMBER);
    assert.doesNotMatch('HK-2026-000001', DOCUMENT_NUMBER);
  });

  it('when a department refused, then it signs the rejection; system refusals and terminations are signed by the police', () => {
    const housing = outcome({ reasons: [{ code: 'no_legal_residence', department: 'housing' }] });
    assert.equal(issuingDepartment(housing), 'housing');
    assert.equal(issuingDepartment(outcome({ reasons: [] })), 'police');
    assert.equal(issuingDepartment(outcome({ status: 'terminated', reasons: [] })), 'police');
  });

  it('when a department’s authorities give longer appeal periods, then the page counts the periods its letter states; before every version, the statutory ones', () => {
    const raw = copy();
    raw.departments.housing.reconsideration.periodDays = 90;
    raw.departments.housing.litigation.periodMonths = 12;
    const all = [parseAuthorities(raw)];
    const housing = outcome({ reasons: [{ code: 'no_legal_residence', department: 'housing' }] });
    assert.deepEqual(appealPeriodsOf(all, housing), { reconsiderationDays: 90, litigationMonths: 12 });
    assert.deepEqual(appealPeriodsOf(all, outcome({ reasons: [] })), APPEAL_PERIODS, 'signed by the police, whose are statutory');
    assert.deepEqual(appealPeriodsOf(all, { ...housing, at: '2020-01-01T00:00:00Z' }), APPEAL_PERIODS);
    // Received 2026-03-16: 90 days on is Sunday 14 June (a working day follows), twelve months on a Tuesday.
    assert.deepEqual(appealDeadlines('2026-03-16T02:00:00Z', loadWorkingCalendar(), appealPeriodsOf(all, housing)), {
      receivedOn: '2026-03-16',
      reconsiderationBy: '2026-06-15',
      litigationBy: '2027-03-16',
    });
  });

  it('when a case ends, then only a rejection or a termination asks for a number, dated at the decision', () => {
    const at = '2026-04-02T03:00:00Z';
    assert.deepEqual(
      decisionNumberRequest('c1', outcome({ at, reasons: [{ code: 'identity_mismatch', department: 'police' }] })),
      {
        caseId: 'c1',
        department: 'police',
        kind: 'rejection',
        at,
      },
    );
    assert.equal(decisionNumberRequest('c1', outcome({ status: 'terminated', at }))?.kind, 'termination');
    assert.equal(decisionNumberRequest('c1', outcome({ status: 'withdrawn' })), undefined);
    assert.equal(decisionNumberRequest('c1', outcome({ status: 'settled' })), undefined);
  });
});

describe('decisionLetterFacts', () => {
  it('§2 when a points case is refused for its score, then the letter cites item 2 and the policy version, signed by the department', () => {
    const facts = decisionLetterFacts(
      xian,
      {
        department: 'police',
        route: 'points',
        policyVersion: 'xian-2016-v1',
        policyInForceFrom: '2016-07-01',
        reasons: [{ code: 'insufficient_points' }],
      },
      'zh-CN',
    );
    assert.equal(facts.authority, '西安市公安局');
    assert.equal(facts.reconsiderationBody, '西安市人民政府');
    assert.equal(facts.court, '西安铁路运输法院');
    assert.equal(facts.reconsiderationDays, 60);
    assert.equal(facts.litigationMonths, 6);
    assert.deepEqual(facts.basis.items, ['第三部分第2项']);
    assert.equal(facts.basis.policyVersion, 'xian-2016-v1');
    assert.equal(facts.basis.policyInForceFrom, '2016-07-01T00:00:00+08:00');
    assert.deepEqual(facts.reasons, [{ code: 'insufficient_points', items: ['第三部分第2项'] }]);
  });

  it('§1 §8 when a town case is refused for identity, then the letter cites item 1 (the route) and item 8, and no points policy', () => {
    const facts = decisionLetterFacts(
      xian,
      { department: 'police', route: 'town', policyVersion: 'xian-2016-v1', reasons: [{ code: 'identity_mismatch' }] },
      'en',
    );
    assert.deepEqual(facts.basis.items, ['Part III, item 1', 'Part III, item 8']);
    assert.equal(facts.basis.policyVersion, undefined);
    assert.equal(facts.authority, "Xi'an Municipal Public Security Bureau");
  });

  it('when material was fraudulent, then the letter also cites the Administrative Licensing Law', () => {
    const facts = decisionLetterFacts(
      xian,
      { department: 'police', route: 'town', reasons: [{ code: 'fraudulent_material' }] },
      'zh-CN',
    );
    assert.deepEqual(facts.basis.statutes, ['《中华人民共和国行政许可法》第三十一条、第七十八条']);
  });

  it('when a reason code is unknown to the data, then no facts are produced (a letter without its basis must not go out)', () => {
    assert.throws(
      () => decisionLetterFacts(xian, { department: 'police', route: 'town', reasons: [{ code: 'made_up' }] }, 'zh-CN'),
      /no legal basis for reason "made_up"/,
    );
  });
});
