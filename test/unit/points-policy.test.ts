import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import v1Json from '../../policy/points/xian-2016-v1.json';
import v2Json from '../../policy/points/xian-2016-v2.json';
import type { EducationCheck, HousingCheck, HrssCheck, PoliceCheck } from '../../domain/department-checks';
import { POINTS_INDICATORS, policyInForceOn, scorePoints } from '../../domain/points-policy';
import type { PointsInputs, PointsPolicy } from '../../domain/points-policy';
import { parsePointsPolicy } from '../../domain/points-policy.parse';

const v1 = parsePointsPolicy(v1Json);
const v2 = parsePointsPolicy(v2Json);

/** A typical applicant: employed, owns a flat, 5 years insured and resident, bachelor, good credit. */
function inputs(
  overrides: {
    police?: Partial<PointsInputs['police']>;
    hrss?: Partial<PointsInputs['hrss']>;
    housing?: Partial<PointsInputs['housing']>;
    education?: Partial<PointsInputs['education']>;
  } = {},
): PointsInputs {
  return {
    police: { creditGood: true, continuousResidenceYears: 5, ...overrides.police },
    hrss: {
      employed: true,
      socialInsuranceYears: 5,
      professionalTitle: 'none',
      vocationalSkill: 'none',
      ...overrides.hrss,
    },
    housing: { residence: 'owned', ...overrides.housing },
    education: { educationLevel: 'bachelor', ...overrides.education },
  };
}

function line(score: ReturnType<typeof scorePoints>, indicator: string) {
  const found = score.breakdown.find((l) => l.indicator === indicator);
  assert.ok(found, `breakdown has ${indicator}`);
  return found;
}

/** Untyped policy JSON: these tests deliberately write fields a PointsPolicy would forbid. */
type RawPolicy = Record<string, any>;

/** A deep copy of v1 as plain JSON, for breaking one field at a time. */
function v1Copy(): RawPolicy {
  return JSON.parse(JSON.stringify(v1Json)) as RawPolicy;
}

describe('points policy files', () => {
  it('§2: when the shipped policy files are parsed, then both versions load with their own version and start date', () => {
    assert.equal(v1.version, 'xian-2016-v1');
    assert.equal(v1.effectiveFrom, '2016-07-01');
    assert.equal(v2.version, 'xian-2016-v2');
    assert.ok(v2.effectiveFrom > v1.effectiveFrom);
  });

  it('§2: when the bad-credit rule is read, then the file documents it in a notes field', () => {
    assert.ok(v1.indicators.credit.notes && v1.indicators.credit.notes.length > 0);
    assert.ok(v2.indicators.credit.notes && v2.indicators.credit.notes.length > 0);
  });
});

