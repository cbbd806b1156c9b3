/**
 * The embedded OpenID Connect provider (npm `oidc-provider`, certified), the development default
 * for sign-in (issue 10; README "Sign-in"). It is a stand-in for the identity provider a city
 * runs, like tools/simulator stands in for the department systems: the API only ever sees
 * JWT access tokens and the provider's JWKS, so production swaps it for any OIDC provider by
 * configuration (AUTH_JWKS_URL, AUTH_JWKS_ISSUER / AUTH_ISSUER, AUTH_AUDIENCE).
 *
 * createIdentityProvider() builds the Express app (interaction pages, then the provider mounted
 * at /oidc before any body parser) and neither listens nor connects: tests run it in-process.
 */
import express, { type Express } from 'express';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { mongo } from 'mongoose';
import type { Logger } from '../../config/logger';
import type { AccountStore } from './accounts';
import { API_RESOURCE, API_SCOPE, OWN_CLIENT_NAME, WEB_CLIENT_ID } from './clients';
import { createInteractionsRouter, providerPage } from './interactions.router';
import { chooseLocale } from './messages';
import { loadOrCreateSecrets } from './keys';
import { createMongoAdapter, type MongoAdapterFactory } from './mongo-adapter';
import { rememberedConsents } from './remembered-consent';

export interface IdentityProviderDeps {
  /** e.g. http://127.0.0.1:3200/oidc — the app must be served so that /oidc is under it. */
  issuer: string;
  /** `aud` of the access tokens: the API's AUTH_AUDIENCE. */
  audience: string;
  /** The identity database, or how to get it now (a reopened client has a new one). */
  db: mongo.Db | (() => mongo.Db);
  accounts: AccountStore;
  /** Where jwks.json and cookie-keys.json live (made on first start). */
  dataDir: string;
  webRedirectUris: string[];
  webPostLogoutRedirectUris?: string[];
  logger: Logger;
  /** How often expired records are deleted (default 10 minutes); 0 = never (tests sweep by hand). */
  sweepIntervalMs?: number;
  accessTokenTtlSeconds?: number;
}

export interface IdentityProvider {
  app: Express;
  provider: Provider;
  storage: MongoAdapterFactory;
  /** Stops the periodic sweep (the app itself holds nothing else open). */
  close(): void;
}

/** How long a sign-in here lasts, active or not: a working day; the pages' sessions end with it. */
export const SIGN_IN_SESSION_SECONDS = 8 * 3600;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function createIdentityProvider(deps: IdentityProviderDeps): Promise<IdentityProvider> {
  const { accounts, logger } = deps;
  const storage = createMongoAdapter(deps.db);
  await storage.ensureIndexes();
  const secrets = loadOrCreateSecrets(deps.dataDir);
  const consents = rememberedConsents(storage.Adapter);

  const claimsOf = (sub: string) => {
    const a = accounts.bySub(sub);
    if (!a) return undefined;
    return {
      sub: a.sub,
      name: a.name,
      role: a.role,
      // The applicant's verified ID number: the API lets the account apply only as this person.
      ...(a.idNumber ? { id_number: a.idNumber } : {}),
      ...(a.department ? { department: a.department } : {}),
      // Where an officer acts (app/officer-scope.ts): the API refuses an officer token without it.
      ...(a.district ? { district: a.district } : {}),
      ...(a.jurisdiction ? { jurisdiction: a.jurisdiction } : {}),
    };
  };

  const configuration: Configuration = {
    adapter: storage.Adapter,
    jwks: secrets.jwks,
    cookies: { keys: secrets.cookieKeys },
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        client_name: OWN_CLIENT_NAME,
        token_endpoint_auth_method: 'none',
        // A refresh token keeps a signed-in session going past the access token's hour (web/token-refresh.ts).
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: deps.webRedirectUris,
        post_logout_redirect_uris: deps.webPostLogoutRedirectUris ?? [],
      },
    ],
    findAccount: (_ctx, sub) => {
      const claims = claimsOf(sub);
      return claims ? { accountId: sub, claims: () => claims } : undefined;
    },
    // Scope → claims. `role` carries the API's authorisation claims.
    claims: { openid: ['sub'], profile: ['name'], role: ['role', 'id_number', 'department', 'district', 'jurisdiction'] },
    // Claims go into the ID token too, not only to userinfo: the web pages read them from there.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // The web client gets a refresh token without asking for offline_access: it lives only as long
    // as the sign-in session here (expiresWithSession), so signing out here, or this session's
    // end, ends the pages' session at its next refresh too.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Not rotated: the pages' server holds the token (sealed, never in a browser), and two tabs
    // refreshing at once would present a rotated token twice, which revokes the whole grant.
    rotateRefreshToken: false,
    // Consent is asked once per account and client, not at every sign-in (remembered-consent.ts).
    loadExistingGrant: (ctx) => consents.loadExistingGrant(ctx),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // Our own confirmation page (zh-CN / en, the client's ui_locales), not the library's demo page.
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          const uiLocales = ctx.oidc.params?.ui_locales;
          const locale = chooseLocale({ uiLocales, acceptLanguage: ctx.get('accept-language') });
          const { html, headers } = providerPage('logout', locale, { form }, '');
          ctx.set(headers);
          ctx.body = html;
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== API_RESOURCE) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return {
            scope: API_SCOPE,
            audience: deps.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: deps.accessTokenTtlSeconds ?? 3600,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // The API authorises on these: role, an applicant's ID number, and department and scope for
    // officers (app/access-token.ts).
    extraTokenClaims: (_ctx, token) => {
      if (token.kind !== 'AccessToken' || !('accountId' in token) || typeof token.accountId !== 'string') return undefined;
      const claims = claimsOf(token.accountId);
      if (!claims) return undefined;
      const { sub: _sub, ...rest } = claims;
      return rest;
    },
    ttl: {
      Session: SIGN_IN_SESSION_SECONDS,
      Interaction: 3600,
      Grant: 14 * 24 * 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      AccessToken: deps.accessTokenTtlSeconds ?? 3600,
      // Bounded by the session above anyway (a refresh token without offline_access expires with it).
      RefreshToken: SIGN_IN_SESSION_SECONDS,
    },
    // A plain page, never a stack trace.
    renderError: (ctx: KoaContextWithOIDC, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>登录出错 / Sign-in error</title></head><body><main><h1>登录出错 / Sign-in error</h1><p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p></main></body></html>`;
    },
  };

  const provider = new Provider(deps.issuer, configuration);
  provider.on('server_error', (_ctx, err) => logger.error({ err: err.message }, 'identity provider error'));

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // The interaction pages parse their own form bodies; nothing parses bodies before the provider.
  app.use(createInteractionsRouter({ provider, accounts, consents, logger }));
  app.use('/oidc', provider.callback());

  let timer: NodeJS.Timeout | undefined;
  const interval = deps.sweepIntervalMs ?? 10 * 60_000;
  if (interval > 0) {
    timer = setInterval(() => {
      storage.sweepExpired().then(
        (deleted) => deleted && logger.debug({ deleted }, 'expired identity records deleted'),
        (err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'identity sweep failed'),
      );
    }, interval);
    timer.unref();
  }
  return { app, provider, storage, close: () => clearInterval(timer) };
}
