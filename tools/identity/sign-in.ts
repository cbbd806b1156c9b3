/**
 * A headless sign-in at an OpenID Connect provider with our login and consent pages: the
 * authorization code + PKCE flow driven with plain fetch and a tiny cookie jar, the way a browser
 * would post the forms. The integration test proves the flow with it, and scripts can use it to
 * get a provider token for a demo account (README "Sign-in").
 */
import { createHash, randomBytes } from 'node:crypto';

export interface SignInOptions {
  issuer: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  username: string;
  password: string;
}

export interface SignInResult {
  accessToken: string;
  idToken: string;
  tokenType: string;
  expiresIn: number;
  /** Whether the provider asked for consent (the first sign-in of an account to a client). */
  consentAsked: boolean;
}

/** A page the flow stopped at (e.g. the login page again after a wrong password). */
export class SignInRefused extends Error {
  override name = 'SignInRefused';
  constructor(
    readonly status: number,
    readonly page: string,
  ) {
    super(`sign-in stopped at a page with status ${status}`);
  }
}

/** Cookies by name (enough for one provider origin; a later cookie replaces an earlier one). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now());
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** fetch with the jar's cookies, no automatic redirects. */
export async function fetchWithJar(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() },
  });
  jar.store(res);
  return res;
}

function formAction(page: string): string {
  const m = /<form method=["']post["'] action=["']([^"']+)["']/.exec(page);
  if (!m) throw new Error(`no form on the page: ${page.replace(/\s+/g, ' ').slice(0, 400)}`);
  return m[1]!.replace(/&amp;/g, '&');
}

/**
 * Follows redirects until the client's redirect URI (returned) or a page (200/4xx, thrown as
 * SignInRefused unless it is the page `expect` names).
 */
async function follow(jar: CookieJar, res: Response, redirectUri: string): Promise<{ page?: string; url?: URL }> {
  for (let hops = 0; hops < 10; hops++) {
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { page: await res.text() };
    const next = new URL(location, res.url);
    if (next.href.startsWith(redirectUri)) return { url: next };
    res = await fetchWithJar(jar, next.href);
  }
  throw new Error('too many redirects');
}

/** Signs in and consents; returns the tokens. A wrong password throws SignInRefused (401, the login page). */
export async function signIn(opts: SignInOptions): Promise<SignInResult> {
  const jar = new CookieJar();
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(12).toString('base64url');
  const auth = new URL(`${opts.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: opts.clientId,
    response_type: 'code',
    redirect_uri: opts.redirectUri,
    scope: opts.scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce: randomBytes(12).toString('base64url'),
  }).toString();

  let step = await follow(jar, await fetchWithJar(jar, auth.href), opts.redirectUri);
  const post = async (action: string, form: Record<string, string>) => {
    const res = await fetchWithJar(jar, new URL(action, opts.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    if (res.status >= 400) throw new SignInRefused(res.status, await res.text());
    return follow(jar, res, opts.redirectUri);
  };
  let consentAsked = false;
  for (let pages = 0; step.page !== undefined; pages++) {
    if (pages > 3) throw new Error('the provider kept showing pages');
    const action = formAction(step.page);
    if (!action.includes('/login')) consentAsked = true;
    step = action.includes('/login')
      ? await post(action, { username: opts.username, password: opts.password })
      : await post(action, {});
  }
  const callback = step.url!;
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const error = callback.searchParams.get('error');
  if (error) throw new Error(`the provider refused: ${error}`);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error('no code in the redirect');

  const tokenRes = await fetch(`${opts.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: opts.redirectUri,
      client_id: opts.clientId,
      code_verifier: verifier,
    }).toString(),
  });
  const body = (await tokenRes.json()) as Record<string, unknown>;
  if (!tokenRes.ok) throw new Error(`token endpoint: ${tokenRes.status} ${JSON.stringify(body)}`);
  return {
    accessToken: String(body.access_token),
    idToken: String(body.id_token),
    tokenType: String(body.token_type),
    expiresIn: Number(body.expires_in),
    consentAsked,
  };
}
