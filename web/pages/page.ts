/**
 * What every page shares: the layout's data (language, navigation for the role, the signed-in
 * person, the CSRF token, a one-shot message), rendering, the role guard, and how an error
 * becomes a page. Pages call the application layer (app/) for every rule and query.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { cleanPurpose, type AccessContext } from '../../app/access-records/record-access';
import type { Actor } from '../../app/actor';
import { AppError, describeUnavailable } from '../../app/errors';
import { PROBLEMS } from '../../app/problem-codes';
import type { Logger } from '../../config/logger';
import type { Department, Locale } from '../../domain/vocabulary';
import { message, type MessageKey } from '../../i18n/messages';
import type { Views } from '../render';
import { localPath } from '../session';
import { APPLICATION_FORM_PATH, fromOwnPage, keepApplication, keptApplication, keptTexts, postedFrom } from './kept-form';
import { FLASH_PARAM, openFlash, sealFlash, withFlash } from '../flash';

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in person's actor, set by requireRole. */
    actor?: Actor;
  }
}

/** Put on `res.locals.pageKit` by the router: the compiled views and the CSRF token generator. */
export interface PageKit {
  views: Views;
  csrfToken(req: Request): string;
  signInConfigured: boolean;
  /** Years a deadline counted now reaches without a holiday calendar (issue 13); empty when none. */
  provisionalCalendarYears(): number[];
  /** Seals the one-shot messages carried in redirect URLs (web/flash.ts). */
  flashSecret: string;
  /** SESSION_IDLE_MINUTES in ms: the idle warning of signed-in pages counts down from it. */
  sessionIdleMs: number;
}

/**
 * When the idle warning shows, before the session ends: two minutes, or half the idle time when
 * that is shorter (WCAG 2.2.1 asks for at least 20 seconds to extend with a simple action).
 */
export const idleWarningMs = (idleMs: number): number => Math.min(2 * 60_000, Math.floor(idleMs / 2));

export function pageKit(res: Response): PageKit {
  const kit = (res.locals as { pageKit?: PageKit }).pageKit;
  if (!kit) throw new Error('a web page rendered outside the web router');
  return kit;
}

export function homeOf(actor: Actor): string {
  switch (actor.role) {
    case 'applicant':
      return '/applicant/cases';
    case 'officer':
      return '/officer/inbox';
    case 'supervisor':
      return '/supervisor/stuck';
    case 'auditor':
      return '/audit/access-records';
    case 'operator':
      return '/operator';
  }
}

interface NavItem {
  href: string;
  key: MessageKey;
  /** Only for an officer of this department (the page refuses the others). */
  department?: Department;
}
const NAV: Record<Actor['role'], NavItem[]> = {
  applicant: [
    { href: '/applicant/cases', key: 'navMyCases' },
    { href: '/applicant/apply', key: 'navApply' },
  ],
  officer: [
    { href: '/officer/inbox', key: 'navInbox' },
    { href: '/officer/school-waitlist', key: 'navWaitlist', department: 'education' },
  ],
  supervisor: [
    { href: '/supervisor/stuck', key: 'navStuck' },
    { href: '/supervisor/bulk/new', key: 'navBulk' },
    { href: '/supervisor/dashboard', key: 'navDashboard' },
    { href: '/supervisor/rounds', key: 'rdNav' },
    { href: '/audit/access-records', key: 'navAccessRecords' },
  ],
  auditor: [{ href: '/audit/access-records', key: 'navAccessRecords' }],
  operator: [],
};
const ROLE_TEXT: Record<Actor['role'], MessageKey> = {
  applicant: 'roleApplicant',
  officer: 'roleOfficer',
  supervisor: 'roleSupervisor',
  auditor: 'roleAuditor',
  operator: 'roleOperator',
};

/**
 * The pages' part of an access record (issue 15 part 3): the door, the request id, and a purpose
 * when the link or form gave one (`?purpose=…`).
 */
export function accessOf(req: Request, opts: { postedPurpose?: boolean } = {}): AccessContext {
  // A form that asks for a purpose posts it (the audit export): a URL's would stay in the browser's
  // history. Only where the page says so, so that no other form's field is taken for one.
  const posted =
    opts.postedPurpose && req.method === 'POST' ? (req.body as Record<string, unknown> | undefined)?.purpose : undefined;
  const purpose = cleanPurpose(posted ?? req.query.purpose);
  return { via: 'web', requestId: req.id, ...(purpose ? { purpose } : {}) };
}

/** `t` for code: a message in the request's language. */
export function tr(req: Request, key: MessageKey, params?: Record<string, unknown>): string {
  return message(req.locale, key, params);
}