describe('scorePoints', () => {
  it('§2: when a typical applicant is scored, then the breakdown lists the seven indicators in order and sums to the total', () => {
    // Arrange
    const applicant = inputs();
    // Act
    const score = scorePoints(v1, applicant);
    // Assert
    assert.deepEqual(
      score.breakdown.map((l) => l.indicator),
      [...POINTS_INDICATORS],
    );
    assert.deepEqual(
      score.breakdown.map((l) => l.points),
      [10, 20, 10, 10, 20, 0, 5],
    );
    assert.equal(score.total, 75);
    assert.equal(
      score.breakdown.reduce((s, l) => s + l.points, 0),
      score.total,
    );
    assert.equal(score.threshold, 60);
    assert.equal(score.passed, true);
    assert.equal(score.policyVersion, 'xian-2016-v1');
    assert.equal(score.disqualifiedBy, undefined);
  });

  it('§2: when the breakdown is shown to the applicant, then each line carries a zh-CN and an en label and the value used', () => {
    const score = scorePoints(v1, inputs());
    assert.deepEqual(line(score, 'education').label, { 'zh-CN': '文化程度', en: 'Education level' });
    assert.equal(line(score, 'education').value, 'bachelor');
    assert.equal(line(score, 'residence').value, 'owned');
    assert.equal(line(score, 'employment').value, true);
    assert.equal(line(score, 'socialInsurance').value, 5);
    for (const l of score.breakdown) assert.ok(l.label['zh-CN'] && l.label.en);
  });

  for (const [name, applicant] of [
    [
      'with no job, no housing and nothing else',
      inputs({
        hrss: { employed: false, socialInsuranceYears: 0 },
        housing: { residence: 'none' },
        education: { educationLevel: 'none' },
        police: { continuousResidenceYears: 0 },
      }),
    ],
    [
      'with public rental housing and a master degree',
      inputs({ housing: { residence: 'public_rental_certified' }, education: { educationLevel: 'master' } }),
    ],
    [
      'at every cap',
      inputs({
        hrss: { socialInsuranceYears: 40, professionalTitle: 'senior' },
        police: { continuousResidenceYears: 40 },
        education: { educationLevel: 'doctorate' },
      }),
    ],
    ['with bad credit', inputs({ police: { creditGood: false } })],
  ] as const) {
    it(`§2: when an applicant ${name} is scored, then under both versions the breakdown sums to the total`, () => {
      for (const policy of [v1, v2]) {
        const score = scorePoints(policy, applicant);
        assert.equal(
          score.breakdown.reduce((s, l) => s + l.points, 0),
          score.total,
        );
        assert.equal(score.breakdown.length, 7);
      }
    });
  }

  it('§2: when social-insurance years exceed the cap, then the points stop at maxPoints and the line is marked capped', () => {
    const score = scorePoints(v1, inputs({ hrss: { socialInsuranceYears: 15 } }));
    const si = line(score, 'socialInsurance');
    assert.equal(si.points, 20);
    assert.equal(si.capped, true);
    assert.equal(si.value, 15);
  });

  it('§2 §5: when continuous-residence years (from the police residence records) exceed the cap, then the points stop at maxPoints and the line is marked capped', () => {
    const score = scorePoints(v2, inputs({ police: { continuousResidenceYears: 12 } }));
    const cr = line(score, 'continuousResidence');
    assert.equal(cr.points, 10);
    assert.equal(cr.capped, true);
  });

  it('when the years land exactly on the cap, then the full points count and the line is not marked capped', () => {
    const si = line(scorePoints(v1, inputs({ hrss: { socialInsuranceYears: 10 } })), 'socialInsurance');
    assert.equal(si.points, 20);
    assert.equal(si.capped, false);
  });

  it('when years are fractional, then only completed years count', () => {
    const si = line(scorePoints(v1, inputs({ hrss: { socialInsuranceYears: 4.9 } })), 'socialInsurance');
    assert.equal(si.value, 4);
    assert.equal(si.points, 8);
  });

  it('when an adapter reports negative or non-numeric years, then they score as zero rather than throwing', () => {
    const score = scorePoints(
      v1,
      inputs({ hrss: { socialInsuranceYears: -3 }, police: { continuousResidenceYears: Number.NaN } }),
    );
    assert.equal(line(score, 'socialInsurance').points, 0);
    assert.equal(line(score, 'continuousResidence').points, 0);
  });

  it('§2: when both a professional title and a vocational skill exist, then only the higher one scores (title wins)', () => {
    const l = line(scorePoints(v1, inputs({ hrss: { professionalTitle: 'senior', vocationalSkill: 'level1' } })), 'titleOrSkill');
    assert.equal(l.points, 20);
    assert.equal(l.value, 'professional_title:senior');
  });

  it('§2: when the vocational skill outranks the professional title, then the skill scores instead', () => {
    const l = line(scorePoints(v1, inputs({ hrss: { professionalTitle: 'junior', vocationalSkill: 'level1' } })), 'titleOrSkill');
    assert.equal(l.points, 16);
    assert.equal(l.value, 'vocational_skill:level1');
  });

  it('when neither a title nor a skill exists, then the line shows none and zero points', () => {
    const l = line(scorePoints(v1, inputs()), 'titleOrSkill');
    assert.equal(l.value, 'none');
    assert.equal(l.points, 0);
  });

  it('when the applicant is not employed, then employment scores zero', () => {
    const l = line(scorePoints(v1, inputs({ hrss: { employed: false } })), 'employment');
    assert.equal(l.points, 0);
    assert.equal(l.value, false);
  });

  it('§2: when the credit record is bad under v1 (disqualify), then the case fails whatever the total and says why', () => {
    // Arrange: an applicant far above the threshold
    const strong = inputs({
      police: { creditGood: false, continuousResidenceYears: 20 },
      hrss: { socialInsuranceYears: 20, professionalTitle: 'senior' },
      education: { educationLevel: 'doctorate' },
    });
    // Act
    const score = scorePoints(v1, strong);
    // Assert
    assert.ok(score.total >= score.threshold);
    assert.equal(score.passed, false);
    assert.equal(score.disqualifiedBy, 'credit');
    assert.equal(line(score, 'credit').points, 0);
    assert.equal(line(score, 'credit').value, false);
  });

  it('§2: when the credit record is bad under v2 (deduct), then the deduction shows as negative points and the case is not disqualified', () => {
    const good = scorePoints(v2, inputs());
    const bad = scorePoints(v2, inputs({ police: { creditGood: false } }));
    assert.equal(line(bad, 'credit').points, -30);
    assert.equal(bad.total, good.total - 5 - 30);
    assert.equal(bad.disqualifiedBy, undefined);
  });

  it('§2: when the total equals the threshold exactly, then the applicant passes; one point less, then not', () => {
    // v1: employment 10 + owned 20 + SI 5y 10 + CR 5y 10 + secondary 5 + credit 5 = 60
    const atThreshold = scorePoints(v1, inputs({ education: { educationLevel: 'secondary' } }));
    assert.equal(atThreshold.total, 60);
    assert.equal(atThreshold.passed, true);
    // one year less of residence: 58
    const below = scorePoints(
      v1,
      inputs({ education: { educationLevel: 'secondary' }, police: { continuousResidenceYears: 4 } }),
    );
    assert.equal(below.total, 58);
    assert.equal(below.passed, false);
  });

  it('§2: when the same inputs are scored under v1 and v2, then the totals differ and each score names its version', () => {
    const applicant = inputs();
    const s1 = scorePoints(v1, applicant);
    const s2 = scorePoints(v2, applicant);
    assert.equal(s1.total, 75);
    assert.equal(s2.total, 90);
    assert.equal(s1.policyVersion, 'xian-2016-v1');
    assert.equal(s2.policyVersion, 'xian-2016-v2');
    assert.equal(s2.threshold, 70);
  });

  it('when full department check results are passed, then they are accepted and officer-internal fields do not affect the score', () => {
    const police: PoliceCheck = {
      department: 'police',
      identityMatches: true,
      criminalRecord: true,
      creditGood: true,
      continuousResidenceYears: 5,
      registeredBy: 'landlord',
    };
    const hrss: HrssCheck = {
      department: 'hrss',
      employed: true,
      employer: 'ACME',
      socialInsuranceYears: 5,
      professionalTitle: 'none',
      vocationalSkill: 'none',
    };
    const housing: HousingCheck = { department: 'housing', residence: 'owned', addressArea: 'yanta' };
    const education: EducationCheck = { department: 'education', educationLevel: 'bachelor' };
    assert.deepEqual(scorePoints(v1, { police, hrss, housing, education }), scorePoints(v1, inputs()));
  });

  it('when scoring twice with frozen policy and inputs, then the results are identical and nothing is mutated (pure)', () => {
    const policy = deepFreeze(parsePointsPolicy(v1Json));
    const applicant = deepFreeze(inputs({ hrss: { socialInsuranceYears: 30 } }));
    assert.deepEqual(scorePoints(policy, applicant), scorePoints(policy, applicant));
  });
});

