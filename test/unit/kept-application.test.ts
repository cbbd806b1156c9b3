/**
 * The application form posted after its session ended (web/pages/kept-form.ts): what is kept (the
 * form's own fields only), and to whom it is given back (the account of the ID number it names,
 * once, within the hour).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request } from 'express';
import { KEPT_APPLICATION_MS, keptApplication, keptFor, takeKeptApplication } from '../../web/pages/kept-form';
import type { KeptApplication } from '../../web/session';

const ID = '610103198905140425';
const posted = (path: string, body: Record<string, unknown>) => ({ path, body }) as unknown as Request;
const withKept = (kept: KeptApplication | undefined) => ({ session: { keptApplication: kept } }) as unknown as Request;

describe('a kept application', () => {
  it('when the application form is posted, then its own fields are kept and anything else is dropped', () => {
    const kept = keptApplication(
      posted('/applicant/apply', {
        _csrf: 'token',
        route: 'town',
        area: 'huyi',
        'applicant-idNumber': ID,
        'contact-phone': '13900139000',
        'family-0-relation': 'spouse',
        'family-12-name': 'no such row',
        other: 'x',
        'applicant-name': 'x'.repeat(501),
      }),
      1000,
    );
    assert.deepEqual(kept, {
      fields: {
        route: 'town',
        area: 'huyi',
        'applicant-idNumber': ID,
        'contact-phone': '13900139000',
        'family-0-relation': 'spouse',
      },
      idNumber: ID,
      at: 1000,
    });
  });

  it('when another form is posted, or the application names no ID number, then nothing is kept', () => {
    assert.equal(keptApplication(posted('/officer/cases/x/decision', { 'applicant-idNumber': ID })), undefined);
    assert.equal(keptApplication(posted('/applicant/apply', { route: 'town' })), undefined);
  });

  it('when its account holder signs in within the hour, then it is given back once', () => {
    const req = withKept({ fields: { route: 'town' }, idNumber: ID, at: 0 });
    assert.deepEqual(takeKeptApplication(req, ID, KEPT_APPLICATION_MS - 1)?.fields, { route: 'town' });
    assert.equal(takeKeptApplication(req, ID, KEPT_APPLICATION_MS - 1), undefined, 'once');
  });

  it('when another account signs in, or the hour has passed, then nothing is given back and the kept form is dropped', () => {
    const other = withKept({ fields: { route: 'town' }, idNumber: ID, at: 0 });
    assert.equal(takeKeptApplication(other, '610124199003150022', 1), undefined);
    assert.equal(other.session.keptApplication, undefined, 'dropped, not left for the next person');
    const late = withKept({ fields: { route: 'town' }, idNumber: ID, at: 0 });
    assert.equal(takeKeptApplication(late, ID, KEPT_APPLICATION_MS), undefined);
    assert.equal(late.session.keptApplication, undefined);
  });

  it('when someone signs in on the same browser, then the kept form goes into the new session only for the account of its ID number, within the hour', () => {
    const kept: KeptApplication = { fields: { route: 'town' }, idNumber: ID, at: 0 };
    assert.equal(keptFor(kept, ID, 1), true);
    assert.equal(keptFor(kept, ID.slice(0, 17) + 'x', 1), false, 'another ID number');
    assert.equal(keptFor(kept, undefined, 1), false, 'an account without a verified ID number (or not an applicant)');
    assert.equal(keptFor(kept, ID, KEPT_APPLICATION_MS), false, 'after the hour');
  });
});
