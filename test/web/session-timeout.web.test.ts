/**
 * The idle warning of signed-in pages (web/public/session-timeout.js; WCAG 2.2.1): sessions idle
 * for one minute here, so the warning opens after thirty seconds. It takes the focus, passes axe,
 * and "stay signed in" renews the session by keyboard; when another tab reports the last activity
 * too long ago, the dialog says the session has ended.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { webSessionModel } from '../../models/web-session.model';
import { axeCheck, launchBrowser, newPage } from '../support/browser';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';

describe('web pages: the warning before an idle session ends', () => {
  let web: WebStack;
  let browser: Browser;

  before(async () => {
    web = await startWebStack('web_session_timeout', { env: { SESSION_IDLE_MINUTES: '1' } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  it('when an officer leaves a page untouched, then a dialog warns before the session ends, takes the focus, and Enter renews the session', async () => {
    const page = await newPage(browser);
    try {
      // Arrange
      await signIn(page, web, 'police', DEMO_PASSWORDS.officer, '/officer/inbox');
      const dialog = page.locator('#session-timeout');
      assert.equal(await dialog.isVisible(), false, 'closed at first');
      const sid = decodeURIComponent((await page.context().cookies(web.baseUrl)).find((c) => c.name === 'hukou.sid')!.value)
        .replace(/^s:/, '')
        .split('.')[0]!;
      const expiry = async () => (await webSessionModel(web.stack.mongo).findById(sid).lean())!.expiresAt.getTime();

      // Act: nothing for half the idle time.
      await dialog.waitFor({ state: 'visible', timeout: 50_000 });

      // Assert: the warning, in the page's language, with the focus on its one button; no axe violation.
      assert.match(await dialog.innerText(), /登录即将结束/);
      const focused = await page.evaluate<string | undefined>('document.activeElement?.textContent?.trim()');
      assert.equal(focused, '继续使用');
      await axeCheck(page);
      const before = await expiry();

      // Act: stay signed in, by keyboard.
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden', timeout: 10_000 });

      // Assert: the session's end moved on by the request.
      assert.ok((await expiry()) > before, 'the session was renewed');
      assert.equal(await page.locator('h1').count(), 1, 'still on the page');
    } finally {
      await page.context().close();
    }
  });

  it('when another tab reports the last activity longer ago than the idle time, then the dialog says the session has ended and can be closed to copy what was typed', async () => {
    const page = await newPage(browser);
    try {
      // Arrange: two tabs of one signed-in browser.
      await signIn(page, web, 'police', DEMO_PASSWORDS.officer, '/officer/inbox');
      const other = await page.context().newPage();
      await other.goto(`${web.baseUrl}/officer/inbox`);

      // Act: the shared time says the last activity was two minutes ago.
      await other.evaluate("window.localStorage.setItem('hukou.session.activeAt', String(Date.now() - 120000))");

      // Assert
      const dialog = page.locator('#session-timeout');
      await dialog.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await dialog.innerText(), /登录已结束/);
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    } finally {
      await page.context().close();
    }
  });
});
