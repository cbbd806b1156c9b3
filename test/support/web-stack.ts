/**
 * The whole system for browser journeys (test/web): a test stack (test/support/stack.ts: worker,
 * simulator, database, the Express app with the web pages) served on a real port, and the
 * embedded OpenID Connect provider (tools/identity) in-process on another, with the demo
 * accounts. The pages sign in against that provider exactly as under `npm start`: code + PKCE,
 * JWT access tokens verified through the provider's JWKS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createLogger } from '../../config/logger';
import { DEV_ACCOUNTS_FILE, loadAccounts } from '../../tools/identity/accounts';
import { createIdentityProvider, type IdentityProvider, type IdentityProviderDeps } from '../../tools/identity/provider';
import { boundedStep } from './bounded-step';
import { startStack, type StackOptions, type TestStack } from './stack';
import { answerClientErrorsAsProblems } from '../../api/client-errors';

export const WEB_SESSION_SECRET = 'web-session-secret-that-is-at-least-32-chars';

export interface WebStack {
  stack: TestStack;
  /** The pages' base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  issuer: string;
  idp: IdentityProvider;
  close(): Promise<void>;
}

async function listening(): Promise<{ server: Server; url: string }> {
  const server = createServer();
  let url = '';
  // As api/main.ts does; this server's address is the stack's WEB_BASE_URL, where problem types are served.
  answerClientErrorsAsProblems(server, (code) => `${url}/problems/${code}`);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url };
}

/** The embedded provider's settings a test may change (a short access token, to see it refreshed). */
export type WebStackIdentity = Pick<IdentityProviderDeps, 'accessTokenTtlSeconds'>;

export async function startWebStack(name: string, opts: StackOptions = {}, identity: WebStackIdentity = {}): Promise<WebStack> {
  const api = await listening();
  const id = await listening();
  const issuer = `${id.url}/oidc`;
  const stack = await startStack(name, {
    ...opts,
    env: {
      WEB_BASE_URL: api.url,
      WEB_OIDC_ISSUER: issuer,
      AUTH_JWKS_URL: `${issuer}/jwks`,
      AUTH_JWKS_ISSUER: issuer,
      SESSION_SECRET: WEB_SESSION_SECRET,
      ...opts.env,
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'identity-web-'));
  const idp = await createIdentityProvider({
    issuer,
    audience: stack.config.AUTH_AUDIENCE,
    db: stack.mongo.useDb(`${stack.mongo.name}_identity`).db!,
    accounts: await loadAccounts(DEV_ACCOUNTS_FILE),
    dataDir,
    webRedirectUris: [`${api.url}/auth/callback`],
    webPostLogoutRedirectUris: [`${api.url}/`],
    logger: createLogger({ level: 'silent', name: `test-identity-${name}` }),
    sweepIntervalMs: 0,
    ...identity,
  });
  id.server.on('request', idp.app);
  api.server.on('request', stack.app);
  const closeServer = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  return {
    stack,
    baseUrl: api.url,
    issuer,
    idp,
    async close() {
      const step = (what: string, work: () => Promise<unknown>) => boundedStep(`web stack ${name}`, what, work);
      await step('close the web and identity servers', () =>
        Promise.allSettled([closeServer(api.server), closeServer(id.server)]),
      );
      idp.close();
      await step('drop the identity database', () => stack.mongo.useDb(`${stack.mongo.name}_identity`).dropDatabase());
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The demo accounts' passwords (tools/identity/accounts.dev.json; README "Sign-in"). */
export const DEMO_PASSWORDS = {
  applicant: 'demo-applicant',
  officer: 'demo-officer',
  supervisor: 'demo-supervisor',
  auditor: 'demo-auditor',
  operator: 'demo-operator',
} as const;

/**
 * Signs `page` in through the start page's button, the provider's login page and (first time
 * only) its consent page; resolves on the page the service lands on. zh-CN or en buttons.
 */
/**
 * After "sign in again" was pressed on a page: the provider may remember the person (straight
 * back to our pages) or ask again (username, password, perhaps consent); either way, back on ours.
 */
export async function signInAgain(page: Page, web: WebStack, username: string, password: string): Promise<void> {
  const ours = (u: URL) => u.origin === web.baseUrl || /\/interaction\//.test(u.pathname);
  await page.waitForURL(ours);
  if (new URL(page.url()).origin === web.baseUrl) return;
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
  await page.waitForURL(ours);
  if (new URL(page.url()).origin !== web.baseUrl)
    await page.getByRole('button', { name: /同意并继续|Allow and continue/ }).click();
  await page.waitForURL((u) => u.origin === web.baseUrl);
}

export async function signIn(page: Page, web: WebStack, username: string, password: string, start = '/'): Promise<void> {
  await page.goto(`${web.baseUrl}${start}`);
  if (start === '/') await page.getByRole('button', { name: /登录并开始|Sign in and start/ }).click();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
  await page.waitForURL((url) => url.origin === web.baseUrl || /\/interaction\//.test(url.pathname));
  if (new URL(page.url()).origin !== web.baseUrl) {
    await page.getByRole('button', { name: /同意并继续|Allow and continue/ }).click();
  }
  await page.waitForURL((url) => url.origin === web.baseUrl);
  // The callback redirects on success: a page shown at it is a refused sign-in, said as such.
  if (new URL(page.url()).pathname === '/auth/callback') {
    throw new Error(`sign-in as ${username} was refused at the callback: ${await page.locator('main').innerText()}`);
  }
}
