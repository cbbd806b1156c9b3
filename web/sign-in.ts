/**
 * Sign-in for the pages: OpenID Connect authorization code + PKCE with `openid-client` against
 * the configured provider (the embedded one by default; any city OIDC provider in production).
 * The access token it returns is verified exactly as the JSON API verifies a Bearer token
 * (app/access-token.ts) and its claims become the session's actor. The session id is rotated at
 * sign-in (no fixation) and destroyed at sign-out, which then signs out at the provider too
 * (RP-initiated logout).
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import * as oidc from 'openid-client';
import { MissingScopeClaim, type TokenVerifier } from '../app/access-token';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';
import { API_RESOURCE, WEB_SCOPES } from '../tools/identity/clients';
import { keptFor } from './pages/kept-form';
import { localPath, type WebUser } from './session';
import { homeOf, showMessage } from './pages/page';
import { tokenRefresher } from './token-refresh';

export interface SignInOptions {
  config: Config;
  logger: Logger;
  verifyToken: TokenVerifier;
  /** The pages' base URL, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** The provider's issuer, or undefined when sign-in is not configured. */
  issuer: string | undefined;
  /** Told of each person signed in, and again at each token refresh (the officer directory learns officers from it). */
  onSignedIn?: (user: WebUser) => Promise<void>;
  /**
   * Called on the new session before it is first saved: it gets its form token now. Made by the
   * first page instead, several tabs reloading at once after a sign-in would each make one, the
   * last save would win, and every other tab's form would be refused as stale.
   */
  onSessionStarted?: (req: Request) => void;
}

export interface SignIn {
  router: Router;
  configured: boolean;
  /** Renews a session's access token before it expires (web/token-refresh.ts); after the session middleware. */
  keepFresh: RequestHandler;
}

export function createSignIn(opts: SignInOptions): SignIn {
  const { config, logger, baseUrl, issuer } = opts;
  const redirectUri = `${baseUrl}/auth/callback`;
  let discovered: Promise<oidc.Configuration> | undefined;
  // Discovered at first use and kept; a failed discovery (provider not up yet) is tried again next time.
  const client = (): Promise<oidc.Configuration> => {
    if (!issuer) throw new Error('sign-in is not configured (WEB_OIDC_ISSUER)');
    discovered ??= oidc
      .discovery(new URL(issuer), config.WEB_OIDC_CLIENT_ID, undefined, oidc.None(), {
        // Plain http only for a provider on this machine in development (npm start's embedded one).
        execute: config.NODE_ENV !== 'production' && issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      })
      .catch((err: unknown) => {
        discovered = undefined;
        throw err;
      });
    return discovered;
  };

  const router = Router();

  router.get('/auth/sign-in', async (req, res) => {
    if (!issuer) return showMessage(req, res, 503, 'signInFailedTitle', ['signInNotConfigured']);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    req.session.pendingSignIn = { codeVerifier, state, nonce, back: localPath(req.query.back) ?? '' };
    const url = oidc.buildAuthorizationUrl(await client(), {
      redirect_uri: redirectUri,
      scope: WEB_SCOPES,
      resource: API_RESOURCE,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ui_locales: req.locale,
    });
    req.session.save((err) => (err ? res.status(503).end() : res.redirect(303, url.href)));
  });

  router.get('/auth/callback', async (req, res) => {
    const pending = req.session.pendingSignIn;
    if (!issuer || !pending) return signInFailed(req, res);
    delete req.session.pendingSignIn;
    let user: WebUser;
    try {
      const tokens = await oidc.authorizationCodeGrant(
        await client(),
        new URL(req.originalUrl, baseUrl),
        {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        },
        { resource: API_RESOURCE },
      );
      const verified = await opts.verifyToken(tokens.access_token);
      const claims = tokens.claims();
      user = {
        actor: verified.actor,
        name: typeof claims?.name === 'string' && claims.name ? claims.name : verified.actor.sub,
        accessToken: tokens.access_token,
        expiresAt: verified.expiresAt,
        ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
      };
    } catch (err) {
      // An officer account that says nowhere where its officer acts: refused, and told why (403).
      if (err instanceof MissingScopeClaim) {
        logger.warn({ reqId: req.id, claim: err.claim }, 'web sign-in refused: officer token without scope');
        return showMessage(req, res, 403, 'forbiddenTitle', ['signInNoScope'], { href: '/', key: 'backToHome' });
      }
      // A cancelled consent, a replayed or forged callback, a token without a role: no session.
      logger.warn({ reqId: req.id, err: err instanceof Error ? err.message : String(err) }, 'web sign-in refused');
      return signInFailed(req, res);
    }
    await opts.onSignedIn?.(user);
    // A new session id for the signed-in session: whatever id the browser had before is dead. An
    // application form posted after the last session ended goes with it (web/pages/kept-form.ts).
    const keptApplication = req.session.keptApplication;
    req.session.regenerate((err) => {
      if (err) return res.status(503).end();
      req.session.user = user;
      const idNumber = user.actor.role === 'applicant' ? user.actor.idNumber : undefined;
      if (keptApplication && keptFor(keptApplication, idNumber)) req.session.keptApplication = keptApplication;
      opts.onSessionStarted?.(req);
      logger.info({ reqId: req.id, role: user.actor.role }, 'web sign-in');
      req.session.save((saveErr) => (saveErr ? res.status(503).end() : res.redirect(303, pending.back || homeOf(user.actor))));
    });
  });

  // The idle warning's "stay signed in" (web/public/session-timeout.js): a request renews the
  // session; writing to it makes the store save it whole, so its expiry moves however little
  // time has passed (a touch moves it only by more than a minute: session-store.ts).
  router.post('/auth/keep-alive', (req, res) => {
    const user = req.session.user;
    if (!user || user.expiresAt <= Date.now()) return res.status(401).end();
    req.session.keptAliveAt = Date.now();
    res.status(204).end();
  });

  router.post('/auth/sign-out', async (req, res) => {
    const signedIn = Boolean(req.session.user);
    const locale = req.locale;
    let target = '/';
    if (issuer && signedIn) {
      try {
        // No id_token_hint: the ID token carries the person's name, and URLs must not carry
        // personal data. The provider knows its own session by its cookie; client_id names us.
        target = oidc.buildEndSessionUrl(await client(), {
          post_logout_redirect_uri: `${baseUrl}/`,
          ui_locales: locale,
        }).href;
      } catch (err) {
        logger.warn({ reqId: req.id, err: err instanceof Error ? err.message : String(err) }, 'provider sign-out unavailable');
      }
    }
    req.session.destroy(() => {
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, target);
    });
  });

  const keepFresh = tokenRefresher({ client, verifyToken: opts.verifyToken, logger, onVerified: opts.onSignedIn });
  return { router, configured: Boolean(issuer), keepFresh };
}

export const SESSION_COOKIE = 'hukou.sid';

function signInFailed(req: Request, res: Response): void {
  showMessage(req, res, 400, 'signInFailedTitle', ['signInFailedText'], { href: '/auth/sign-in', key: 'tryAgain' });
}
