/**
 * A signed-in session outlives its access token while the provider's sign-in lasts
 * (web/token-refresh.ts): the embedded provider here issues tokens of a few seconds, so every
 * page renews one, and a page opened after the first token expired still answers. Once the
 * provider's sign-in has ended, the refresh is refused and the session ends with its token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebUser } from '../../web/session';
import { webSessionModel } from '../../models/web-session.model';
import { storedSessionData } from '../../web/session-store';
import { signInCookie } from '../support/web-http';
import { DEMO_PASSWORDS, startWebStack, type WebStack } from '../support/web-stack';

const TOKEN_SECONDS = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('web sessions: the access token renewed while the sign-in lasts', () => {
  let web: WebStack;

  before(async () => {
    web = await startWebStack('web_session_refresh', {}, { accessTokenTtlSeconds: TOKEN_SECONDS });
  });
  after(async () => {
    await web?.close();
  });

  const sessionIdOf = (cookie: string) =>
    decodeURIComponent(/hukou\.sid=([^;]+)/.exec(cookie)![1]!)
      .replace(/^s:/, '')
      .split('.')[0]!;
  const storedUser = async (cookie: string): Promise<WebUser | undefined> => {
    const row = await webSessionModel(web.stack.mongo).findById(sessionIdOf(cookie)).lean();
    return row ? storedSessionData(row.data).user : undefined;
  };
  const open = (cookie: string, path: string) => fetch(`${web.baseUrl}${path}`, { headers: { cookie }, redirect: 'manual' });

  it('when a page is opened after the first access token expired, then it answers signed in, on a new token the provider issued', async () => {
    // Arrange: an officer signed in; the provider gave a refresh token with the access token.
    const { cookie } = await signInCookie(web, 'police', DEMO_PASSWORDS.officer);
    const first = await storedUser(cookie);
    assert.ok(first?.refreshToken, 'a refresh token is kept in the session');
    await sleep(TOKEN_SECONDS * 1000 + 1500);
    assert.ok(first.expiresAt < Date.now(), 'the first token has expired');

    // Act
    const page = await open(cookie, '/officer/inbox');

    // Assert: the page, not a way to sign in again; the session holds a newer, valid token.
    assert.equal(page.status, 200, `answered ${page.status} ${page.headers.get('location') ?? ''}`);
    assert.match(await page.text(), /name="_csrf"/);
    const now = await storedUser(cookie);
    assert.ok(now && now.accessToken !== first.accessToken, 'a new access token');
    assert.ok(now.expiresAt > first.expiresAt);
    assert.equal(now.actor.sub, first.actor.sub);
  });

  it('when the sign-in at the provider has ended, then the refresh is refused and the session ends with its token', async () => {
    // Arrange: signed in, then the provider's session ends (signed out there, or its day is over).
    const { cookie } = await signInCookie(web, 'housing', DEMO_PASSWORDS.officer);
    const identity = web.stack.mongo.useDb(`${web.stack.mongo.name}_identity`).db!.collection<{ _id: string }>('oidc_records');
    const ended = await identity.deleteMany({ _id: { $regex: '^Session:' } });
    assert.ok(ended.deletedCount > 0, 'the provider held a sign-in session');
    await sleep(TOKEN_SECONDS * 1000 + 1500);

    // Act
    const page = await open(cookie, '/officer/inbox');

    // Assert: sent to sign in again.
    assert.equal(page.status, 303);
    assert.match(page.headers.get('location') ?? '', /^\/auth\/sign-in\?back=/);
  });
});
