/**
 * Notice delivery seen in a real browser (issue 14): the development mailbox shows the letters
 * the mail sink received, a Chinese subject as written; the applicant's case page shows when
 * each letter was delivered, and the appeal deadlines of a delivered rejection letter counted
 * from its delivery. Every page passes axe.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { appealDeadlines, noticeOnEveryChannel } from '../../domain/notice-delivery';
import { loadWorkingCalendar } from '../../policy/calendar-files';
import { formatIsoDay, shanghaiDateTime } from '../../i18n/formats';
import { createMailboxApp } from '../../tools/mail-sink/mailbox';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { applicationBody, bearer, decideViaApi, submitCase, tokens, waitForStatus, type Tokens } from '../support/api';
import { axeCheck, launchBrowser, newPage, screenshot } from '../support/browser';
import { noticesOf } from '../support/case-records';
import { eventually } from '../support/stack';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';

describe('notice delivery in a real browser: the development mailbox and the delivered letters', () => {
  let web: WebStack;
  let browser: Browser;
  let t: Tokens;
  let mailbox: Server;
  let mailboxUrl = '';
  let caseId = '';

  before(async () => {
    web = await startWebStack('web_delivery', { delivery: true });
    browser = await launchBrowser();
    t = await tokens(web.stack);
    mailbox = createServer(createMailboxApp({ conn: web.stack.delivery!.mongo, smtpAddress: 'test sink' }));
    await new Promise<void>((resolve) => mailbox.listen(0, '127.0.0.1', resolve));
    mailboxUrl = `http://127.0.0.1:${(mailbox.address() as AddressInfo).port}`;
    // A rejected case: its decision letter goes out by email and SMS.
    const auth = await bearer(web.stack, { sub: 'demo-townOwner', role: 'applicant' });
    caseId = await submitCase(
      web.stack,
      auth,
      applicationBody(DEMO_PEOPLE.townOwner, { contact: { phone: '13800138010', email: 'wu@example.cn', locale: 'zh-CN' } }),
    );
    await decideViaApi(web.stack, t.police, caseId, 'police', {
      decision: 'reject',
      reasonCode: 'identity_mismatch',
      reasonText: '身份信息与人口库不符',
    });
    await waitForStatus(web.stack, caseId, 'rejected');
    await eventually(
      async () => {
        const ns = await noticesOf(web.stack, caseId);
        return ns.some((n) => n.event === 'rejected') && ns.every((n) => n.status === 'delivered') ? ns : undefined;
      },
      'every notice of the case delivered',
      60_000,
    );
  });
  after(async () => {
    await browser?.close();
    if (mailbox) {
      mailbox.closeAllConnections();
      await new Promise((resolve) => mailbox.close(resolve));
    }
    await web?.close();
  });

  it('when the mailbox is opened, then the rejection letter is listed with its Chinese subject and opens as its recipient sees it', async () => {
    const letter = (await noticesOf(web.stack, caseId)).find((n) => n.event === 'rejected' && n.channel === 'email')!;
    const page = await newPage(browser);
    try {
      await page.goto(`${mailboxUrl}/`);
      const link = page.getByRole('link', { name: letter.subject });
      await link.waitFor();
      assert.match(letter.subject, /不予落户决定书/);
      await axeCheck(page);
      await screenshot(page, 'mail-sink-mailbox');
      await link.click();
      await page.getByRole('heading', { name: letter.subject }).waitFor();
      const frame = page.frameLocator('iframe');
      await frame
        .getByText(/行政复议/)
        .first()
        .waitFor();
      await axeCheck(page);
    } finally {
      await page.context().close();
    }
  });

  it('when the applicant opens the rejected case, then each letter shows its delivered time and the appeal deadlines run from the letter’s delivery', async () => {
    const notices = await noticesOf(web.stack, caseId);
    const letter = notices.find((n) => n.event === 'rejected' && n.channel === 'email')!;
    const sms = notices.find((n) => n.event === 'rejected' && n.channel === 'sms')!;
    const first = [letter, sms].sort((a, b) => a.deliveredAt!.getTime() - b.deliveredAt!.getTime())[0]!;
    const dates = appealDeadlines(first.deliveredAt!.toISOString(), loadWorkingCalendar());
    const page = await newPage(browser, { locale: 'zh-CN' });
    try {
      await signIn(page, web, 'townowner', DEMO_PASSWORDS.applicant, `/applicant/cases/${caseId}`);
      // Days as the pages write them (2026年12月4日), not as the API carries them (2026-12-04).
      const zh = (ymd: string) => formatIsoDay(ymd, 'zh-CN');
      const appeal = page.getByText(`本决定书于${zh(dates.receivedOn)}送达`);
      await appeal.waitFor();
      // Where to challenge it, named as the letter names it.
      await page.getByText(/60日内向西安市人民政府申请行政复议，或在6个月内向西安铁路运输法院提起行政诉讼/).waitFor();
      assert.match((await appeal.textContent()) ?? '', new RegExp(`行政复议的期限至${zh(dates.reconsiderationBy)}，`));
      assert.match((await appeal.textContent()) ?? '', new RegExp(`行政诉讼的期限至${zh(dates.litigationBy)}。`));
      assert.equal(await page.locator('.notice-list li', { hasText: '尚未送达' }).count(), 0, 'no letter is shown undelivered');
      // One line per notice, naming the channels it went by: the SMS and the email of one letter are not two lines.
      const lines = page.locator('.notice-list li');
      assert.equal(
        await lines.count(),
        new Set(notices.filter((n) => n.recipient.kind === 'applicant').map((n) => noticeOnEveryChannel(n._id))).size,
      );
      const refusal = lines.filter({ hasText: letter.subject });
      assert.equal(await refusal.count(), 1, 'the refusal is listed once');
      assert.match(((await refusal.textContent()) ?? '').replace(/\s+/g, ' '), /短信、电子邮件 · .* · 送达时间/);
      // The timeline gives the refusal's reason in words, never its code.
      const decision = page.locator('.timeline li', { hasText: '部门作出审核决定' });
      assert.match((await decision.textContent()) ?? '', /身份信息与人口信息库登记不一致/);
      assert.doesNotMatch((await page.locator('.timeline').textContent()) ?? '', /identity_mismatch/);
      await axeCheck(page);
      await screenshot(page, 'web-applicant-delivered-zh-CN');
      await refusal.getByRole('link').click();
      await page.getByText('送达时间').waitFor();
      await page.getByText(`本决定书于`).waitFor();
      // Each channel's delivery, by name.
      for (const [name, n] of [
        ['短信', sms],
        ['电子邮件', letter],
      ] as const)
        await page
          .locator('.notice-delivery', { hasText: `${name}：${shanghaiDateTime(n.deliveredAt!.toISOString(), 'zh-CN')}` })
          .waitFor();
      await axeCheck(page);
      // The SMS shows what the phone got, then the decision letter it points to: an applicant
      // who gave no email address reads the whole decision here.
      assert.equal((await page.locator('.letter').first().textContent())?.trim(), sms.body);
      await page.getByRole('heading', { name: '通知全文' }).waitFor();
      const full = (await page.locator('.letter').nth(1).textContent()) ?? '';
      assert.match(full, /不予落户决定书/);
      assert.match(full, /救济途径/);
      assert.doesNotMatch(full, /<p>|&lt;/, 'the letter as text, not markup');
      await axeCheck(page);
      await screenshot(page, 'web-applicant-sms-notice-zh-CN');
    } finally {
      await page.context().close();
    }
  });
});
