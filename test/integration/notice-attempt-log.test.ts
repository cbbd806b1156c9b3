/**
 * An operator reads a failing mail server or SMS gateway in the worker's log, not only in
 * MongoDB (activities/notice-dispatch.activities.ts): each failed attempt is logged at warn as
 * `notice attempt failed` with the notice, the channel, the attempt and what comes next, and
 * without the recipient's address. The dispatcher runs in a MockActivityEnvironment whose logger
 * the test reads, against the run's real FerretDB and a mail server that is not there.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import { createNoticeDispatchActivities, type DispatchNoticesResult } from '../../activities/notice-dispatch.activities';
import { createDeliveryDeps } from '../../activities/notifications/delivery-deps';
import { loadConfig } from '../../config/config';
import { connectMongo } from '../../models/connection';
import { noticeModel } from '../../models/notice.model';
import { mongoUriFor } from '../support/services';

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('notice delivery: a failed attempt is in the worker’s log', () => {
  let mongo: Connection;
  before(async () => {
    mongo = await connectMongo({
      uri: mongoUriFor(`test_notice_log_${randomUUID().slice(0, 8)}`),
      serverSelectionTimeoutMS: 5000,
    });
  });
  after(async () => {
    await mongo?.dropDatabase().catch(() => undefined);
    await mongo?.close();
  });

  it('when the mail server does not answer, then the attempt is logged with the notice and its retry, and without the address', async () => {
    // Arrange: one letter due now; SMTP_URL names a port nobody listens on.
    const address = `log-${randomUUID().slice(0, 8)}@example.cn`;
    const noticeId = `case-${randomUUID()}:rejected:email`;
    await noticeModel(mongo).create({
      _id: noticeId,
      caseId: noticeId.split(':')[0]!,
      event: 'rejected',
      channel: 'email',
      locale: 'zh-CN',
      recipient: { kind: 'applicant', address },
      subject: '不予落户决定书',
      body: `<p>致 ${address}</p>`,
      status: 'queued',
      createdAt: new Date(),
      nextAttemptAt: new Date(0),
      attempts: 0,
    });
    const config = loadConfig({
      SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
      NOTICE_SEND_TIMEOUT_MS: '2000',
      NOTICE_RETRY_BASE_MS: '600000',
      NOTICE_POLL_MS: '100',
    });
    const { dispatchNotices } = createNoticeDispatchActivities({ mongo, delivery: createDeliveryDeps(config) });
    const entries: LogEntry[] = [];
    const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN', (e) => entries.push(e)) });

    // Act
    const result: DispatchNoticesResult = await env.run(dispatchNotices, { channel: 'email' as const, runForMs: 1500 });

    // Assert: one attempt, retrying, recorded in MongoDB and said in the log.
    assert.equal(result.retrying, 1, JSON.stringify(result));
    const stored = await noticeModel(mongo).findById(noticeId).lean();
    assert.equal(stored?.status, 'queued');
    assert.ok(stored?.lastError, 'the error is kept with the notice');
    const lines = entries.filter((e) => e.message === 'notice attempt failed');
    assert.equal(lines.length, 1, entries.map((e) => e.message).join(' | '));
    const meta = lines[0]!.meta as Record<string, unknown>;
    assert.equal(lines[0]!.level, 'WARN');
    assert.equal(meta.noticeId, noticeId);
    assert.equal(meta.channel, 'email');
    assert.equal(meta.attempt, 1);
    assert.equal(meta.retryAt, stored?.nextAttemptAt?.toISOString(), 'the retry the notice was queued for');
    assert.equal(typeof meta.error, 'string');
    assert.ok(String(meta.error).length > 0, 'the provider’s words');
    assert.doesNotMatch(
      lines[0]!.message + JSON.stringify(meta),
      new RegExp(address.replace(/[.]/g, '\\.')),
      'no address in the log',
    );
  });
});
