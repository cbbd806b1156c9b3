/**
 * Issue 15: no ID number, name, phone or email of a person rests in clear in the app's MongoDB.
 * Cases run through the API (submit, decide, settle, reject), then every raw collection is read
 * with the plain driver — no mongoose, so no hook can open anything — and searched as JSON.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { caseModel } from '../../models/case.model';
import { personKey } from '../../models/open-case-lock.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import type { DemoPersona } from '../../tools/simulator/demo-people';
import {
  applicationBody,
  assertProblem,
  decideViaApi,
  submitCase,
  tokens,
  waitForStatus,
  type Tokens,
  asApplicantOf,
} from '../support/api';
import { startStack, type TestStack } from '../support/stack';

const PHONE = '13712345678';
const EMAIL = 'sealed.person@example.cn';

const peopleOf = (p: DemoPersona) => [
  { idNumber: p.idNumber, name: p.name },
  ...Object.values(p.family).map((m) => ({ idNumber: m.idNumber, name: m.name })),
];

describe('personal data at rest (issue 15)', () => {
  let stack: TestStack;
  let t: Tokens;
  before(async () => {
    stack = await startStack('data_at_rest');
    t = await tokens(stack);
  });
  after(async () => {
    await stack?.close();
  });

  it('when cases are submitted, decided, settled and rejected, then no raw collection holds an ID number, name, phone or email in clear, while the app reads them back in clear', async () => {
    // Arrange, Act: one case settles (police and housing approve), one is rejected by the police.
    const contact = { phone: PHONE, email: EMAIL, locale: 'zh-CN' };
    const settledId = await submitCase(
      stack,
      t.applicant,
      applicationBody(DEMO_PEOPLE.townOwner, { contact }),
      'rest-settled-0001',
    );
    const rejectedId = await submitCase(
      stack,
      t.applicant,
      applicationBody(DEMO_PEOPLE.criminal, { contact }),
      'rest-rejected-001',
    );
    await decideViaApi(stack, t.police, settledId, 'police');
    await decideViaApi(stack, t.housing, settledId, 'housing');
    await decideViaApi(stack, t.police, rejectedId, 'police', {
      decision: 'reject',
      reasonCode: 'criminal_record',
      reasonText: '有刑事犯罪记录',
    });
    await waitForStatus(stack, settledId, 'settled', 90_000);
    await waitForStatus(stack, rejectedId, 'rejected', 60_000);
    // One person, one open case: the blind index still finds the running one's people.
    const again = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, t.otherApplicant, applicationBody(DEMO_PEOPLE.criminal)))
      .send(applicationBody(DEMO_PEOPLE.criminal, { contact }));
    assert.equal(again.status, 202, 'the rejected case has ended, so its applicant may apply again');
    const refused = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, t.applicant, applicationBody(DEMO_PEOPLE.criminal)))
      .send(applicationBody(DEMO_PEOPLE.criminal, { contact }));
    assertProblem(refused, 409);

    // Assert: the app reads clear values through its models …
    const doc = await caseModel(stack.mongo).findById(settledId).lean();
    assert.equal(doc?.application.applicant.idNumber, DEMO_PEOPLE.townOwner.idNumber);
    assert.equal(doc?.application.contact.phone, PHONE);
    const view = await request(stack.app).get(`/api/v1/officer/cases/${settledId}`).set('authorization', t.police).expect(200);
    assert.ok(JSON.stringify(view.body).includes(DEMO_PEOPLE.townOwner.name), 'an officer still sees the name');

    // … and the database holds none of them.
    const db = stack.mongo.db!;
    const secrets = [...peopleOf(DEMO_PEOPLE.townOwner), ...peopleOf(DEMO_PEOPLE.criminal)].flatMap((p) => [
      p.idNumber,
      p.idNumber.toLowerCase(),
      p.name,
    ]);
    secrets.push(PHONE, EMAIL);
    const collections = (await db.listCollections().toArray()).map((c) => c.name).sort();
    for (const c of ['cases', 'open_case_locks', 'notices', 'registrations', 'audit_events', 'idempotency_keys']) {
      assert.ok(collections.includes(c), `the run wrote ${c}`);
    }
    let documents = 0;
    let sealed = 0;
    for (const name of collections) {
      for (const raw of await db.collection(name).find({}).toArray()) {
        documents += 1;
        const text = JSON.stringify(raw);
        sealed += (text.match(/enc:v1:/g) ?? []).length;
        for (const s of secrets) assert.ok(!text.includes(s), `${name} holds ${s} in clear: ${text.slice(0, 400)}`);
      }
    }
    assert.ok(documents > 20 && sealed > 20, `${documents} documents, ${sealed} sealed values read`);
    const locks = await db.collection('open_case_locks').find({}).toArray();
    assert.ok(locks.some((l) => l.person === personKey(DEMO_PEOPLE.criminal.idNumber)));
  });
});
