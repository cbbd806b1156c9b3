/**
 * Keeps a signed-in session going while its person works: shortly before the session's access
 * token expires (an hour at the embedded provider), the provider's refresh token buys a new one,
 * verified exactly as at sign-in. Without it an officer at a desk all day was signed out every
 * hour, busy or not, and a decision posted at that moment was refused (only its free text kept).
 *
 * The session still ends after SESSION_IDLE_MINUTES idle (the cookie), and when the provider
 * refuses the refresh: its sign-in session ended, the person signed out there, or the account
 * went. A provider that gives no refresh token leaves the session as before, ending with its token.
 */
import type { RequestHandler } from 'express';
import * as oidc from 'openid-client';
import type { TokenVerifier } from '../app/access-token';
import type { Logger } from '../config/logger';
import { API_RESOURCE } from '../tools/identity/clients';
import type { WebUser } from './session';

/** How long before its expiry an access token is replaced: more than any one request takes. */
export const REFRESH_AHEAD_MS = 2 * 60_000;

export interface TokenRefreshOptions {
  /** The provider's configuration (discovered once by the sign-in). */
  client: () => Promise<oidc.Configuration>;
  verifyToken: TokenVerifier;
  logger: Logger;
  /** Told of each person whose token was verified again (the officer directory's "last seen"). */
  onVerified?: (user: WebUser) => Promise<void>;
}

type Outcome = { fresh: WebUser } | { refused: true } | { failed: true };

export function tokenRefresher(opts: TokenRefreshOptions): RequestHandler {
  const { logger } = opts;
  // One refresh per session at a time in this process: the tabs of one person share it.
  const inFlight = new Map<string, Promise<Outcome>>();

  const refresh = async (user: WebUser, refreshToken: string): Promise<Outcome> => {
    try {
      const tokens = await oidc.refreshTokenGrant(await opts.client(), refreshToken, { resource: API_RESOURCE });
      const verified = await opts.verifyToken(tokens.access_token);
      // The same person, or none: a provider answering for someone else is not trusted.
      if (verified.actor.sub !== user.actor.sub) {
        logger.warn({ role: user.actor.role }, 'web token refresh refused: another subject');
        return { refused: true };
      }
      const fresh: WebUser = {
        ...user,
        // The provider's claims now: a narrowed scope or a changed role takes effect at once.
        actor: verified.actor,
        accessToken: tokens.access_token,
        expiresAt: verified.expiresAt,
        refreshToken: tokens.refresh_token ?? refreshToken,
      };
      // The directory's "last seen" is a nicety: its failing does not cost the session its token.
      await opts
        .onVerified?.(fresh)
        .catch((err: unknown) =>
          logger.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'officer directory not updated at token refresh',
          ),
        );
      return { fresh };
    } catch (err) {
      if (err instanceof oidc.ResponseBodyError && err.error === 'invalid_grant') {
        logger.info({ role: user.actor.role }, 'web session not refreshed: the sign-in at the provider has ended');
        return { refused: true };
      }
      // The provider unreachable, a token the verifier refuses: try again at the next page.
      logger.warn({ role: user.actor.role, err: err instanceof Error ? err.message : String(err) }, 'web token refresh failed');
      return { failed: true };
    }
  };

  return (req, _res, next) => {
    const user = req.session?.user;
    const refreshToken = user?.refreshToken;
    if (!user || !refreshToken || user.expiresAt - Date.now() > REFRESH_AHEAD_MS) return next();
    let pending = inFlight.get(req.sessionID);
    if (!pending) {
      pending = refresh(user, refreshToken).finally(() => inFlight.delete(req.sessionID));
      inFlight.set(req.sessionID, pending);
    }
    pending.then(
      (outcome) => {
        if ('fresh' in outcome) req.session.user = outcome.fresh;
        // Refused: never asked again; the session ends when its token does (the pages' guard).
        else if ('refused' in outcome) {
          const { refreshToken: _refused, ...rest } = user;
          req.session.user = rest;
        }
        next();
      },
      () => next(),
    );
  };
}
