/**
 * Applicants can read what they were sent (DOMAIN "Notifications"): the notices of their own
 * case addressed to them, as rendered — ID numbers masked (§8) — and never the staff notices
 * (officer reminders, escalations) of the same case.
 */
import { withoutEmailLines } from '../../templates/email-only';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { maskIdNumber } from '../../domain/masking';
import { noticeModel } from '../../models/notice.model';
import { assertProblem, freshIdNumber, submitCase, tokens, townBody, type Tokens } from '../support/api';
import { eventually, startStack, type TestStack } from '../support/stack';

interface NoticeItem {
  event: string;
  channel: string;
  locale: string;
  subject: string;
  body: string;
  letter?: string;
  notice: string;
  status: string;
  createdAt: string;
}

describe('API, applicant: the notices sent about their case', () => {
  let stack: TestStack;
  let t: Tokens;
  before(async () => {
    // Police decisions are due 2 s after they are asked for: staff reminders and escalations come quickly.
    stack = await startStack('api_notices', { env: { DEADLINE_CLOCK: 'elapsed', SLA_POLICE_MS: '2000' } });
    t = await tokens(stack);
  });
  after(async () => {
    await stack.close();
  });

  const contact = { phone: '13700137000', email: 'notices@example.cn', locale: 'zh-CN' };
  const noticesOf = (caseId: string, auth: string) =>
    request(stack.app).get(`/api/v1/applicant/cases/${caseId}/notices`).set('authorization', auth);

  it('when a case has been received, then its applicant reads the case_received SMS and email as rendered, with ID numbers masked', async () => {
    // Arrange
    const [idNumber, spouseId] = [freshIdNumber(), freshIdNumber()];
    const caseId = await submitCase(
      stack,
      t.applicant,
      townBody(idNumber, { contact, family: [{ idNumber: spouseId, name: '李测试', relation: 'spouse' }] }),
    );

    // Act
    const res = await eventually(async () => {
      const r = await noticesOf(caseId, t.applicant);
      return (r.body.items as NoticeItem[] | undefined)?.filter((n) => n.event === 'case_received').length === 2 ? r : undefined;
    }, 'both case_received notices');

    // Assert
    assert.equal(res.status, 200);
    const received = (res.body.items as NoticeItem[]).filter((n) => n.event === 'case_received');
    assert.deepEqual(received.map((n) => n.channel).sort(), ['email', 'sms']);
    const caseNumber = (await request(stack.app).get(`/api/v1/applicant/cases/${caseId}`).set('authorization', t.applicant)).body
      .caseNumber as string;
    for (const n of received) {
      assert.equal(n.locale, 'zh-CN');
      assert.equal(n.status, 'queued');
      assert.ok(n.subject.includes(caseNumber), `the ${n.channel} subject names the case number`);
      assert.ok(n.body.includes(caseNumber), `the ${n.channel} text names the case number`);
      assert.ok(Date.parse(n.createdAt) <= Date.now());
      assert.deepEqual(Object.keys(n).sort(), [
        'body',
        'channel',
        'createdAt',
        'event',
        ...(n.channel === 'sms' ? ['letter'] : []),
        'locale',
        'notice',
        'status',
        'subject',
      ]);
    }
    const email = received.find((n) => n.channel === 'email')!;
    const sms = received.find((n) => n.channel === 'sms')!;
    // One letter on two channels: they say so, by an opaque key that names neither case nor channel.
    assert.equal(sms.notice, email.notice);
    assert.match(sms.notice, /^[0-9a-f]{16}$/);
    assert.ok(email.body.includes(maskIdNumber(idNumber)), 'the letter shows the masked ID number');
    // The SMS is what the phone showed; the full notice it points to is the email's letter.
    assert.ok(sms.body.startsWith('【西安落户】') && !sms.body.includes('*'), 'no ID number on a phone, not even masked');
    assert.equal(sms.letter, withoutEmailLines(email.body), 'the letter, less the email’s do-not-reply line');
    const text = JSON.stringify(res.body);
    for (const secret of [idNumber, spouseId, contact.phone, contact.email])
      assert.ok(!text.includes(secret), `the notices must not contain ${secret}`);
  });

  it('when staff were reminded and escalated about the case, then the applicant does not see those notices', async () => {
    // Arrange: the police officer lets the deadline pass, so the department is reminded and supervisors are told.
    const caseId = await submitCase(stack, t.applicant, townBody(freshIdNumber(), { contact }));
    await eventually(async () => {
      const staff = await noticeModel(stack.mongo).find({ caseId, 'recipient.kind': 'supervisors' }).lean();
      return staff.some((n) => n.event === 'escalation') ? true : undefined;
    }, 'the escalation to supervisors');

    // Act
    const res = await noticesOf(caseId, t.applicant);

    // Assert
    assert.equal(res.status, 200);
    const items = res.body.items as NoticeItem[];
    const stored = await noticeModel(stack.mongo).find({ caseId }).lean();
    assert.ok(stored.some((n) => n.event === 'officer_reminder' && n.recipient.kind === 'department'));
    const toApplicant = stored.filter((n) => n.recipient.kind === 'applicant');
    assert.deepEqual(
      items.map((n) => `${n.event}:${n.channel}`).sort(),
      toApplicant.map((n) => `${n.event}:${n.channel}`).sort(),
      'every notice addressed to the applicant, and nothing else',
    );
    assert.ok(items.some((n) => n.event === 'case_received'));
    for (const n of items) assert.ok(!['officer_reminder', 'escalation'].includes(n.event), `${n.event} is a staff notice`);
    assert.ok(!JSON.stringify(res.body).includes('inbox:'));
    const times = items.map((n) => n.createdAt);
    assert.deepEqual(times, [...times].sort(), 'oldest first');
  });

  it('when another applicant asks for the notices of a case not theirs, then the answer is the 404 of a missing case', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody(freshIdNumber(), { contact }));

    // Act
    const notTheirs = await noticesOf(caseId, t.otherApplicant);
    const missing = await noticesOf(randomUUID(), t.otherApplicant);

    // Assert
    assertProblem(notTheirs, 404);
    assertProblem(missing, 404);
    assert.equal(notTheirs.body.type, missing.body.type);
    assert.equal(notTheirs.body.detail, missing.body.detail);
    assert.equal(notTheirs.body.items, undefined);
  });
});
