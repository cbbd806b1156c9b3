/**
 * The web pages (applicant portal, officer workbench, supervisors' list): server-rendered
 * Handlebars over the same application layer as the JSON API (app/), mounted in the API's
 * Express app. Everything here is for browsers: form posts (urlencoded), a server-side session
 * in MongoDB, a CSRF token on every form, a Content-Security-Policy without 'unsafe-inline',
 * pages instead of problem+json. Requests for the JSON API, health and metrics pass through
 * untouched.
 */
import { configuredCoverage } from '../app/queries/calendar-coverage';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import express, { Router, type Request, type RequestHandler } from 'express';
import session from 'express-session';
import { csrfSync } from 'csrf-sync';
import helmet from 'helmet';
import { webBaseUrl, webSignInIssuer } from '../config/config';
import type { AppDeps } from '../app/deps';
import { createTokenVerifier } from '../app/access-token';
import { nulPaths } from '../app/nul-characters';
import { noteVerifiedActor } from '../app/officer-directory';
import { accessRecordPages } from './pages/access-records.pages';
import { applicantPages } from './pages/applicant.pages';
import { homePages } from './pages/home.pages';
import { problemPages } from './pages/problems.pages';
import { officerPages } from './pages/officer.pages';
import { roundsPages } from './pages/rounds.pages';
import { supervisorPages } from './pages/supervisor.pages';
import { bulkPages } from './pages/supervisor/bulk';
import { pageErrorHandler, showMessage, type PageKit } from './pages/page';
import { chooseLocale, isLocale, rememberLocale } from './locale';
import { loadViews } from './render';
import { localPath } from './session';
import { MongoSessionStore } from './session-store';
import { createSignIn, SESSION_COOKIE } from './sign-in';

/** The paths the pages own; anything else (the JSON API, /healthz, /metrics) is not theirs. */
const WEB_PATH =
  /^\/(?:$|auth\/|lang\/|static\/|favicon\.ico$|applicant(?:\/|$)|rounds(?:\/|$)|officer(?:\/|$)|supervisor(?:\/|$)|audit\/|operator$)/;

/** Whether a request path belongs to the pages (not to the JSON API, which OpenAPI documents). */
export function isWebPath(path: string): boolean {
  return WEB_PATH.test(path);
}

/** What the API and the operators' endpoints answer, whoever asks. */
const MACHINE_PATH = /^\/(?:api\/|codec(?:\/|$)|healthz$|readyz$|metrics$)/;

/**
 * A browser that follows a mistyped or stale link (`/round`) gets the pages' "not found" page,
 * not the API's problem+json: a GET outside the machines' paths that prefers HTML to JSON.
 */
function wantsPage(req: Request): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    !MACHINE_PATH.test(req.path) &&
    req.accepts(['application/json', 'application/problem+json', 'text/html']) === 'text/html'
  );
}

export interface WebRouter {
  router: Router;
  store: MongoSessionStore;
  /** The pages' session middleware: the codec server (api/codec) accepts the same sign-in. */
  session: RequestHandler;
}

