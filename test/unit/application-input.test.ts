/** The application's schema (app/commands/application-input.ts): what it names, and when. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationInput, WithdrawInput } from '../../app/commands/application-input';
import { SUPPLEMENT_DEADLINE_PASSED, WITHDRAWN_WITHOUT_REASON } from '../../domain/case-rules';
import { computeCheckDigit } from '../../domain/id-number';
import { shanghaiToday } from '../../domain/shanghai-clock';

const valid = (first17: string) => first17 + computeCheckDigit(first17);
const issuesOf = (body: unknown) =>
  (ApplicationInput.safeParse(body).error?.issues ?? []).map((i) => [i.path.join('/'), i.message] as const);

describe('the application schema', () => {
  it('when a form has field errors and a wrong route/area pair, then all are named at once, not the pair only after the fields are fixed', () => {
    const issues = issuesOf({
      route: 'town',
      district: 'yanta',
      applicant: { idNumber: '123', name: '张三' },
      contact: { phone: '12' },
    });
    const paths = issues.map(([path]) => path);
    assert.deepEqual(paths.sort(), ['applicant/idNumber', 'contact/phone', 'town'].sort());
    assert.match(issues.find(([p]) => p === 'town')![1], /the town route needs a town/);
  });

  it('when nothing is chosen, then the missing place is named with the missing route, not in a second round', () => {
    const paths = issuesOf({ applicant: { idNumber: '', name: '' }, contact: { phone: '' } }).map(([p]) => p);
    assert.ok(paths.includes('route') && paths.includes('district'), paths.join(', '));
  });

  it('when the same person is given twice beside another error, then the second mention is named with the first', () => {
    const id = valid('11010519491231002');
    const issues = issuesOf({
      route: 'points',
      district: 'yanta',
      applicant: { idNumber: id, name: '张三' },
      family: [{ idNumber: id, name: '张三', relation: 'spouse' }],
      contact: { phone: 'not a phone' },
    });
    assert.deepEqual(issues, [
      ['contact/phone', 'must be an 11-digit mainland mobile number'],
      ['family/0/idNumber', 'each person appears once: the same ID number as /applicant/idNumber'],
    ]);
  });

  it('when the body is not an object or its parts have the wrong types, then the types are named, and the missing place (the cross-field checks trust no wrong type)', () => {
    assert.deepEqual(
      issuesOf([1]).map(([p]) => p),
      [''],
    );
    assert.deepEqual(
      issuesOf({ route: 'x', applicant: 5, family: 'no', contact: {} }).map(([p]) => p),
      ['route', 'applicant', 'family', 'contact/phone', 'district'],
    );
  });

  it('when everything is right, then it parses', () => {
    const r = ApplicationInput.safeParse({
      route: 'town',
      town: 'huyi',
      applicant: { idNumber: valid('11010519491231002'), name: '张三' },
      contact: { phone: '13900139000' },
    });
    assert.equal(r.success, true, JSON.stringify(r.error?.issues));
  });

  /** One contact field of an otherwise right application as stored, or the paths of the refusals. */
  const contactAsRead = (contact: Record<string, string>, field: 'phone' | 'email') => {
    const r = ApplicationInput.safeParse({
      route: 'town',
      town: 'huyi',
      applicant: { idNumber: valid('11010519491231002'), name: '张三' },
      contact,
    });
    return r.success ? r.data.contact[field] : r.error.issues.map((i) => i.path.join('/'));
  };

  it('when the phone is typed as people type it (grouped, full-width, with +86), then it is stored as its 11 digits; anything else is named', () => {
    const phoneOf = (phone: string) => contactAsRead({ phone }, 'phone');
    for (const typed of [
      '138 0013 8000',
      '138-0013-8000',
      '１３８００１３８０００',
      '+86 138 0013 8000',
      '0086 13800138000',
      '(+86)13800138000',
    ])
      assert.equal(phoneOf(typed), '13800138000', typed);
    for (const wrong of ['1380013800', '138001380001', '+1 415 555 0100', '23800138000', '86 1380013800'])
      assert.deepEqual(phoneOf(wrong), ['contact/phone'], wrong);
  });

  it('when an email is typed with a full-width ＠ or letters (a Chinese input method) or spaces around it, then the API reads it as the address meant, as the web form does; anything else is named', () => {
    const emailOf = (email: string) => contactAsRead({ phone: '13800138000', email }, 'email');
    for (const typed of ['wang@example.cn', 'wang＠example.cn', 'ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ', ' wang@example.cn '])
      assert.equal(emailOf(typed), 'wang@example.cn', typed);
    for (const wrong of ['wang', 'wang@', '@example.cn', `${'w'.repeat(250)}@example.cn`])
      assert.deepEqual(emailOf(wrong), ['contact/email'], wrong);
  });

  describe('§21–23 children, as their ID numbers allow', () => {
    const year = Number(shanghaiToday().slice(0, 4));
    /** Born on 1 January: exactly `age` completed years on any day of this year. */
    const aged = (age: number, seq: string) => valid(`610113${year - age}0101${seq}`);
    const withChild = (applicantAge: number, child: Record<string, unknown>) => ({
      route: 'points',
      district: 'yanta',
      applicant: { idNumber: aged(applicantAge, '111'), name: '王建国' },
      family: [{ name: '王小明', relation: 'child', ...child }],
      contact: { phone: '13800138000' },
    });

    it('when a child is born before the applicant, then the relation is named: a 66-year-old is no child of a 39-year-old', () => {
      assert.deepEqual(issuesOf(withChild(39, { idNumber: aged(66, '222'), schoolLevel: 'primary' })), [
        ['family/0/relation', 'a child must be born after the applicant'],
      ]);
      // The same person as a parent is fine.
      assert.deepEqual(
        issuesOf({ ...withChild(39, {}), family: [{ idNumber: aged(66, '222'), name: '王父', relation: 'parent' }] }),
        [],
      );
    });

    it('when a spouse or a parent is a child themself (younger than 16), then the relation is named (a trial’s finding: a 4-year-old spouse was taken); a young spouse or step-parent is not refused', () => {
      const withMember = (relation: string, idNumber: string) => ({
        ...withChild(36, {}),
        family: [{ idNumber, name: '王某', relation }],
      });
      assert.deepEqual(issuesOf(withMember('spouse', aged(4, '222'))), [
        ['family/0/relation', 'a spouse must be at least 16 years old'],
      ]);
      assert.deepEqual(issuesOf(withMember('parent', aged(11, '222'))), [
        ['family/0/relation', 'a parent must be at least 16 years old'],
      ]);
      // Married at 18 where the law allows it (an autonomous region, abroad); a step-parent younger than the applicant.
      assert.deepEqual(issuesOf(withMember('spouse', aged(18, '222'))), []);
      assert.deepEqual(issuesOf(withMember('parent', aged(30, '223'))), []);
    });

    it('when a child’s age does not fit the school level, then the level is named with the band; an age in the band parses', () => {
      const issue = (age: number, schoolLevel: string) => issuesOf(withChild(70, { idNumber: aged(age, '333'), schoolLevel }));
      assert.deepEqual(issue(66, 'primary'), [
        ['family/0/schoolLevel', 'a primary place is for a child aged 5 to 15; this child is 66'],
      ]);
      assert.deepEqual(issue(1, 'kindergarten'), [
        ['family/0/schoolLevel', 'a kindergarten place is for a child aged 2 to 7; this child is 1'],
      ]);
      assert.equal(issue(19, 'junior_secondary').length, 1, 'too old for junior secondary');
      for (const [age, level] of [
        [2, 'kindergarten'],
        [7, 'kindergarten'],
        [5, 'primary'],
        [15, 'primary'],
        [10, 'junior_secondary'],
        [18, 'junior_secondary'],
      ] as const)
        assert.deepEqual(issue(age, level), [], `${age} at ${level}`);
      // A grown child who needs no place is a child all the same.
      assert.deepEqual(issuesOf(withChild(70, { idNumber: aged(40, '444') })), []);
    });
  });

  it('when an applicant’s withdrawal note is exactly a note the system writes, then it is refused; the same words in a sentence are kept', () => {
    for (const note of [SUPPLEMENT_DEADLINE_PASSED, ` ${WITHDRAWN_WITHOUT_REASON} `])
      assert.equal(WithdrawInput.safeParse({ note }).success, false, note);
    assert.equal(WithdrawInput.safeParse({ note: `因工作调动撤回（非 ${SUPPLEMENT_DEADLINE_PASSED}）` }).success, true);
    assert.equal(WithdrawInput.safeParse({}).success, true);
  });
});
