/**
 * The web pages' sign-in and session in a real browser against the whole system
 * (test/support/web-stack.ts): code + PKCE at the embedded provider, a session rotated at
 * sign-in, the role guard, CSRF on every form, and signing out at the provider too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { webSessionModel } from '../../models/web-session.model';
import { storedSessionData } from '../../web/session-store';
import { axeCheck, launchBrowser, newPage, screenshot } from '../support/browser';
import { csrfOf, signInCookie } from '../support/web-http';
import { DEMO_PASSWORDS, signIn, startWebStack, type WebStack } from '../support/web-stack';

describe('web pages: sign-in, session and sign-out in a real browser', () => {
  let web: WebStack;
  let browser: Browser;

  before(async () => {
    web = await startWebStack('web_sign_in');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
  });

  it('when a visitor opens the portal, then the start page is in Chinese, passes axe, and its language link switches to English', async () => {
    const page = await newPage(browser);
    try {
      const res = await page.goto(`${web.baseUrl}/`);
      const csp = res?.headers()['content-security-policy'] ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      // Its icon, named by the page and found at the path browsers ask by convention.
      const icon = await page.locator('link[rel=icon]').getAttribute('href');
      for (const path of [icon, '/favicon.ico']) {
        const got = await page.request.get(`${web.baseUrl}${path}`);
        assert.equal(got.status(), 200, `${path}: ${got.status()}`);
        assert.match(got.headers()['content-type'] ?? '', /^image\/svg\+xml/);
      }
      // A mistyped address in a browser is the pages' "not found" page; a script still gets problem+json.
      const typo = await page.request.get(`${web.baseUrl}/round`, { headers: { accept: 'text/html,*/*;q=0.8' } });
      assert.equal(typo.status(), 404);
      assert.match(typo.headers()['content-type'] ?? '', /^text\/html/);
      assert.match(await typo.text(), /<h1[^>]*>\s*[^<]+/);
      const script = await page.request.get(`${web.baseUrl}/round`, { headers: { accept: '*/*' } });
      assert.equal(script.status(), 404);
      assert.match(script.headers()['content-type'] ?? '', /^application\/problem\+json/);
      await axeCheck(page);
      await screenshot(page, 'web-home-zh-CN');
      await page.getByRole('link', { name: 'English' }).click();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await page.getByRole('heading', { name: 'Xi’an Household Settlement Service' }).waitFor();
      await axeCheck(page);
      await screenshot(page, 'web-home-en');
    } finally {
      await page.context().close();
    }
  });

  it('when an applicant signs in, then the session id is rotated, the cookie is HttpOnly and SameSite=Lax, and they land on their cases', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${web.baseUrl}/auth/sign-in`);
      const before = (await page.context().cookies(web.baseUrl)).find((c) => c.name === 'hukou.sid');
      assert.ok(before, 'a session holds the sign-in under way (PKCE verifier, state)');
      await signIn(page, web, 'townowner', DEMO_PASSWORDS.applicant, '/applicant/cases');
      assert.equal(new URL(page.url()).pathname, '/applicant/cases');
      const after = (await page.context().cookies(web.baseUrl)).find((c) => c.name === 'hukou.sid');
      assert.ok(after);
      assert.notEqual(after.value, before.value, 'a new session id at sign-in');
      assert.equal(after.httpOnly, true);
      assert.equal(after.sameSite, 'Lax');
      // The session lives in MongoDB, the pre-sign-in one is gone.
      const sid = (v: string) => decodeURIComponent(v).replace(/^s:/, '').split('.')[0]!;
      const sessions = webSessionModel(web.stack.mongo);
      assert.ok(await sessions.exists({ _id: sid(after.value) }));
      assert.equal(await sessions.exists({ _id: sid(before.value) }), null);
      await page.getByText('吴海波').first().waitFor();
    } finally {
      await page.context().close();
    }
  });

  it('when a visitor opens a page of the portal without signing in, then they are sent to sign in and brought back to it', async () => {
    const page = await newPage(browser);
    try {
      await signIn(page, web, 'police', DEMO_PASSWORDS.officer, '/officer/inbox?status=awaiting_decision');
      const url = new URL(page.url());
      assert.equal(url.pathname, '/officer/inbox');
      assert.equal(url.searchParams.get('status'), 'awaiting_decision');
    } finally {
      await page.context().close();
    }
  });

  it('when the password is wrong, then no session is made and the login page says so', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${web.baseUrl}/auth/sign-in`);
      await page.locator('#username').fill('townowner');
      await page.locator('#password').fill('not-the-password');
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByText('用户名或密码不正确').waitFor();
      const res = await page.request.get(`${web.baseUrl}/applicant/cases`, { maxRedirects: 0 });
      assert.equal(res.status(), 303);
      assert.match(res.headers().location ?? '', /^\/auth\/sign-in/);
    } finally {
      await page.context().close();
    }
  });

  it('when several tabs open at once right after signing in, then every form carries the session’s one token and each is accepted', async () => {
    // Arrange: signed in, no page of ours opened yet (a browser restoring an officer's tabs).
    const { cookie, home } = await signInCookie(web, 'police', DEMO_PASSWORDS.officer);
    const sid = decodeURIComponent(/hukou\.sid=([^;]+)/.exec(cookie)![1]!)
      .replace(/^s:/, '')
      .split('.')[0]!;
    const stored = async () =>
      (storedSessionData((await webSessionModel(web.stack.mongo).findById(sid).lean())!.data) as { csrfToken?: string })
        .csrfToken;
    const atSignIn = await stored();

    // Act: four tabs load at once.
    const pages = await Promise.all(
      [home, `${web.baseUrl}/officer/inbox?assignedTo=me`, `${web.baseUrl}/officer/inbox?assignedTo=nobody`, home].map(
        async (url) => {
          const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
          return csrfOf(await res.text());
        },
      ),
    );
    const posts = await Promise.all(
      pages.map(async (csrf) => {
        const res = await fetch(`${web.baseUrl}/auth/csrf-probe`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf ?? '' }).toString(),
          redirect: 'manual',
        });
        await res.text();
        return res.status;
      }),
    );

    // Assert: the token was made with the session, so no tab made (and saved over) another.
    assert.equal(typeof atSignIn, 'string', 'the session holds its form token from sign-in');
    assert.deepEqual(pages, [atSignIn, atSignIn, atSignIn, atSignIn]);
    assert.deepEqual(posts, [404, 404, 404, 404], 'each tab’s form passes the CSRF check (404: the probe path is no page)');
    assert.equal(await stored(), atSignIn);
  });

  it('when an applicant opens an officer page, then it is refused (403), and a form posted without its CSRF token is refused (403)', async () => {
    const page = await newPage(browser);
    try {
      await signIn(page, web, 'townowner', DEMO_PASSWORDS.applicant);
      const officer = await page.goto(`${web.baseUrl}/officer/inbox`);
      assert.equal(officer?.status(), 403);
      await axeCheck(page);
      await screenshot(page, 'web-forbidden-zh-CN');
      // The browser's own cookies, a form post like any other, only without the token.
      const res = await page.request.post(`${web.baseUrl}/auth/sign-out`, { form: { x: '1' }, maxRedirects: 0 });
      assert.equal(res.status(), 403);
      assert.match(await res.text(), /表单已失效/);
      // Still signed in: the forged post did nothing.
      const still = await page.goto(`${web.baseUrl}/applicant/cases`);
      assert.equal(still?.status(), 200);
    } finally {
      await page.context().close();
    }
  });

  it('when a signed-in person signs out, then the provider confirms it in their language, the session is gone, and the next visit asks for the password again', async () => {
    const page = await newPage(browser, { locale: 'en-GB' });
    try {
      await signIn(page, web, 'supervisor', DEMO_PASSWORDS.supervisor);
      assert.equal(new URL(page.url()).pathname, '/supervisor/stuck');
      await axeCheck(page);
      await screenshot(page, 'web-supervisor-stuck-en');
      await page.getByRole('link', { name: '中文' }).click();
      await page.getByRole('heading', { name: '滞留案件' }).waitFor();
      await axeCheck(page);
      await screenshot(page, 'web-supervisor-stuck-zh-CN');
      await page.getByRole('link', { name: 'English' }).click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign out' }).waitFor();
      await axeCheck(page);
      await screenshot(page, 'sign-out-confirm-en');
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL(`${web.baseUrl}/`);
      const res = await page.request.get(`${web.baseUrl}/supervisor/stuck`, { maxRedirects: 0 });
      assert.equal(res.status(), 303, 'the session ended');
      await page.goto(`${web.baseUrl}/auth/sign-in`);
      await page.locator('#password').waitFor();
      assert.match(new URL(page.url()).pathname, /^\/interaction\//, 'the provider asks again: its session ended too');
    } finally {
      await page.context().close();
    }
  });
});