function languageHref(req: Request, other: Locale, data: PageData): string {
  // A page a form's post drew (a confirmation, a refusal) may have no address to come back to:
  // where the page says it belongs, else the case it is about, else the form's own page.
  if (req.method !== 'GET') {
    const path = req.originalUrl.split('?')[0] ?? '/';
    const back = localPath(data.languageBack) ?? caseOfPath(path) ?? localPath(path) ?? '/';
    return `/lang/${other}?back=${encodeURIComponent(back)}`;
  }
  // Back to the same page without its one-shot message: that was worded in the language being left
  // (and its token, long, made the path too long to go back to at all).
  const url = new URL(req.originalUrl, 'http://page.invalid');
  url.searchParams.delete(FLASH_PARAM);
  // An address too long to go back to (a draft sealed in it): the case it is about, else where the page says it belongs.
  const back =
    localPath(`${url.pathname}${url.search}${url.hash}`) ?? caseOfPath(url.pathname) ?? localPath(data.languageBack) ?? '/';
  return `/lang/${other}?back=${encodeURIComponent(back)}`;
}

export interface PageData extends Record<string, unknown> {
  title: string;
  /** Form errors: the error summary lists them, each linking to its field. */
  errors?: Array<{ field: string; text: string }>;
  backLink?: { href: string; text: string };
  /**
   * Drawn by a post, or at an address too long to return to: the page the language switch
   * returns to (default: the case, or the form's path).
   */
  languageBack?: string;
  /**
   * A long form's page (the application): the form's id, address and submit button's words. The
   * language switch posts the form there (`_redraw`), to be drawn again in the other language with
   * what was typed; a hidden copy of the submit button before it keeps Enter submitting the form.
   */
  languageForm?: { id: string; action: string; submit: string };
}

/** Page data that puts the focus somewhere itself (an autofocus of its own). */
const PAGE_FOCUS = ['focusDecide', 'focusResults'] as const;

/** Renders `name` in the layout with the shared data. */
export function render(req: Request, res: Response, name: string, data: PageData, status = 200): void {
  const { views, csrfToken, flashSecret, sessionIdleMs } = pageKit(res);
  const user = req.session?.user;
  const flash = openFlash(flashSecret, user?.actor.sub ?? '', req.query?.[FLASH_PARAM]);
  const locale = req.locale;
  const other: Locale = locale === 'zh-CN' ? 'en' : 'zh-CN';
  const path = req.path;
  const html = views.render(name, {
    ...data,
    locale,
    otherLocale: other,
    languageHref: languageHref(req, other, data),
    // A long form's page names its form: the switch posts it to its own address in the other language.
    ...(data.languageForm ? { languageForm: { ...data.languageForm, action: `${data.languageForm.action}?lang=${other}` } } : {}),
    // Every form is for a signed-in person: a visitor reading a public page (the rankings, 公示)
    // gets no token, so that reading never writes a session to the database.
    csrfToken: req.session?.user ? csrfToken(req) : '',
    // Where a form was, for the page that refuses it after the session ended (kept-form.ts).
    pagePath: req.method === 'GET' ? req.originalUrl : undefined,
    flash,
    // What was just done is said where the focus lands, so a screen reader reads it (a status
    // region already there at load is not announced), unless the page moves the focus on purpose:
    // to the next case, to errors, to a form just opened or to filtered results.
    focusFlash: flash !== undefined && !flash.next && !data.errors?.length && !PAGE_FOCUS.some((key) => data[key]),
    calendarBanner: calendarBanner(req, res),
    user: user ? { name: user.name, roleText: message(locale, ROLE_TEXT[user.actor.role]) } : undefined,
    // A signed-in page warns before its session ends for want of activity, and offers to go on.
    sessionWatch: user
      ? {
          idleMs: sessionIdleMs,
          warnMs: idleWarningMs(sessionIdleMs),
          minutes: Math.max(1, Math.round(idleWarningMs(sessionIdleMs) / 60_000)),
        }
      : undefined,
    nav: user
      ? NAV[user.actor.role]
          .filter((n) => !n.department || (user.actor.role === 'officer' && user.actor.department === n.department))
          .map((n) => ({ href: n.href, text: message(locale, n.key), current: path.startsWith(n.href) }))
      : [],
  });
  res.status(status).type('html').send(html);
}

