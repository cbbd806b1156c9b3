/**
 * The names a client of the embedded provider needs (web pages, scripts, tests), apart from
 * provider.ts so that using them does not load oidc-provider.
 */
import { SERVICE_NAME } from '../../i18n/service-name';

/** The web pages' client: authorization code + PKCE (public, no secret). */
export const WEB_CLIENT_ID = 'hukou-web';
/**
 * The resource indicator (RFC 8707) of the settlement API. Every authorization request gets it by
 * default, so every access token is a JWT whose `aud` is the API's AUTH_AUDIENCE.
 */
export const API_RESOURCE = 'urn:hukou-settlement:api';
/** The scope a client asks for to get an access token usable at the API. */
export const API_SCOPE = 'api';
/** What the web client asks for: identity (sub, name), role and department, and the API. */
export const WEB_SCOPES = `openid profile role ${API_SCOPE}`;

/** The web pages' client, named in both languages: the provider's pages say the part in their own. */
export const OWN_CLIENT_NAME = `${SERVICE_NAME['zh-CN']} / ${SERVICE_NAME.en}`;
