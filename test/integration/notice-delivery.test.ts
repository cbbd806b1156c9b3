/**
 * Notices delivered with proof of service (issue 14): the dispatchers send every notice a case
 * stores — email through SMTP to the mail sink, SMS through the simulator's SendSms-shaped
 * gateway — once each; delivery (the sink's 250, the gateway's receipt) is recorded on the
 * notice and as one `notice_delivered` line in the case's audit; an outage delays delivery but
 * loses and duplicates nothing; a notice that cannot be delivered becomes a supervisor's
 * incident, and a decision letter is then served by post, which counts as proof of service.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import request from 'supertest';
import { appealDeadlines } from '../../domain/notice-delivery';
import { loadWorkingCalendar } from '../../policy/calendar-files';
import { auditEventModel } from '../../models/audit-event.model';
import { accessRecordModel } from '../../models/access-record.model';
import { noticeModel, type NoticeDoc } from '../../models/notice.model';
import { loadSmsTemplates } from '../../policy/sms-templates';
import { fillSmsText } from '../../templates/sms-params';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { UNDELIVERABLE_DOMAIN } from '../../tools/mail-sink/sink';
import { signCallback } from '../../app/callback-signature';
import { DEVELOPMENT_SMS_CALLBACK_SECRET } from '../../config/config';
import {
  applicationBody,
  assertProblem,
  decideViaApi,
  freshIdNumber,
  submitCase,
  tokens,
  townBody,
  waitForStatus,
  type Tokens,
} from '../support/api';
import { noticesOf } from '../support/case-records';
import { smsFaults, smsMessages } from '../support/delivery';
import { eventually, startStack, type TestStack } from '../support/stack';

describe('notice delivery: email and SMS with proof of service', () => {
  let stack: TestStack;
  let t: Tokens;
  before(async () => {
    stack = await startStack('notice_delivery', { delivery: true });
    t = await tokens(stack);
  });
  after(async () => {
    await stack.close();
  });

  const settledWhen = (caseId: string, ok: (ns: NoticeDoc[]) => boolean, what: string, timeoutMs = 60_000) =>
    eventually(
      async () => {
        const ns = await noticesOf(stack, caseId);
        return ns.length > 0 && ok(ns) ? ns : undefined;
      },
      what,
      timeoutMs,
    );
  const allDelivered = (ns: NoticeDoc[]) => ns.every((n) => n.status === 'delivered');
  const deliveredLines = async (caseId: string) => auditEventModel(stack.mongo).find({ caseId, type: 'notice_delivered' }).lean();

  /** Each notice arrived exactly once where its channel goes, and its proof of service is in the audit once. */
  async function assertEachArrivedOnce(caseId: string, notices: NoticeDoc[]) {
    const letters = await stack.delivery!.letters();
    const texts = await smsMessages(stack.simulatorUrl);
    const templates = loadSmsTemplates();
    for (const n of notices) {
      if (n.channel === 'email') {
        const got = letters.filter((l) => l.noticeId === n._id);
        assert.equal(got.length, 1, `one letter for ${n._id}`);
        assert.equal(got[0]!.deliveries, 1, `${n._id} was sent once`);
        assert.equal(got[0]!.subject, n.subject, 'the subject arrives as rendered (Chinese included)');
        assert.deepEqual(got[0]!.to, [n.recipient.address]);
        assert.equal(n.providerMessageId, got[0]!._id);
      } else {
        const got = texts.filter((m) => m.sessionContext === n._id);
        assert.equal(got.length, 1, `one SMS for ${n._id}`);
        assert.equal(got[0]!.requests, 1, `${n._id} was sent once`);
        const approved = templates.templates[n.event][n.locale];
        assert.equal(got[0]!.templateId, approved.id);
        // What the handset shows: the approved text, its variables filled from the notice.
        assert.deepEqual(got[0]!.params, n.templateParams);
        assert.equal(got[0]!.text, `【${templates.signName}】${fillSmsText(approved.text, n.templateParams ?? [])}`);
        // The outbox keeps exactly that: what the applicant reads as "the SMS" is what the phone got.
        assert.equal(n.body, got[0]!.text);
        assert.equal(n.templateId, approved.id);
        assert.doesNotMatch(got[0]!.text, /\{\d+\}/);
        assert.equal(n.providerMessageId, got[0]!.serialNo);
      }
    }
    // A notice is marked delivered before its audit line is written: wait for the lines too.
    const lines = await eventually(
      async () => {
        const found = await deliveredLines(caseId);
        return found.length >= notices.length ? found : undefined;
      },
      'a proof-of-service line per delivered notice',
      10_000,
    );
    assert.deepEqual(
      lines.map((l) => String(l.data?.noticeId)).sort(),
      notices.map((n) => n._id).sort(),
      'one proof of service per notice',
    );
    for (const l of lines) {
      const n = notices.find((x) => x._id === l.data?.noticeId)!;
      assert.equal(l.data?.channel, n.channel);
      assert.equal(l.data?.deliveredAt, n.deliveredAt?.toISOString());
      assert.equal(l.data?.providerMessageId, n.providerMessageId);
    }
  }

  it('when a town case settles, then each of its letters arrives once in the mail sink and the SMS gateway, with proof of service in the audit', async () => {
    // Arrange
    const caseId = await submitCase(
      stack,
      t.applicant,
      applicationBody(DEMO_PEOPLE.townPublicRental, {
        contact: { phone: '13800138001', email: 'settled@example.cn', locale: 'zh-CN' },
      }),
    );
    await decideViaApi(stack, t.police, caseId, 'police');
    await decideViaApi(stack, t.housing, caseId, 'housing');
    await waitForStatus(stack, caseId, 'settled');

    // Act
    const notices = await settledWhen(
      caseId,
      // The last letter is HR's follow-up, once the social-insurance transfer completed.
      (ns) => ns.some((n) => n.event === 'social_insurance_transferred') && allDelivered(ns),
      'every notice delivered',
    );

    // Assert
    assert.deepEqual(notices.map((n) => `${n.event}:${n.channel}`).sort(), [
      'case_received:email',
      'case_received:sms',
      'settled:email',
      'settled:sms',
      'social_insurance_transferred:email',
      'social_insurance_transferred:sms',
    ]);
    await assertEachArrivedOnce(caseId, notices);
    const own = await request(stack.app)
      .get(`/api/v1/applicant/cases/${caseId}/notices`)
      .set('authorization', t.applicant)
      .expect(200);
    const items = own.body.items as Array<{ event: string; channel: string; status: string; deliveredAt?: string }>;
    // The applicant's own letters, each one of them: the loop below checks every one.
    assert.deepEqual(items.map((n) => `${n.event}:${n.channel}`).sort(), notices.map((n) => `${n.event}:${n.channel}`).sort());
    for (const n of items) {
      assert.equal(n.status, 'delivered');
      assert.ok(n.deliveredAt && Date.parse(n.deliveredAt) > 0, 'the applicant sees when each letter was delivered');
    }
  });

  it('when a case is rejected, then the delivered rejection letter shows appeal deadlines counted from its delivery', async () => {
    // Arrange
    const caseId = await submitCase(
      stack,
      t.applicant,
      townBody(freshIdNumber(), { contact: { phone: '13800138002', email: 'rejected@example.cn', locale: 'zh-CN' } }),
    );
    await decideViaApi(stack, t.police, caseId, 'police', {
      decision: 'reject',
      reasonCode: 'identity_mismatch',
      reasonText: '身份信息不符',
    });
    await waitForStatus(stack, caseId, 'rejected');
    await settledWhen(caseId, (ns) => ns.some((n) => n.event === 'rejected') && allDelivered(ns), 'the rejection delivered');

    // Act
    const own = await request(stack.app)
      .get(`/api/v1/applicant/cases/${caseId}/notices`)
      .set('authorization', t.applicant)
      .expect(200);

    // Assert
    const letter = (
      own.body.items as Array<{ event: string; channel: string; deliveredAt: string; appealDeadlines?: unknown }>
    ).find((n) => n.event === 'rejected' && n.channel === 'email')!;
    assert.deepEqual(letter.appealDeadlines, appealDeadlines(letter.deliveredAt, loadWorkingCalendar()));
    const received = (own.body.items as Array<{ event: string; appealDeadlines?: unknown }>).find(
      (n) => n.event === 'case_received',
    );
    assert.equal(received?.appealDeadlines, undefined, 'only decision letters carry appeal deadlines');
  });

  it('when the mail sink is stopped and the SMS gateway fails for a while, then the notices wait and then arrive, none lost and none twice', async () => {
    // Arrange: both channels down.
    await stack.delivery!.stopMailSink();
    await smsFaults(stack.simulatorUrl, { down: true });
    let caseId = '';
    try {
      caseId = await submitCase(
        stack,
        t.applicant,
        townBody(freshIdNumber(), { contact: { phone: '13800138003', email: 'outage@example.cn', locale: 'zh-CN' } }),
      );
      await settledWhen(
        caseId,
        // Two attempts over: `attempts` counts an attempt when it is claimed (status `sending`, the
        // previous attempt's error still recorded), so one in flight could still meet the providers
        // back and be delivered on its second attempt.
        (ns) => ns.length === 2 && ns.every((n) => n.status === 'queued' && (n.attempts ?? 0) >= 2 && n.lastError !== undefined),
        'both notices tried at least twice while the providers are down',
      );
    } finally {
      // Act: the providers come back.
      await stack.delivery!.startMailSink();
      await smsFaults(stack.simulatorUrl);
    }

    // Assert
    const notices = await settledWhen(caseId, allDelivered, 'both delivered after the outage');
    await assertEachArrivedOnce(caseId, notices);
    assert.ok(
      notices.every((n) => (n.attempts ?? 0) >= 3),
      'delivered on a later attempt',
    );
    for (const n of notices) {
      assert.ok(n.sentAt, `${n._id} records when it was sent`);
      assert.equal(n.lastError, undefined, `${n._id}: the outage's error is cleared once it is sent`);
    }
  });

  it('when a rejection letter cannot be delivered on either channel, then it is a supervisor incident, and service by post is recorded as proof of service', async () => {
    // Arrange: a mailbox that does not exist, a phone that never receives.
    const phone = '13800138004';
    await smsFaults(stack.simulatorUrl, { undeliverable: [phone] });
    const caseId = await submitCase(
      stack,
      t.applicant,
      townBody(freshIdNumber(), { contact: { phone, email: `nobody@${UNDELIVERABLE_DOMAIN}`, locale: 'zh-CN' } }),
    );
    await decideViaApi(stack, t.police, caseId, 'police', {
      decision: 'reject',
      reasonCode: 'identity_mismatch',
      reasonText: '身份信息不符',
    });
    await waitForStatus(stack, caseId, 'rejected');
    const failed = await settledWhen(
      caseId,
      (ns) => ns.filter((n) => n.event === 'rejected' && n.status === 'failed').length === 2,
      'both rejection notices failed',
    );
    await smsFaults(stack.simulatorUrl);
    const letter = failed.find((n) => n.event === 'rejected' && n.channel === 'email')!;
    assert.match(letter.lastError ?? '', /550/);

    // Act: the supervisor sees the incident and records service by post.
    const stuck = await request(stack.app)
      .get('/api/v1/supervisor/stuck-cases?reason=undelivered_notices&limit=100')
      .set('authorization', t.supervisor)
      .expect(200);
    const item = (stuck.body.items as Array<{ caseId: string; incidents: Array<Record<string, unknown>> }>).find(
      (i) => i.caseId === caseId,
    );
    // …prints the letter the applicant did not get (the SMS's is the same decision letter)…
    const letterOf = (noticeId: string) =>
      request(stack.app)
        .get(`/api/v1/supervisor/cases/${caseId}/notices/${encodeURIComponent(noticeId)}/letter`)
        .set('authorization', t.supervisor)
        .set('x-access-purpose', encodeURIComponent('邮寄送达'));
    const printed = await letterOf(letter._id);
    const smsNotice = failed.find((n) => n.event === 'rejected' && n.channel === 'sms')!;
    const printedFromSms = await letterOf(smsNotice._id);
    // A staff notice of the same case (its desk reads it by email): no letter to serve.
    const staffNotice = await noticeModel(stack.mongo).create({
      _id: `${caseId}:officer_reminder:police:email:department`,
      caseId,
      event: 'officer_reminder',
      channel: 'email',
      locale: 'zh-CN',
      recipient: { kind: 'department', department: 'police', address: 'inbox:police' },
      subject: '待办提醒',
      body: '<!doctype html>\n<html lang="zh-CN"><body><p>待办提醒</p></body></html>\n',
      status: 'failed',
      createdAt: new Date(),
    });
    const servedAt = new Date(Date.now() - 3600_000).toISOString();
    const served = await request(stack.app)
      .post(`/api/v1/supervisor/cases/${caseId}/notices/${encodeURIComponent(letter._id)}/service`)
      .set('authorization', t.supervisor)
      .send({ method: 'post', servedAt, note: '挂号信 XA123456789CN 已签收' });
    const again = await request(stack.app)
      .post(`/api/v1/supervisor/cases/${caseId}/notices/${encodeURIComponent(letter._id)}/service`)
      .set('authorization', t.supervisor)
      .send({ method: 'post', servedAt, note: '挂号信 XA123456789CN 已签收' });

    // Assert
    assert.ok(item, 'the case is in the stuck list');
    const incident = item.incidents.find((i) => i.noticeId === letter._id);
    assert.equal(incident?.kind, 'notice');
    assert.equal(incident?.needsServiceByOtherMeans, true, 'a decision letter asks for service by another channel');
    assert.match(String(incident?.error), /550/);
    assert.equal(printed.status, 200, JSON.stringify(printed.body));
    assert.match(printed.body.letter, /^<!doctype html>/);
    assert.match(printed.body.letter, /不予落户决定书/);
    assert.doesNotMatch(printed.body.letter, /本邮件|email-only/, 'on paper, no email’s line');
    assert.equal(printed.body.status, 'failed');
    assert.equal(printedFromSms.status, 200);
    assert.equal(printedFromSms.body.letter, printed.body.letter, 'an SMS points to the same letter');
    assert.equal((await letterOf(staffNotice._id)).status, 404, 'a staff notice has no letter to serve');
    assert.equal((await letterOf(`${caseId}:nothing`)).status, 404);
    const reads = await accessRecordModel(stack.mongo).find({ caseIds: caseId, view: 'notice_letter' }).lean();
    assert.equal(reads.length, 2, 'each read of a letter is recorded');
    assert.equal(reads[0]!.purpose, '邮寄送达');
    assert.equal(served.status, 200, JSON.stringify(served.body));
    assert.equal(served.body.servedBy, 'post');
    assert.equal(again.status, 200, 'recording the same service again changes nothing');
    assert.equal(again.body.deliveredAt, served.body.deliveredAt);
    const lines = (await deliveredLines(caseId)).filter((l) => l.data?.noticeId === letter._id);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.actor.id, 'supervisor-1');
    assert.equal(lines[0]!.data?.method, 'post');
    const own = await request(stack.app)
      .get(`/api/v1/applicant/cases/${caseId}/notices`)
      .set('authorization', t.applicant)
      .expect(200);
    const seen = (own.body.items as Array<{ event: string; channel: string; servedBy?: string; appealDeadlines?: unknown }>).find(
      (n) => n.event === 'rejected' && n.channel === 'email',
    );
    assert.equal(seen?.servedBy, 'post');
    assert.deepEqual(seen?.appealDeadlines, appealDeadlines(servedAt, loadWorkingCalendar()));
    const after = await request(stack.app)
      .get('/api/v1/supervisor/stuck-cases?reason=undelivered_notices&limit=100')
      .set('authorization', t.supervisor)
      .expect(200);
    const still = (after.body.items as Array<{ caseId: string; incidents: Array<Record<string, unknown>> }>).find(
      (i) => i.caseId === caseId,
    );
    assert.ok(!still?.incidents.some((i) => i.noticeId === letter._id), 'the served letter is no longer an incident');
  });

  it('when a dispatcher stopped between claiming a letter and sending it, then the letter is sent once its lease has lapsed, and arrives once', async () => {
    // Arrange: a case's acknowledgement, delivered; and a copy of it left `sending` by a
    // dispatcher that stopped, its lease running 3 s more.
    const caseId = await submitCase(
      stack,
      t.applicant,
      townBody(freshIdNumber(), { contact: { phone: '13800138005', email: 'lapsed@example.cn', locale: 'zh-CN' } }),
    );
    const isAcknowledgement = (n: NoticeDoc) => n.event === 'case_received' && n.channel === 'email';
    const received = (
      await settledWhen(caseId, (ns) => ns.some((n) => isAcknowledgement(n) && n.status === 'delivered'), 'acknowledged')
    ).find(isAcknowledgement)!;
    const claimedAt = new Date();
    const leaseEnds = new Date(claimedAt.getTime() + 3000);
    const stranded = `${received._id}-stranded`;
    const { event, channel, locale, recipient, subject, body, createdAt } = received;
    await noticeModel(stack.mongo).create({
      _id: stranded,
      caseId,
      event,
      channel,
      locale,
      recipient,
      subject,
      body,
      createdAt,
      status: 'sending',
      nextAttemptAt: leaseEnds,
      attempts: 1,
      lastAttemptAt: claimedAt,
    });

    // Act: the dispatchers poll every 150 ms meanwhile.
    await delay(leaseEnds.getTime() - Date.now() - 500);
    const held = await noticeModel(stack.mongo).findById(stranded).lean();
    const sent = await eventually(
      async () => {
        const n = await noticeModel(stack.mongo).findById(stranded).lean();
        return n?.status === 'delivered' ? n : undefined;
      },
      'the stranded letter delivered',
      30_000,
    );

    // Assert
    assert.equal(held?.status, 'sending', 'nothing takes a letter whose lease holds');
    assert.ok(sent.lastAttemptAt! >= leaseEnds, `claimed again at ${sent.lastAttemptAt?.toISOString()}, after its lease ran out`);
    assert.equal(sent.attempts, 2);
    assert.ok(sent.sentAt! >= leaseEnds);
    const letters = (await stack.delivery!.letters()).filter((l) => l.noticeId === stranded);
    assert.equal(letters.length, 1);
    assert.equal(letters[0]!.deliveries, 1);
    assert.equal(letters[0]!.subject, subject);
  });

  it('when the store failed between marking a letter delivered and writing its proof of service, then the dispatcher writes the line, once', async () => {
    // Arrange: a delivered acknowledgement whose audit line is missing and which is still marked,
    // as a failure right after the delivered write leaves it (nobody retries an SMTP acceptance).
    const caseId = await submitCase(
      stack,
      t.applicant,
      townBody(freshIdNumber(), { contact: { phone: '13800138006', email: 'proof@example.cn', locale: 'zh-CN' } }),
    );
    const isAcknowledgement = (n: NoticeDoc) => n.event === 'case_received' && n.channel === 'email';
    // The delivered write comes first and the mark is cleared after the line, so wait for both.
    const letter = (
      await settledWhen(
        caseId,
        (ns) => ns.some((n) => isAcknowledgement(n) && n.status === 'delivered' && n.proofPending === undefined),
        'acknowledged, its line written',
      )
    ).find(isAcknowledgement)!;
    const lineId = `${caseId}:notice-delivered:${letter._id}`;
    const first = await auditEventModel(stack.mongo).findById(lineId).lean();
    await auditEventModel(stack.mongo).deleteOne({ _id: lineId });
    await noticeModel(stack.mongo).updateOne({ _id: letter._id }, { $set: { proofPending: true } });

    // Act: the dispatchers look once per lease period (30 s here).
    const line = await eventually(
      async () => (await auditEventModel(stack.mongo).findById(lineId).lean()) ?? undefined,
      'the proof-of-service line written again',
      75_000,
    );

    // Assert
    assert.equal(line.at, first?.at, 'the delivery as it happened');
    assert.equal((line.data as { method?: string }).method, 'email');
    await eventually(
      async () => ((await noticeModel(stack.mongo).findById(letter._id).lean())?.proofPending === undefined ? true : undefined),
      'the mark cleared',
    );
    assert.equal(
      (await deliveredLines(caseId)).filter((l) => (l.data as { noticeId?: string }).noticeId === letter._id).length,
      1,
    );
  });

  it('when receipts repeat, name another serial number or no notice of ours, then each is counted as what it is and proof of service stays single', async () => {
    // Arrange: a case whose received SMS has been delivered (its gateway receipt taken).
    const caseId = await submitCase(stack, t.applicant, townBody(freshIdNumber()));
    const [sms] = (
      await settledWhen(caseId, (ns) => ns.some((n) => n.channel === 'sms' && n.status === 'delivered'), 'received SMS delivered')
    ).filter((n) => n.channel === 'sms' && n.status === 'delivered');
    const sid = sms!.providerMessageId!;
    const post = async (receipts: unknown[]) => {
      const body = JSON.stringify(receipts);
      const res = await request(stack.apiUrl!)
        .post('/api/v1/callbacks/sms-receipts')
        .set('content-type', 'application/json')
        .set('x-signature', signCallback(DEVELOPMENT_SMS_CALLBACK_SECRET, body))
        .send(body)
        .expect(200);
      return { delivered: res.body.delivered as number, failed: res.body.failed as number, unknown: res.body.unknown as number };
    };
    const receipt = (over: Record<string, string>) => ({
      sid,
      ext: sms!._id,
      mobile: '13800138000',
      report_status: 'SUCCESS',
      ...over,
    });

    // Act / Assert
    assert.deepEqual(await post([receipt({})]), { delivered: 1, failed: 0, unknown: 0 }, 'a repeated receipt');
    assert.deepEqual(await post([receipt({ sid: 'another-serial' })]), { delivered: 0, failed: 0, unknown: 1 });
    assert.deepEqual(await post([receipt({ ext: `${caseId}:no-such-notice` }), receipt({ ext: '' })]), {
      delivered: 0,
      failed: 0,
      unknown: 2,
    });
    assert.deepEqual(await post([receipt({ sid: 'another-serial', report_status: 'FAIL' })]), {
      delivered: 0,
      failed: 0,
      unknown: 1,
    });
    assert.deepEqual(
      await post([receipt({ report_status: 'FAIL' })]),
      { delivered: 0, failed: 1, unknown: 0 },
      'ours, too late to fail it',
    );
    const after = await noticeModel(stack.mongo).findById(sms!._id).lean();
    assert.equal(after?.status, 'delivered', 'the first receipt counts');
    assert.equal(after?.providerMessageId, sid);
    const lines = (await deliveredLines(caseId)).filter((l) => l.data?.noticeId === sms!._id);
    assert.equal(lines.length, 1);
  });

  it('when a receipt arrives without the right signature, then it is refused with 401 and changes nothing', async () => {
    // Arrange: an SMS the gateway took and has not reported on (a delivered one, set back to "sent"),
    // and a failure receipt for it that would change it if it were taken.
    const caseId = await submitCase(stack, t.applicant, townBody(freshIdNumber()));
    const [sms] = (
      await settledWhen(caseId, (ns) => ns.some((n) => n.channel === 'sms' && n.status === 'delivered'), 'received SMS delivered')
    ).filter((n) => n.channel === 'sms' && n.status === 'delivered');
    await noticeModel(stack.mongo).updateOne({ _id: sms!._id }, { $set: { status: 'sent' } });
    const body = JSON.stringify([
      { sid: sms!.providerMessageId, ext: sms!._id, mobile: '13800138000', report_status: 'FAIL', errmsg: 'forged' },
    ]);
    const post = () => request(stack.apiUrl!).post('/api/v1/callbacks/sms-receipts').set('content-type', 'application/json');

    // Act
    const unsigned = await post().send(body);
    const wrong = await post().set('x-signature', signCallback('not-the-secret', body)).send(body);

    // Assert
    assertProblem(unsigned, 401);
    assertProblem(wrong, 401);
    const untouched = await noticeModel(stack.mongo).findById(sms!._id).lean();
    assert.equal(untouched?.status, 'sent');
    assert.equal(untouched?.lastError, sms!.lastError);
    // The same receipt, signed, is taken: what refused it above was the signature alone.
    const signed = await post().set('x-signature', signCallback(DEVELOPMENT_SMS_CALLBACK_SECRET, body)).send(body).expect(200);
    assert.equal(signed.body.failed, 1);
    assert.equal((await noticeModel(stack.mongo).findById(sms!._id).lean())?.status, 'failed');
  });
});