/** Supervisors are told on every page while deadlines are counted on weekdays only for lack of a calendar file. */
function calendarBanner(req: Request, res: Response): string | undefined {
  if (req.session?.user?.actor.role !== 'supervisor') return undefined;
  const years = pageKit(res).provisionalCalendarYears();
  if (years.length === 0) return undefined;
  // The file to add is the administrator's business (README "Deadlines count working days"): a
  // supervisor is told what to pass on, not a path.
  return message(req.locale, 'supCalendarProvisional', { years: years.join(', ') });
}

/**
 * Redirects to `href` with a one-shot message for the page there, carried in its URL (web/flash.ts):
 * each tab its own message, and no session write.
 */
export async function flashAndRedirect(
  req: Request,
  res: Response,
  text: string,
  href: string,
  next?: { href: string; text: string },
  also?: { href: string; text: string },
  kind: 'success' | 'info' = 'success',
): Promise<void> {
  const sealed = sealFlash(pageKit(res).flashSecret, req.session?.user?.actor.sub ?? '', {
    kind,
    text,
    ...(next ? { next } : {}),
    ...(also ? { also } : {}),
  });
  res.redirect(303, withFlash(href, sealed));
}

export function showMessage(
  req: Request,
  res: Response,
  status: number,
  titleKey: MessageKey,
  paragraphKeys: MessageKey[],
  action: { href: string; key: MessageKey } = { href: '/', key: 'backToHome' },
  params: Record<string, unknown> = {},
): void {
  render(
    req,
    res,
    'message',
    {
      title: tr(req, titleKey),
      heading: tr(req, titleKey),
      paragraphs: paragraphKeys.map((k) => tr(req, k, params)),
      action: { href: action.href, text: tr(req, action.key) },
    },
    status,
  );
}

/**
 * Only a signed-in person (of `role`, when given) passes; a visitor who is not signed in is sent
 * to sign in and brought back.
 */
function guard(...roles: Array<Actor['role']>): RequestHandler {
  return (req, res, next) => {
    const user = req.session?.user;
    if (!user || user.expiresAt <= Date.now() || unscopedOfficer(user.actor)) {
      if (user) delete req.session.user;
      if (req.method !== 'GET')
        return showMessage(req, res, 401, 'signInFailedTitle', ['sessionExpired'], { href: '/auth/sign-in', key: 'tryAgain' });
      return res.redirect(303, `/auth/sign-in?back=${encodeURIComponent(localPath(req.originalUrl) ?? '/')}`);
    }
    if (roles.length && !roles.includes(user.actor.role)) return showMessage(req, res, 403, 'forbiddenTitle', ['forbiddenText']);
    req.actor = user.actor;
    next();
  };
}

/**
 * A session stored before officers carried a scope (issue 15) holds none: it signs in again and
 * gets its scope from the provider's claims, never city-wide by omission.
 */
function unscopedOfficer(actor: Actor): boolean {
  return actor.role === 'officer' && (actor as Partial<typeof actor>).scope === undefined;
}

/** Only the given role passes. */
export function requireRole(role: Actor['role']): RequestHandler {
  return guard(role);
}

/** Any of the given roles passes (the access records: supervisors and auditors). */
export function requireAnyRole(...roles: Array<Actor['role']>): RequestHandler {
  return guard(...roles);
}

/** The signed-in person of a page guarded by requireAnyRole. */
export function signedInActor(req: Request): Actor {
  if (!req.actor) throw new Error('page for signed-in people reached without its guard');
  return req.actor;
}

/** The signed-in actor of a guarded page (requireRole ran first). */
export function actorOf<R extends Actor['role']>(req: Request, role: R): Extract<Actor, { role: R }> {
  const actor = req.actor;
  if (!actor || actor.role !== role) throw new Error(`page for ${role} reached without its guard`);
  return actor as Extract<Actor, { role: R }>;
}

/**
 * A form posted after its session ended: nothing done; the typed text to copy; sign in again. The
 * application form is kept whole in the session instead, for its account holder after signing in.
 */
function sessionLost(req: Request, res: Response, ownOrigin: string): void {
  const own = fromOwnPage(req, ownOrigin);
  const application = own ? keptApplication(req) : undefined;
  if (application && req.session) keepApplication(req, application);
  const kept = own && !application ? keptTexts(req.body) : [];
  const back = application ? APPLICATION_FORM_PATH : own ? postedFrom(req.body) : undefined;
  render(
    req,
    res,
    'message',
    {
      title: tr(req, 'sessionLostTitle'),
      heading: tr(req, 'sessionLostTitle'),
      paragraphs: [tr(req, 'sessionLostText'), ...(application ? [tr(req, 'sessionLostApplicationKept')] : [])],
      ...(kept.length > 0 ? { kept: { label: tr(req, 'sessionLostKept'), text: kept.join('\n\n') } } : {}),
      action: { href: `/auth/sign-in${back ? `?back=${encodeURIComponent(back)}` : ''}`, text: tr(req, 'signInAgain') },
    },
    403,
  );
}

