/** One notice on several channels: the outbox id, and how the applicant's page lists the notices. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noticeId, noticeOnEveryChannel } from '../../domain/notice-delivery';
import type { ApplicantNoticeView } from '../../app/views/notice-views';
import { noticeGroups } from '../../web/pages/applicant/notices';

describe('one notice on several channels', () => {
  const id = (channel: 'sms' | 'email', key = 'police', caseId = 'c-1') =>
    noticeId({ caseId, event: 'supplement_requested', key, channel, recipient: 'applicant' });

  it('when a notice goes by SMS and by email, then both ids name the same notice; another department’s does not', () => {
    assert.equal(noticeOnEveryChannel(id('sms')), noticeOnEveryChannel(id('email')));
    assert.notEqual(noticeOnEveryChannel(id('sms')), noticeOnEveryChannel(id('sms', 'housing')));
    assert.notEqual(noticeOnEveryChannel(id('sms')), noticeOnEveryChannel(id('sms', 'police', 'c-2')));
    // A key holding a colon (a round) still loses only the channel.
    assert.equal(noticeOnEveryChannel(id('email', 'round:2026-1')), 'c-1:supplement_requested:round:2026-1:applicant');
  });

  it('when the page lists notices (the query gives them oldest first), then each notice is one line where its first entry was, its channels together', () => {
    const entry = (notice: string, channel: 'sms' | 'email', createdAt: string): ApplicantNoticeView => ({
      event: 'case_received',
      notice,
      channel,
      locale: 'zh-CN',
      subject: notice,
      body: '',
      status: 'queued',
      createdAt,
    });
    const groups = noticeGroups([
      entry('a', 'sms', '2026-12-01T01:00:00Z'),
      entry('a', 'email', '2026-12-01T01:00:01Z'),
      entry('b', 'sms', '2026-12-02T01:00:00Z'),
      entry('c', 'email', '2026-12-03T01:00:00Z'),
      entry('d', 'email', '2026-12-04T01:00:00Z'),
      entry('b', 'email', '2026-12-02T01:00:02Z'),
      entry('d', 'sms', '2026-12-04T01:00:01Z'),
    ]);
    // Within a notice, SMS then email, whichever the outbox wrote first.
    assert.deepEqual(
      groups.map((g) => g.map((n) => `${n.notice}/${n.channel}`)),
      [['a/sms', 'a/email'], ['b/sms', 'b/email'], ['c/email'], ['d/sms', 'd/email']],
    );
  });
});
