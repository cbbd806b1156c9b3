/**
 * The provider's own pages for its interactions (oidc-provider leaves them to us): the login
 * form, the consent form, and a plain error page. Plain HTML forms, no JavaScript; a wrong
 * password re-renders the form with an error summary (401), never a stack trace.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Request, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import Handlebars from 'handlebars';
import type Provider from 'oidc-provider';
import type { Logger } from '../../config/logger';
import { SERVICE_NAME } from '../../i18n/service-name';
import type { AccountStore } from './accounts';
import { OWN_CLIENT_NAME } from './clients';
import type { RememberedConsents } from './remembered-consent';
import { chooseLocale, explicitLocale, format, LANG_COOKIE, MESSAGES, type Locale } from './messages';

const view = (name: string) =>
  Handlebars.compile(readFileSync(join(__dirname, 'views', `${name}.hbs`), 'utf8'), { strict: false });
const LAYOUT = view('layout');
const PAGES = { login: view('login'), consent: view('consent'), error: view('error'), logout: view('logout') };
type Page = keyof typeof PAGES;
const TITLE_KEY = { login: 'loginTitle', consent: 'consentTitle', error: 'errorTitle', logout: 'logoutTitle' } as const;

/** A page of the provider's in its layout, and the headers it must be sent with (CSP by nonce). */
export function providerPage(
  page: Page,
  locale: Locale,
  data: Record<string, unknown>,
  /** The language link's target; empty: no link (a page whose request cannot be re-asked in the other language). */
  switchHref: string,
): { html: string; headers: Record<string, string> } {
  const t = MESSAGES[locale];
  const nonce = randomBytes(16).toString('base64');
  const body = PAGES[page]({ ...data, t, locale });
  return {
    // A page showing an error says so first in its title, as the pages do (read first by a screen reader).
    html: LAYOUT({ body, t, title: `${data.error ? t.errorTitlePrefix : ''}${t[TITLE_KEY[page]]}`, nonce, switchHref }),
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // form-action: the sign-out form posts to the provider, which then redirects to the client.
      'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'`,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  };
}

function render(res: Response, status: number, page: Page, locale: Locale, data: Record<string, unknown>): void {
  const switchHref = `/interaction/${String(data.uid ?? '')}?lang=${MESSAGES[locale].otherLocale}`;
  const { html, headers } = providerPage(page, locale, data, switchHref);
  res.status(status).set(headers).send(html);
}

/** Failed sign-ins allowed per account, and per client address, in one window. */
export const LOGIN_FAILURES_PER_ACCOUNT = 5;
export const LOGIN_FAILURES_PER_ADDRESS = 50;
export const LOGIN_THROTTLE_WINDOW_MS = 15 * 60_000;

export interface InteractionDeps {
  provider: Provider;
  accounts: AccountStore;
  /** Where an allowed consent is remembered for the account's next sign-in. */
  consents: Pick<RememberedConsents, 'remember'>;
  logger: Logger;
}

export function createInteractionsRouter({ provider, accounts, consents, logger }: InteractionDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  const chosenLocale = (req: Request) =>
    (req.get('cookie') ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .find(([name]) => name === LANG_COOKIE)?.[1];
  const localeOf = (req: Request, uiLocales?: unknown) =>
    chooseLocale({ lang: req.query.lang, chosen: chosenLocale(req), uiLocales, acceptLanguage: req.get('accept-language') });

  // A language chosen with the page's link holds for the rest of the sign-in: the consent page
  // is a new interaction whose URL carries no `?lang=`.
  router.get('/interaction/:uid', (req, res, next) => {
    const chosen = explicitLocale(req.query.lang);
    if (chosen)
      res.cookie(LANG_COOKIE, chosen, { path: '/interaction', httpOnly: true, sameSite: 'lax', maxAge: 365 * 86_400_000 });
    next();
  });
  const clientName = async (clientId: unknown, locale: Locale) => {
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    // Our own client is named in both languages (provider.ts): a page says it in its own (WCAG 3.1.2).
    if (client?.clientName === OWN_CLIENT_NAME) return SERVICE_NAME[locale];
    return client?.clientName ?? String(clientId);
  };

  router.get('/interaction/:uid', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const locale = localeOf(req, details.params.ui_locales);
    const client = await clientName(details.params.client_id, locale);
    if (details.prompt.name === 'login') {
      render(res, 200, 'login', locale, { uid: details.uid, intro: format(MESSAGES[locale].loginIntro, { client }) });
      return;
    }
    const account = details.session ? accounts.bySub(details.session.accountId) : undefined;
    const intro = format(MESSAGES[locale].consentIntro, { client, name: account?.name ?? '' });
    // What the token will carry for this account (provider.ts `claims`): an applicant's ID number,
    // an officer's department and areas, the other staff roles their role only.
    const role = account?.role;
    const scopes =
      MESSAGES[locale][
        role === 'applicant' ? 'consentScopesApplicant' : role === 'officer' ? 'consentScopes' : 'consentScopesStaff'
      ];
    render(res, 200, 'consent', locale, { uid: details.uid, intro, scopes });
  });

  // Password guessing is throttled: failed sign-ins (401) count per account and per address; a
  // success does not. Past the limit the form refuses (429) until the window has passed.
  const usernameOf = (req: Request) => {
    const body = req.body as { username?: unknown } | undefined;
    return typeof body?.username === 'string' ? body.username.slice(0, 64) : '';
  };
  const throttled = (req: Request, res: Response, next: (err?: unknown) => void) => {
    provider
      .interactionDetails(req, res)
      .then(async (details) => {
        const locale = localeOf(req, details.params.ui_locales);
        logger.warn({ client: details.params.client_id }, 'sign-in throttled');
        render(res, 429, 'login', locale, {
          uid: details.uid,
          username: usernameOf(req),
          error: MESSAGES[locale].loginThrottled,
          intro: format(MESSAGES[locale].loginIntro, { client: await clientName(details.params.client_id, locale) }),
        });
      })
      .catch(next);
  };
  const failures = (limit: number, keyGenerator?: (req: Request) => string) =>
    rateLimit({
      windowMs: LOGIN_THROTTLE_WINDOW_MS,
      limit,
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      ...(keyGenerator ? { keyGenerator } : {}),
      handler: throttled,
    });
  const perAddress = failures(LOGIN_FAILURES_PER_ADDRESS);
  const perAccount = failures(LOGIN_FAILURES_PER_ACCOUNT, (req) => `account:${usernameOf(req).toLowerCase()}`);

  router.post('/interaction/:uid/login', form, perAddress, perAccount, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const locale = localeOf(req, details.params.ui_locales);
    const body = req.body as { username?: unknown; password?: unknown } | undefined;
    const username = typeof body?.username === 'string' ? body.username.slice(0, 64) : '';
    const password = typeof body?.password === 'string' ? body.password.slice(0, 256) : '';
    const account = username && password ? await accounts.authenticate(username, password) : undefined;
    if (!account) {
      logger.info({ client: details.params.client_id }, 'sign-in refused');
      const client = await clientName(details.params.client_id, locale);
      render(res, 401, 'login', locale, {
        uid: details.uid,
        username,
        error: MESSAGES[locale].loginFailed,
        intro: format(MESSAGES[locale].loginIntro, { client }),
      });
      return;
    }
    logger.info({ sub: account.sub, role: account.role }, 'signed in');
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  });

  router.post('/interaction/:uid/confirm', form, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    if (prompt.name !== 'consent' || !session) throw new Error('no consent is pending for this interaction');
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
    if (!grant) throw new Error('the grant of this interaction is gone');
    const missing = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await consents.remember(grant);
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  });

  router.post('/interaction/:uid/abort', form, async (req, res) => {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user cancelled the sign-in' },
      { mergeWithLastSubmission: false },
    );
  });

  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    logger.warn({ err: err instanceof Error ? err.message : String(err), path: req.path }, 'interaction failed');
    render(res, 400, 'error', localeOf(req), {});
  };
  router.use('/interaction', onError);
  return router;
}