/** Refusals and failures as pages: another person's case is "not found", like a missing one. */
export function pageErrorHandler(logger: Logger, ownOrigin: string): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if ((err as { code?: unknown }).code === 'EBADCSRFTOKEN') {
      // Whether the session held a token at all tells a forged or stale form from a session that
      // was lost (expired, swept, signed out elsewhere) before the post arrived.
      logger.warn(
        {
          reqId: req.id,
          url: req.originalUrl,
          sessionToken: typeof req.session?.csrfToken === 'string',
          signedIn: Boolean(req.session?.user),
        },
        'web form refused: bad or missing CSRF token',
      );
      // Signed out meanwhile (idle too long, signed out in another tab): say so, give back what
      // they typed, and sign in back to the form's page. A live session with a bad token is a
      // forged or stale form: nothing of it is shown.
      if (!req.session?.user) return sessionLost(req, res, ownOrigin);
      return showMessage(req, res, 403, 'csrfTitle', ['csrfText']);
    }
    // A path the router cannot decode (`%ED%A0%80`) names no page: not found, not a failure.
    if (err instanceof URIError) return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
    // The form body parser's refusals (too large, too many fields, a charset it cannot read) are
    // the sender's, not ours: their own status, said in words.
    const parse = bodyParseRefusal(err);
    if (parse) {
      logger.info({ reqId: req.id, type: parse.type, status: parse.status }, 'web form refused: body not readable');
      return showMessage(req, res, parse.status, 'formRefusedTitle', [
        parse.status === 413 ? 'formTooLargeText' : 'formUnreadableText',
      ]);
    }
    if (err instanceof AppError) {
      if (err.kind === 'not_found') return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
      if (err.kind === 'forbidden') return showMessage(req, res, 403, 'forbiddenTitle', ['forbiddenText']);
      // A refusal no page answered itself (another tab acted first, the case ended meanwhile): in
      // the page's language — the error's own message is the API's English — and the way back to
      // the case the form was about.
      const back = caseOfPath(req.originalUrl);
      // An applicant's pages speak of their application (申请), staff pages of the case (案件).
      const applicant = back?.startsWith('/applicant/') === true;
      return render(
        req,
        res,
        'message',
        {
          title: tr(req, 'conflictTitle'),
          heading: tr(req, 'conflictTitle'),
          paragraphs: [refusalText(req, err, applicant)],
          ...(back ? { action: { href: back, text: tr(req, applicant ? 'apBackToCase' : 'backToCase') } } : {}),
        },
        err.kind === 'conflict' ? 409 : err.kind === 'too_many' ? 429 : 422,
      );
    }
    const unavailable = describeUnavailable(err);
    if (unavailable) {
      logger.warn({ reqId: req.id, dependency: unavailable }, 'web page: dependency unavailable');
      return showMessage(req, res, 503, 'unavailableTitle', ['unavailableText']);
    }
    logger.error({ reqId: req.id, err: err instanceof Error ? err.stack : String(err) }, 'web page failed');
    showMessage(req, res, 500, 'serverErrorTitle', ['serverErrorText'], undefined, { requestId: req.id });
  };
}

/** The case page of a path under a role's case (`/applicant/cases/<id>/withdraw` → `/applicant/cases/<id>`). */
function caseOfPath(url: string): string | undefined {
  return /^\/(applicant|officer|supervisor)\/cases\/[0-9a-f-]{36}/.exec(url.split('?')[0] ?? '')?.[0];
}

/** A refusal in the page's words: the case ended, or its problem's title. */
function refusalText(req: Request, err: AppError, applicant: boolean): string {
  if (err.code === 'case-not-open') return tr(req, applicant ? 'refusedApplicationEnded' : 'refusedCaseEnded');
  return `${PROBLEMS[err.code].title[req.locale]}${req.locale === 'en' ? '.' : '。'}`;
}

/** An error of the body parser (http-errors with a `type` such as `entity.too.large`), or undefined. */
function bodyParseRefusal(err: unknown): { status: number; type: string } | undefined {
  const e = err as { status?: unknown; type?: unknown; expose?: unknown } | null;
  if (!e || typeof e.status !== 'number' || typeof e.type !== 'string' || e.expose !== true) return undefined;
  return e.status >= 400 && e.status < 500 ? { status: e.status, type: e.type } : undefined;
}
