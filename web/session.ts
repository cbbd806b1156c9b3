/**
 * What a web session holds, typed once: the signed-in person (their actor comes from the access
 * token's verified claims, never from a form), a sign-in under way (PKCE verifier, state, nonce)
 * and a one-shot message for the next page.
 */
import type { Actor } from '../app/actor';

export interface WebUser {
  actor: Actor;
  /** The display name from the ID token (`name`), else the subject. */
  name: string;
  /** The API access token: its claims made `actor`; the session ends when it expires, unless refreshed. */
  accessToken: string;
  expiresAt: number;
  /**
   * The provider's refresh token, when it gave one: a new access token before this one expires
   * (web/token-refresh.ts), until the sign-in session at the provider ends.
   */
  refreshToken?: string;
}

export interface PendingSignIn {
  codeVerifier: string;
  state: string;
  nonce: string;
  /** Where to go after signing in: a path of these pages, never another site. */
  back: string;
}

/**
 * An application form posted after its session ended (web/pages/kept-form.ts): kept in that
 * browser's session to fill the form in again once its account holder has signed in.
 */
export interface KeptApplication {
  /** The form's fields as posted (only the form's own names). */
  fields: Record<string, string>;
  /** The applicant's ID number as posted: the form is given back only to the account of this number. */
  idNumber: string;
  /** When it was posted (ms): kept for an hour at most. */
  at: number;
}

declare module 'express-session' {
  interface SessionData {
    user?: WebUser;
    pendingSignIn?: PendingSignIn;
    /** When the idle warning's "stay signed in" last renewed the session (web/sign-in.ts). */
    keptAliveAt?: number;
    keptApplication?: KeptApplication;
  }
}

/** A local path of the pages ("/officer/inbox?x=1"), or undefined: never `//host` or a URL. */
export function localPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  if (!/^\/(?![/\\])[^\s]*$/.test(value)) return undefined;
  return value;
}
