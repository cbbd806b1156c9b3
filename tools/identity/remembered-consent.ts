/**
 * What an account allowed a client, remembered past the sign-in session that asked. oidc-provider
 * keeps a grant for one provider session only (signing out revokes it with its tokens, as it
 * should), so without this every sign-in asked again: an officer signing in at the start of each
 * shift, or after a timeout, met the same question every time. Now the consent page is shown the
 * first time an account signs in to a client; afterwards a new grant of what it allowed is made
 * at each sign-in. A request for more than was allowed still asks: the provider's consent prompt
 * names only what the grant lacks. The memory lasts CONSENT_REMEMBERED_SECONDS, then it asks again.
 *
 * Stored through the provider's own adapter (`oidc_records`, model `RememberedConsent`), so that
 * expiry and the sweep are the same as for every other record.
 */
import type { Adapter, Grant, KoaContextWithOIDC } from 'oidc-provider';

export const CONSENT_MODEL = 'RememberedConsent';
/** A year: the account is asked again once a year, and whenever it is asked for more. */
export const CONSENT_REMEMBERED_SECONDS = 365 * 24 * 3600;

interface Remembered {
  oidcScope: string;
  oidcClaims: string[];
  /** [resource indicator, scope]: indicators are URLs, not safe as stored field names. */
  resources: [string, string][];
}

export interface RememberedConsents {
  /** Remembers what `grant` allows its client on its account's behalf (after the consent page). */
  remember(grant: Grant): Promise<void>;
  /**
   * oidc-provider's `loadExistingGrant`: this session's grant if it has one, else a new grant
   * (saved) of what the account allowed this client before, else none (the consent page asks).
   */
  loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined>;
}

export function rememberedConsents(AdapterClass: new (model: string) => Adapter): RememberedConsents {
  const store = new AdapterClass(CONSENT_MODEL);
  const key = (clientId: string, accountId: string) => `${clientId}:${accountId}`;

  return {
    async remember(grant) {
      if (!grant.clientId || !grant.accountId) return;
      const remembered: Remembered = {
        oidcScope: grant.getOIDCScope(),
        oidcClaims: grant.getOIDCClaims(),
        resources: Object.keys(grant.resources ?? {}).map((indicator) => [indicator, grant.getResourceScope(indicator)]),
      };
      await store.upsert(key(grant.clientId, grant.accountId), { ...remembered }, CONSENT_REMEMBERED_SECONDS);
    },

    async loadExistingGrant(ctx) {
      const { client, session, provider } = ctx.oidc;
      if (!client || !session) return undefined;
      // The provider's own default first: a consent just given, or this session's grant.
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return provider.Grant.find(grantId);
      const accountId = session.accountId;
      if (!accountId) return undefined;
      const found = (await store.find(key(client.clientId, accountId))) as Partial<Remembered> | undefined;
      if (!found?.oidcScope) return undefined;
      const grant = new provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope(found.oidcScope);
      if (found.oidcClaims?.length) grant.addOIDCClaims(found.oidcClaims);
      for (const [indicator, scope] of found.resources ?? []) grant.addResourceScope(indicator, scope);
      await grant.save();
      return grant;
    },
  };
}
