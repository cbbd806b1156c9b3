import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskIdNumber, maskIdNumbersInText, maskName, maskPhone } from '../../domain/masking';

describe('maskIdNumber', () => {
  it('when given an 18-character ID number, then the first 4 and last 4 stay and the length is kept', () => {
    // Arrange
    const id = '610105199001011234';
    // Act
    const masked = maskIdNumber(id);
    // Assert
    assert.equal(masked, '6101**********1234');
    assert.equal(masked.length, 18);
  });

  it('when the check character is a lower-case x, then the mask shows it as X', () => {
    assert.equal(maskIdNumber('11010519491231002x'), '1101**********002X');
  });

  it('when the value is too short to keep both ends safely, then every character is masked', () => {
    assert.equal(maskIdNumber('12345678'), '********');
    assert.equal(maskIdNumber(''), '');
  });
});

describe('maskPhone', () => {
  it('when given an 11-digit mobile number, then the first 3 and last 4 stay', () => {
    assert.equal(maskPhone('13812345678'), '138****5678');
  });

  it('when given a very short number, then every character is masked', () => {
    assert.equal(maskPhone('12345'), '*****');
  });
});

describe('maskName', () => {
  it('when given a three-character name, then only the first character stays (张三丰 → 张**)', () => {
    assert.equal(maskName('张三丰'), '张**');
  });

  it('when given a two-character name, then one asterisk follows the surname', () => {
    assert.equal(maskName('李四'), '李*');
  });

  it('when the name has a character outside the BMP, then it counts as one character', () => {
    assert.equal(maskName('𠮷野家'), '𠮷**');
    assert.equal(maskName('王𠮷'), '王*');
  });

  it('when the name has a single character, then it is fully masked (keeping it would reveal it)', () => {
    assert.equal(maskName('王'), '*');
  });
});

describe('maskIdNumbersInText', () => {
  it('when a log line holds several ID numbers, then none of them survives and each shows its mask', () => {
    // Arrange
    const line = 'applicant 11010519491231002X, child 110105200002290021 joined';
    // Act
    const masked = maskIdNumbersInText(line);
    // Assert
    assert.equal(masked, 'applicant 1101**********002X, child 1101**********0021 joined');
    assert.ok(!masked.includes('11010519491231002X'));
    assert.ok(!masked.includes('110105200002290021'));
  });

  it('when the ID number ends in a lower-case x, then it is masked too', () => {
    assert.equal(maskIdNumbersInText('id=11010519491231002x'), 'id=1101**********002X');
  });

  it('when the ID number is glued to letters or sits inside JSON, then it is still masked', () => {
    const text = JSON.stringify({ idNumber: '110105200002290021', note: 'x11010519491231002Xy' });
    const masked = maskIdNumbersInText(text);
    assert.ok(!/\d{17}[\dXx]/.test(masked), masked);
    assert.ok(masked.includes('"1101**********0021"'));
  });

  it('when the text has no 18-character ID-like run, then it is returned unchanged', () => {
    const text = 'case 42 at 2026-11-25T10:00:00Z, phone 13812345678, ts 1764064800000, 中文';
    assert.equal(maskIdNumbersInText(text), text);
  });

  it('when a longer digit run contains an ID-like prefix, then at least that part is masked (err on hiding)', () => {
    const masked = maskIdNumbersInText('6222021234567890123');
    assert.equal(masked, '6222**********9012' + '3');
  });

  it('§2: when a ranking line is published, then the applicant ID number appears only masked', () => {
    const row = `1\t${maskName('张三丰')}\t${maskIdNumber('610105199001011234')}\t87`;
    assert.equal(row, '1\t张**\t6101**********1234\t87');
  });
});
