/** The application's schema (app/commands/application-input.ts): what it names, and when. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationInput } from '../../app/commands/application-input';
import { computeCheckDigit } from '../../domain/id-number';

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
});
