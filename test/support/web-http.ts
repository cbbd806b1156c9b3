/**
 * The web pages without a browser: a signed-in session driven with plain fetch, as a browser
 * without JavaScript would drive it — the start of sign-in at the pages, the provider's login
 * and consent forms, the callback — then form posts with the session cookie and the page's CSRF
 * token. For tests that send many form posts (test/integration/web-form-fuzz.test.ts), where a
 * browser per request would be far too slow.
 */
import { CookieJar, fetchWithJar } from '../../tools/identity/sign-in';
import type { WebStack } from './web-stack';

export interface WebSession {
  username: string;
  /** The `hukou.sid=…` cookie header of the signed-in session. */
  cookie: string;
  /** The session's CSRF token, as the pages put it in every form. */
  csrf: string;
}

/** The first form's action on a provider page (login or consent). */
function formAction(page: string): string {
  const m = /<form method=["']post["'] action=["']([^"']+)["']/.exec(page);
  if (!m) throw new Error(`no form on the page: ${page.replace(/\s+/g, ' ').slice(0, 400)}`);
  return m[1]!.replace(/&amp;/g, '&');
}

/** The CSRF token of a page's forms. */
export function csrfOf(page: string): string | undefined {
  return /name=["']_csrf["'] value=["']([^"']+)["']/.exec(page)?.[1];
}

/**
 * Signs `username` in at the pages through the embedded provider, up to the callback's redirect
 * (no page of ours opened yet): the session cookie and the home page it sends them to. The pages
 * and the provider are different origins (ports), each with its own jar, as in a browser.
 */
export async function signInCookie(web: WebStack, username: string, password: string): Promise<{ cookie: string; home: string }> {
  const appJar = new CookieJar();
  const idpJar = new CookieJar();
  const appOrigin = new URL(web.baseUrl).origin;
  const jarFor = (url: string) => (new URL(url).origin === appOrigin ? appJar : idpJar);
  const get = (url: string) => fetchWithJar(jarFor(url), url);
  const post = (url: string, form: Record<string, string>) =>
    fetchWithJar(jarFor(url), url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  let res = await get(`${web.baseUrl}/auth/sign-in`);
  let home: string | undefined;
  for (let hops = 0; hops < 20 && !home; hops++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, res.url || web.baseUrl).href;
      // Signed in: the callback sends the person to their home page.
      if (new URL(next).origin === appOrigin && !next.includes('/auth/')) {
        home = next;
        break;
      }
      res = await get(next);
      continue;
    }
    const page = await res.text();
    if (res.status !== 200) throw new Error(`sign-in as ${username} stopped at ${res.status}: ${page.slice(0, 300)}`);
    const action = new URL(formAction(page), res.url).href;
    res = action.includes('/login') ? await post(action, { username, password }) : await post(action, {});
  }
  if (!home) throw new Error(`sign-in as ${username} never came back to the pages`);
  return { cookie: appJar.header(), home };
}

/** Signs `username` in (signInCookie) and returns the session with its CSRF token. */
export async function signInOverHttp(web: WebStack, username: string, password: string): Promise<WebSession> {
  const { cookie, home } = await signInCookie(web, username, password);
  // The token is made at sign-in, so every page carries it; it counts once a post with it passes
  // the CSRF check — to a path that is no page, so the post does nothing but answer 404. (Kept as
  // a check: a session's save lands after its page is sent.)
  for (let tries = 0; tries < 20; tries++) {
    const page = await fetch(home, { headers: { cookie }, redirect: 'manual' });
    const csrf = csrfOf(await page.text());
    if (!csrf) throw new Error(`no CSRF token on ${home} for ${username} (status ${page.status})`);
    await new Promise((r) => setTimeout(r, 50 * tries));
    const probe = await fetch(`${web.baseUrl}/auth/csrf-probe`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
      redirect: 'manual',
    });
    await probe.text();
    if (probe.status === 404) return { username, cookie, csrf };
  }
  throw new Error(`the CSRF token of ${username}'s session never settled`);
}
