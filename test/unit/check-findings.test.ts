/**
 * What a housing lookup means for the area applied for (domain/check-findings.ts): §1 settles
 * people with a legal stable residence in the town (当地), and a household registers at an address
 * in its own area, so a home in another area is none here (§16, §2).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckRecord } from '../../domain/case-state';
import type { HousingCheck } from '../../domain/department-checks';
import { findingsFor, needsCollectiveHousehold, pointsInputsFrom, residenceIn } from '../../domain/check-findings';
import type { Application } from '../../domain/vocabulary';

const applicant = { idNumber: '11010519491231002X', name: '张三', relation: 'applicant' as const };
const town = (t: 'lantian' | 'huyi' | 'zhouzhi'): Application => ({
  route: 'town',
  town: t,
  applicant,
  family: [],
  contact: { phone: '13800138000', locale: 'zh-CN' },
});
const points = (district: 'yanta' | 'lianhu'): Application => ({ ...town('huyi'), route: 'points', town: undefined, district });

const housing = (r: Omit<HousingCheck, 'department'> | null): CheckRecord['results'] => [
  { personIndex: 0, result: r ? { department: 'housing', ...r } : null },
];
const record = (r: Omit<HousingCheck, 'department'> | null): CheckRecord => ({ at: '', results: housing(r), findings: [] });

describe('a residence and the area applied for', () => {
  it('§1 when a town applicant owns a home in another area, then housing reports residence_elsewhere; in the town itself, nothing', () => {
    // Arrange
    const elsewhere = { residence: 'owned' as const, addressArea: 'lianhu' };
    const here = { residence: 'owned' as const, addressArea: 'lantian' };

    // Act
    const found = findingsFor('housing', housing(elsewhere), town('lantian'), 'lantian');
    const clean = findingsFor('housing', housing(here), town('lantian'), 'lantian');
    const before = findingsFor('housing', housing(elsewhere), town('lantian'));

    // Assert
    assert.deepEqual(found, ['residence_elsewhere'], 'a home in Lianhu is no residence in Lantian');
    assert.deepEqual(clean, [], 'a home in the town applied for is what §1 asks');
    assert.deepEqual(before, [], 'a case started before residence-in-area (no residenceArea) is told nothing');
  });

  it('§16 when housing knows no residence, then it is no_own_residence, not residence_elsewhere, whatever the area', () => {
    assert.deepEqual(findingsFor('housing', housing({ residence: 'none', addressArea: 'lianhu' }), town('huyi'), 'huyi'), [
      'no_own_residence',
    ]);
    assert.deepEqual(findingsFor('housing', housing(null), town('huyi'), 'huyi'), ['no_own_residence']);
  });

  it('when the register names no area, then the residence is taken as it is (nothing to compare)', () => {
    assert.deepEqual(findingsFor('housing', housing({ residence: 'public_rental_certified' }), town('zhouzhi')), []);
    assert.equal(
      residenceIn({ department: 'housing', residence: 'public_rental_certified' }, 'zhouzhi'),
      'public_rental_certified',
    );
  });

  it('§16 when the home is in another area, then the case needs a collective household there; for cases before the patch (no area), it does not', () => {
    const elsewhere = record({ residence: 'owned', addressArea: 'yanta' });
    assert.equal(needsCollectiveHousehold(elsewhere, 'lianhu'), true);
    assert.equal(needsCollectiveHousehold(elsewhere, 'yanta'), false);
    assert.equal(needsCollectiveHousehold(elsewhere, undefined), false, 'cases started before residence-in-area');
    assert.equal(needsCollectiveHousehold(record(null), 'yanta'), true);
  });

  it('§2 when a points applicant owns a home in another district, then it scores as no residence there and housing reports it', () => {
    // Arrange
    const checks = { housing: record({ residence: 'owned', addressArea: 'yanta' }) };

    // Act
    const inLianhu = pointsInputsFrom(checks, 'lianhu');
    const inYanta = pointsInputsFrom(checks, 'yanta');
    const before = pointsInputsFrom(checks);

    // Assert
    assert.equal(inLianhu.housing.residence, 'none', 'no residence points for a home in Yanta when applying in Lianhu');
    assert.equal(inLianhu.housing.elsewhere, true, 'the score says why');
    assert.equal(inYanta.housing.residence, 'owned');
    assert.equal(before.housing.residence, 'owned', 'cases started before residence-in-area keep their score');
    assert.deepEqual(findingsFor('housing', checks.housing.results, points('lianhu'), 'lianhu'), ['residence_elsewhere']);
    assert.deepEqual(findingsFor('housing', checks.housing.results, points('yanta'), 'yanta'), []);
  });
});