export function createWebRouter(deps: AppDeps): WebRouter {
  const { config, logger } = deps;
  const baseUrl = webBaseUrl(config);
  const issuer = webSignInIssuer(config);
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  const store = new MongoSessionStore(deps.mongo, { idleMs, sweepIntervalMs: 10 * 60_000, logger });
  const views = loadViews();
  const verifyToken = createTokenVerifier({
    secret: config.AUTH_JWT_SECRET,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    jwksIssuer: config.AUTH_JWKS_ISSUER,
    audience: config.AUTH_AUDIENCE,
  });
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
    // Its error carries code EBADCSRFTOKEN: pageErrorHandler answers it with a 403 page.
  });
  const signIn = createSignIn({
    config,
    logger,
    verifyToken,
    baseUrl,
    issuer,
    // An officer signing in is (again) in the officer directory, under the name the provider gave.
    // (A session's name falls back to the subject: that is no name to remember.)
    onSignedIn: ({ actor, name }) => noteVerifiedActor(deps, actor, name === actor.sub ? undefined : name),
    onSessionStarted: (req) => void generateToken(req, true),
  });
  // Without a secret (development, tests) a random one: sessions then end with the process.
  const secret = config.SESSION_SECRET ?? cryptoRandom();
  const kit: PageKit = {
    views,
    csrfToken: (req) => generateToken(req),
    signInConfigured: signIn.configured,
    provisionalCalendarYears: () => (config.DEADLINE_CLOCK === 'working-days' ? configuredCoverage(config).missing : []),
    flashSecret: secret,
    sessionIdleMs: idleMs,
  };

  const router = Router();
  router.use((req, _res, next) => (isWebPath(req.path) || wantsPage(req) ? next() : next('router')));
  // Pages name their icon; a browser (or a bookmark) asking the conventional path finds it too.
  router.get('/favicon.ico', (_req, res) => res.redirect(301, '/static/favicon.svg'));
  router.use(
    '/static',
    express.static(path.join(__dirname, 'public'), { index: false, maxAge: config.NODE_ENV === 'production' ? '1h' : 0 }),
  );
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'object-src': ["'none'"],
          'base-uri': ["'none'"],
          'frame-ancestors': ["'none'"],
          // Signing out posts here and is redirected to the provider's end-session page.
          'form-action': ["'self'", ...(issuer ? [new URL(issuer).origin] : [])],
        },
      },
      strictTransportSecurity: config.NODE_ENV === 'production',
    }),
  );
  router.use((_req, res, next) => {
    // Pages show personal data: never kept by a shared cache or the back-forward cache of a kiosk.
    res.setHeader('Cache-Control', 'no-store');
    res.locals.pageKit = kit;
    next();
  });
  router.use(chooseLocale({ secure: config.NODE_ENV === 'production' }));
  const sessions = session({
    name: SESSION_COOKIE,
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.NODE_ENV === 'production',
      maxAge: idleMs,
      path: '/',
    },
  });
  // The session, its access token renewed when due: the pages and the codec server (api/codec) alike.
  const signedInSession: RequestHandler = (req, res, next) =>
    sessions(req, res, (err?: unknown) => (err ? next(err) : signIn.keepFresh(req, res, next)));
  router.use(signedInSession);
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  router.use(csrfSynchronisedProtection);
  // U+0000 in a field: typed by nobody, kept by no store of ours (app/nul-characters.ts).
  router.use((req, res, next) => {
    // In the address too, where it would reach a lookup the store refuses: no page or case has
    // `%00` in its path (not found), and no link of ours puts one in a query (not valid).
    if (/%00/i.test(req.path)) return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
    if (nulPaths(req.query).length > 0) return showMessage(req, res, 400, 'linkNulTitle', ['linkNulText']);
    const fields = nulPaths(req.body).map((p) => p.slice(1).split('/')[0]);
    if (fields.length === 0) return next();
    showMessage(req, res, 400, 'formRefusedTitle', ['formNulText'], undefined, { fields: [...new Set(fields)].join(', ') });
  });

  router.get('/lang/:locale', (req, res) => {
    const locale = req.params.locale;
    if (!isLocale(locale)) return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
    rememberLocale(res, locale, config.NODE_ENV === 'production');
    res.redirect(303, localPath(req.query.back) ?? '/');
  });
  // A role's bare prefix, typed or cut from a longer address, is its home page, not a 404.
  for (const [bare, home] of [
    ['/applicant', '/applicant/cases'],
    ['/officer', '/officer/inbox'],
    ['/supervisor', '/supervisor/stuck'],
  ] as const)
    router.get([bare, `${bare}/`], (_req, res) => res.redirect(303, home));
  router.use(signIn.router);
  router.use(homePages());
  // A problem's `type` URI, opened in a browser (the API answers JSON at the same address).
  router.use(problemPages(baseUrl));
  router.use(roundsPages(deps));
  router.use(applicantPages(deps));
  router.use(officerPages(deps));
  router.use(supervisorPages(deps));
  router.use(bulkPages(deps));
  router.use(accessRecordPages(deps));
  router.use((req, res) => showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']));
  router.use(pageErrorHandler(logger, new URL(baseUrl).origin));
  return { router, store, session: signedInSession };
}

function cryptoRandom(): string {
  return randomBytes(32).toString('base64url');
}
