import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ageOn, computeCheckDigit, validateIdNumber } from '../../domain/id-number';

const TODAY = '2026-11-25';

/** Builds a number with a correct check character, so a test fails for one reason only. */
function withCheckDigit(first17: string): string {
  return first17 + computeCheckDigit(first17);
}

describe('validateIdNumber (GB 11643-1999, §8)', () => {
  it('§8: when the FACTS vector 11010519491231002X is given, then it is valid with birth date 1949-12-31', () => {
    // Arrange
    const raw = '11010519491231002X';
    // Act
    const result = validateIdNumber(raw, { today: TODAY });
    // Assert
    assert.deepEqual(result, { ok: true, value: '11010519491231002X', birthDate: '1949-12-31' });
  });

  it('§8: when the check digit is wrong (110105194912310021), then it is rejected with reason check_digit', () => {
    const result = validateIdNumber('110105194912310021', { today: TODAY });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'check_digit');
  });

  it('§8: when the birth date is the leap day 2000-02-29 (110105200002290021), then it is valid', () => {
    const result = validateIdNumber('110105200002290021', { today: TODAY });
    assert.deepEqual(result, { ok: true, value: '110105200002290021', birthDate: '2000-02-29' });
  });

  it('when the check character is a lower-case x, then it is accepted and normalised to X', () => {
    const result = validateIdNumber('11010519491231002x', { today: TODAY });
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.value, '11010519491231002X');
  });

  it('when the number has surrounding whitespace, then it is trimmed and accepted', () => {
    const result = validateIdNumber('  11010519491231002X\n', { today: TODAY });
    assert.equal(result.ok && result.value, '11010519491231002X');
  });

  it('when the number is typed in full-width digits (a Chinese input method) or grouped by spaces, then it is the same number', () => {
    for (const raw of [
      '１１０１０５１９４９１２３１００２Ｘ',
      '１１０１０５１９４９１２３１００２ｘ',
      '110105 19491231 002X',
      '110105\u300019491231002X',
    ]) {
      const result = validateIdNumber(raw, { today: TODAY });
      assert.equal(result.ok && result.value, '11010519491231002X', raw);
    }
  });

  for (const [name, raw] of [
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['a first-generation 15-digit number', '110105491231002'],
    ['an empty string', ''],
  ] as const) {
    it(`§8: when the number has ${name}, then it is rejected with reason length`, () => {
      const result = validateIdNumber(raw, { today: TODAY });
      assert.equal(!result.ok && result.reason, 'length');
    });
  }

  for (const [name, raw] of [
    ['a letter among the first 17', '1101051949123100AX'],
    ['X in a position other than the last', '1101051949123100X2'],
    ['a full-width letter among the first 17', '1101051949123100ＡX'],
  ] as const) {
    it(`when the number contains ${name}, then it is rejected with reason characters`, () => {
      const result = validateIdNumber(raw, { today: TODAY });
      assert.equal(!result.ok && result.reason, 'characters');
    });
  }

  for (const prefix of ['00', '10', '16', '20', '24', '30', '38', '47', '55', '60', '66', '70', '72', '80', '83', '99']) {
    it(`when the province prefix is ${prefix}, then it is rejected with reason province`, () => {
      const result = validateIdNumber(withCheckDigit(`${prefix}010519491231002`), { today: TODAY });
      assert.equal(!result.ok && result.reason, 'province');
    });
  }

  for (const prefix of ['11', '15', '21', '23', '31', '37', '41', '46', '50', '54', '61', '65', '71', '81', '82']) {
    it(`when the province prefix is ${prefix}, then it is accepted`, () => {
      const result = validateIdNumber(withCheckDigit(`${prefix}010519491231002`), { today: TODAY });
      assert.equal(result.ok, true);
    });
  }

  for (const [name, date] of [
    ['30 February', '20000230'],
    ['29 February of a common year', '20010229'],
    ['29 February 1900 (century, not a leap year)', '19000229'],
    ['month 13', '19491331'],
    ['month 00', '19490031'],
    ['day 00', '19491200'],
    ['31 April', '19490431'],
  ] as const) {
    it(`when the birth date is ${name}, then it is rejected with reason birth_date`, () => {
      const result = validateIdNumber(withCheckDigit(`610105${date}002`), { today: TODAY });
      assert.equal(!result.ok && result.reason, 'birth_date');
    });
  }

  it('when the birth date is 29 February 2000 (a 400-year leap year), then it is accepted', () => {
    const result = validateIdNumber(withCheckDigit('61010520000229002'), { today: TODAY });
    assert.equal(result.ok && result.birthDate, '2000-02-29');
  });

  it('when the birth year is before 1900, then it is still accepted (the standard sets no lower bound)', () => {
    const result = validateIdNumber(withCheckDigit('61010518991231002'), { today: TODAY });
    assert.equal(result.ok && result.birthDate, '1899-12-31');
  });

  it('when the birth date is after today, then it is rejected with reason future_birth_date', () => {
    const result = validateIdNumber(withCheckDigit('61010520261126002'), { today: '2026-11-25' });
    assert.equal(!result.ok && result.reason, 'future_birth_date');
  });

  it('when the birth date is today, then it is accepted', () => {
    const result = validateIdNumber(withCheckDigit('61010520261125002'), { today: '2026-11-25' });
    assert.equal(result.ok, true);
  });

  it('when the same number is checked against a later today, then the verdict depends only on the given today', () => {
    const id = withCheckDigit('61010520261126002');
    assert.equal(validateIdNumber(id, { today: '2026-11-25' }).ok, false);
    assert.equal(validateIdNumber(id, { today: '2026-11-26' }).ok, true);
  });

  it('when a number is rejected, then the message does not echo the number (messages reach logs)', () => {
    const raw = '110105194912310021';
    const result = validateIdNumber(raw, { today: TODAY });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.message.length > 0 && !result.message.includes(raw));
  });

  it('when today is not a calendar date, then the call throws (a caller bug, not a bad ID)', () => {
    assert.throws(() => validateIdNumber('11010519491231002X', { today: '2026-02-30' }), RangeError);
    assert.throws(() => validateIdNumber('11010519491231002X', { today: '' }), RangeError);
  });
});

describe('computeCheckDigit', () => {
  it('when the weighted sum mod 11 is 2, then the check character is X', () => {
    assert.equal(computeCheckDigit('11010519491231002'), 'X');
  });

  it('when given anything but 17 digits, then it throws', () => {
    assert.throws(() => computeCheckDigit('1101051949123100'), RangeError);
  });
});

describe('ageOn', () => {
  const id = '11010519491231002X'; // born 1949-12-31

  it('when the date is the day before the birthday, then the age is one year less', () => {
    assert.equal(ageOn(id, '2026-12-30'), 76);
  });

  it('when the date is the birthday, then the new age counts', () => {
    assert.equal(ageOn(id, '2026-12-31'), 77);
  });

  it('when born on 29 February, then in a common year the age turns on 1 March, not 28 February', () => {
    const leap = '110105200002290021';
    assert.equal(ageOn(leap, '2001-02-28'), 0);
    assert.equal(ageOn(leap, '2001-03-01'), 1);
    assert.equal(ageOn(leap, '2004-02-29'), 4);
  });

  it('when the date is before the birth date or malformed, then it throws', () => {
    assert.throws(() => ageOn(id, '1949-12-30'), RangeError);
    assert.throws(() => ageOn(id, '2026-13-01'), RangeError);
    assert.throws(() => ageOn('not-an-id', '2026-01-01'), RangeError);
  });
});