describe('policyInForceOn', () => {
  it('§2: when a case was submitted before v2 took effect, then it is judged under v1; on or after, under v2', () => {
    assert.equal(policyInForceOn([v2, v1], '2017-12-31')?.version, 'xian-2016-v1');
    assert.equal(policyInForceOn([v1, v2], '2018-01-01')?.version, 'xian-2016-v2');
    assert.equal(policyInForceOn([v1, v2], '2026-11-25')?.version, 'xian-2016-v2');
  });

  it('when the date is before the first version, then no policy is in force', () => {
    assert.equal(policyInForceOn([v1, v2], '2016-06-30'), undefined);
  });

  it('when two versions share a start date or a version name, then it throws whatever the date', () => {
    const clash: PointsPolicy = { ...v2, version: 'xian-2016-v3', effectiveFrom: v1.effectiveFrom };
    assert.throws(() => policyInForceOn([v1, clash, v2], '2026-01-01'), /effectiveFrom 2016-07-01/);
    assert.throws(
      () => policyInForceOn([v1, { ...v1, effectiveFrom: '2020-01-01' }], '2026-01-01'),
      /xian-2016-v1 appears twice/,
    );
  });
});

describe('parsePointsPolicy', () => {
  const cases: Array<[string, (p: RawPolicy) => void, RegExp]> = [
    [
      'an indicator key is misspelt',
      (p) => {
        p.indicators.socialInsurence = p.indicators.socialInsurance;
        delete p.indicators.socialInsurance;
      },
      /indicators\.socialInsurence: unknown field/,
    ],
    ['a cap is negative', (p) => (p.indicators.socialInsurance.maxPoints = -1), /indicators\.socialInsurance\.maxPoints/],
    [
      'points are fractional',
      (p) => (p.indicators.continuousResidence.pointsPerYear = 1.5),
      /indicators\.continuousResidence\.pointsPerYear/,
    ],
    [
      'an education level is missing',
      (p) => delete p.indicators.education.points.master,
      /indicators\.education\.points\.master/,
    ],
    ['effectiveFrom is not a real date', (p) => (p.effectiveFrom = '2016-02-30'), /effectiveFrom/],
    ['the threshold is a string', (p) => (p.threshold = '60'), /threshold/],
    [
      'a bad-credit deduction is positive',
      (p) => (p.indicators.credit.onBad = { action: 'deduct', points: 30 }),
      /indicators\.credit\.onBad\.points/,
    ],
    ['the bad-credit action is unknown', (p) => (p.indicators.credit.onBad = { action: 'ignore' }), /indicators\.credit\.onBad/],
    ['a label lacks its English text', (p) => delete p.indicators.residence.label.en, /indicators\.residence\.label\.en/],
    ['the version is missing', (p) => delete p.version, /version/],
  ];
  for (const [name, breakIt, fieldPattern] of cases) {
    it(`when ${name}, then parsing throws and the message names the field`, () => {
      // Arrange
      const bad = v1Copy();
      breakIt(bad);
      // Act + Assert
      assert.throws(
        () => parsePointsPolicy(bad),
        (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.match(err.message, /^invalid points policy/);
          assert.match(err.message, fieldPattern);
          return true;
        },
      );
    });
  }

  it('when the input is not an object at all, then parsing throws naming the root', () => {
    assert.throws(() => parsePointsPolicy(null), /\(root\)/);
  });
});

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
