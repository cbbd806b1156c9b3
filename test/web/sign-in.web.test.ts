/**
 * The embedded identity provider's sign-in pages (tools/identity/views) in a real browser:
 * Debian's Chromium driven by playwright-core (test/support/browser.ts). The provider runs
 * in-process on a free port against the run's FerretDB, as in identity-provider.test.ts; the
 * web client's redirect URI is answered by the test itself (page.route), so the browser ends on
 * it with the authorization code. Every page is checked with axe-core and photographed for
 * README (docs/screenshots/).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mongoose';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../config/logger';
import { connectMongo } from '../../models/connection';
import { DEV_ACCOUNTS_FILE, loadAccounts } from '../../tools/identity/accounts';
import { WEB_CLIENT_ID, WEB_SCOPES } from '../../tools/identity/clients';
import { createIdentityProvider, type IdentityProvider } from '../../tools/identity/provider';
import { axeCheck, launchBrowser, newPage, renderedFonts, screenshot } from '../support/browser';
import { mongoUriFor } from '../support/services';

const REDIRECT_URI = 'http://127.0.0.1:9/auth/callback';

describe('sign-in pages in a real browser', () => {
  let conn: Connection;
  let dataDir: string;
  let idp: IdentityProvider;
  let server: Server;
  let issuer: string;
  let browser: Browser;

  before(async () => {
    conn = await connectMongo({
      uri: mongoUriFor(`test_web_signin_${randomUUID().slice(0, 8)}`),
      serverSelectionTimeoutMS: 5000,
    });
    dataDir = mkdtempSync(join(tmpdir(), 'identity-web-'));
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`;
    idp = await createIdentityProvider({
      issuer,
      audience: 'hukou-settlement-api',
      db: conn.db!,
      accounts: await loadAccounts(DEV_ACCOUNTS_FILE),
      dataDir,
      webRedirectUris: [REDIRECT_URI],
      logger: createLogger({ level: 'silent', name: 'test-identity-web' }),
      sweepIntervalMs: 0,
    });
    server.on('request', idp.app);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    idp?.close();
    server?.closeAllConnections();
    if (server) await new Promise((resolve) => server.close(resolve));
    await conn?.dropDatabase();
    await conn?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A fresh page on the authorization URL (code + PKCE, the web client); resolves on the login page. */
  async function openSignIn(extra: Record<string, string> = {}): Promise<{ page: Page; state: string; callbacks: URL[] }> {
    const page = await newPage(browser);
    const callbacks: URL[] = [];
    await page.route(`${new URL(REDIRECT_URI).origin}/**`, async (route) => {
      callbacks.push(new URL(route.request().url()));
      await route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><title>callback</title>',
      });
    });
    const state = randomBytes(12).toString('base64url');
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: WEB_CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: WEB_SCOPES,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      nonce: randomBytes(12).toString('base64url'),
      ...extra,
    }).toString();
    const res = await page.goto(auth.href);
    assert.equal(res?.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/interaction\/[^/]+$/);
    return { page, state, callbacks };
  }

  async function fillLogin(page: Page, username: string, password: string, submit: string): Promise<void> {
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(password);
    await page.getByRole('button', { name: submit }).click();
  }

  it('when an applicant opens the authorization URL, then the login page is in Chinese, drawn with a CJK font, and passes axe', async () => {
    const { page } = await openSignIn();
    try {
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '登录');
      assert.equal(await page.title(), '登录 · 统一身份认证');
      assert.ok(await page.getByLabel('用户名').isVisible());
      assert.ok(await page.getByLabel('密码').isVisible());
      const fonts = await renderedFonts(page, 'h1');
      assert.ok(
        fonts.some((f) => /WenQuanYi|Noto Sans CJK|Source Han/i.test(f.familyName) && f.glyphCount > 0),
        `登录 is drawn with ${JSON.stringify(fonts)}, not a CJK font (install fonts-wqy-zenhei)`,
      );
      await axeCheck(page);
      await screenshot(page, 'sign-in-login-zh-CN');
    } finally {
      await page.context().close();
    }
  });

  it('when the password is wrong, then the login page shows the error above the form, keeps the username, and passes axe', async () => {
    const { page, callbacks } = await openSignIn();
    try {
      await fillLogin(page, 'townowner', 'not-the-password', '登录');

      const summary = page.getByRole('alert');
      await summary.waitFor();
      assert.match((await summary.textContent()) ?? '', /出现问题[\s\S]*用户名或密码不正确/);
      assert.equal(await page.locator('#username').inputValue(), 'townowner');
      assert.equal(await page.locator('#password').inputValue(), '');
      // Focus on the error summary, so a screen reader announces it and Tab reaches its link first.
      assert.equal(await page.locator(':focus').getAttribute('class'), 'error-summary');
      assert.doesNotMatch(await page.content(), /not-the-password/);
      // The title says there is an error first; both fields say they were refused, and by what.
      assert.match(await page.title(), /^错误：登录/);
      for (const field of ['#username', '#password']) {
        assert.equal(await page.locator(field).getAttribute('aria-invalid'), 'true', field);
        assert.equal(await page.locator(field).getAttribute('aria-describedby'), 'login-error', field);
      }
      assert.equal(callbacks.length, 0);
      await axeCheck(page);
      await screenshot(page, 'sign-in-login-error-zh-CN');
    } finally {
      await page.context().close();
    }
  });

  it('when the right password is given, then consent is asked (axe) and allowing it ends on the redirect URI with a code', async () => {
    const { page, state, callbacks } = await openSignIn();
    try {
      await fillLogin(page, 'townowner', 'demo-applicant', '登录');
      await page.getByRole('heading', { level: 1, name: '授权确认' }).waitFor();
      const consent = (await page.locator('main').textContent()) ?? '';
      assert.match(consent, /吴海波/);
      assert.match(consent, /公民身份号码/, 'an applicant is told their ID number is shared');
      await axeCheck(page);
      await screenshot(page, 'sign-in-consent-zh-CN');

      await page.getByRole('button', { name: '同意并继续' }).click();
      await page.waitForURL((url) => url.href.startsWith(REDIRECT_URI));

      assert.equal(callbacks.length, 1);
      const callback = callbacks[0]!;
      assert.equal(callback.searchParams.get('state'), state);
      assert.equal(callback.searchParams.get('error'), null);
      assert.ok(callback.searchParams.get('code'), `no code in ${callback.href}`);
    } finally {
      await page.context().close();
    }
  });

  it('when the page is asked in English (ui_locales=en), then login and consent render in English and pass axe', async () => {
    const { page, callbacks } = await openSignIn({ ui_locales: 'en' });
    try {
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
      await axeCheck(page);
      await screenshot(page, 'sign-in-login-en');

      await fillLogin(page, 'police', 'wrong', 'Sign in');
      await page.getByRole('alert').waitFor();
      assert.match((await page.getByRole('alert').textContent()) ?? '', /The username or password is not correct/);
      await axeCheck(page);
      await screenshot(page, 'sign-in-login-error-en');

      await fillLogin(page, 'police', 'demo-officer', 'Sign in');
      await page.getByRole('heading', { level: 1, name: 'Allow access' }).waitFor();
      assert.match(
        (await page.locator('main').textContent()) ?? '',
        /department and the areas you act in/,
        'an officer’s claims',
      );
      await axeCheck(page);
      await screenshot(page, 'sign-in-consent-en');

      await page.getByRole('button', { name: 'Allow and continue' }).click();
      await page.waitForURL((url) => url.href.startsWith(REDIRECT_URI));
      assert.ok(callbacks[0]?.searchParams.get('code'));
    } finally {
      await page.context().close();
    }
  });

  it('when the Chinese login page’s language link is followed, then the same sign-in continues in English', async () => {
    const { page } = await openSignIn();
    try {
      await page.getByRole('link', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await fillLogin(page, 'pointshigh', 'demo-applicant', 'Sign in');
      await page.getByRole('heading', { level: 1, name: 'Allow access' }).waitFor();
    } finally {
      await page.context().close();
    }
  });

  it('when the applicant cancels on the consent page, then the browser returns to the client with access_denied, and the next sign-in asks again', async () => {
    for (const attempt of [1, 2]) {
      const { page, callbacks } = await openSignIn();
      try {
        await fillLogin(page, 'nohousing', 'demo-applicant', '登录');
        await page.getByRole('heading', { level: 1, name: '授权确认' }).waitFor();
        await page.getByRole('button', { name: '取消' }).click();
        await page.waitForURL((url) => url.href.startsWith(REDIRECT_URI));
        assert.equal(callbacks[0]?.searchParams.get('error'), 'access_denied', `attempt ${attempt}`);
        assert.equal(callbacks[0]?.searchParams.get('code'), null);
      } finally {
        await page.context().close();
      }
    }
  });

  it('when an account that allowed access signs in again in a new session, then consent is not asked again and the sign-in ends with a code', async () => {
    // townowner allowed it above, in another browser context (another provider session).
    const { page, state, callbacks } = await openSignIn();
    try {
      await fillLogin(page, 'townowner', 'demo-applicant', '登录');
      await page.waitForURL((url) => url.href.startsWith(REDIRECT_URI));
      assert.equal(callbacks.length, 1);
      assert.equal(callbacks[0]!.searchParams.get('state'), state);
      assert.ok(callbacks[0]!.searchParams.get('code'), `no code in ${callbacks[0]!.href}`);
    } finally {
      await page.context().close();
    }
  });

  it('when a page has a field without a label, then axeCheck fails and names the violation (the check is not a no-op)', async () => {
    const page = await newPage(browser);
    try {
      await page.setContent('<!doctype html><html lang="en"><title>t</title><main><input type="text"></main></html>');
      await assert.rejects(axeCheck(page), /label \((critical|serious)\)/);
    } finally {
      await page.context().close();
    }
  });
});
