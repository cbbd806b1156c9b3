/**
 * What a form posted after its session ended can still give back: the free text the person typed
 * (an officer's reason, a note), shown on the refusal page to copy before signing in again, and
 * the page the form was on, to come back to after signing in. Only for a post from one of our own pages (the
 * browser's `Sec-Fetch-Site` or `Origin` says so): a form on another site cannot make our origin
 * show its text. The application form, long and typed on a phone, is kept whole instead: in the
 * browser's session, for its account holder to find filled in again after signing in.
 */
import type { Request } from 'express';
import { localPath, type KeptApplication } from '../session';

/** The forms' free-text fields (textareas): what costs a person to type again. */
const FREE_TEXT_FIELDS = ['reasonText', 'missing', 'internalNote', 'note', 'reason'] as const;

/** Whether the post came from a page of `ownOrigin` (e.g. http://127.0.0.1:3000). */
export function fromOwnPage(req: Request, ownOrigin: string): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  return req.get('origin') === ownOrigin;
}

/** The non-empty free texts of the posted form, in the fields' order. */
export function keptTexts(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const fields = body as Record<string, unknown>;
  return FREE_TEXT_FIELDS.map((f) => fields[f])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * The page the form was on, to sign in back to: every form carries it (`_from`, the csrf partial),
 * when that page was reached by a link (a page answering a post has no address to come back to).
 */
export function postedFrom(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  return localPath((body as Record<string, unknown>)._from);
}

/** Where the application form posts: the one form kept whole. */
export const APPLICATION_FORM_PATH = '/applicant/apply';
/** The application form's field names (web/pages/applicant/apply.ts); anything else posted is dropped. */
const APPLICATION_FIELD =
  /^(?:route|area|requestId|applicant-(?:name|idNumber)|contact-(?:phone|email|locale)|family-\d-(?:name|idNumber|relation|schoolLevel))$/;
/** A field longer than this is not kept (the form's own limits are far below it). */
const KEPT_FIELD_MAX = 500;
/** How long a kept application waits for its account holder to sign in again. */
export const KEPT_APPLICATION_MS = 3600_000;

/** The application form as posted to `req` (the form's own fields only), or undefined for any other post. */
export function keptApplication(req: Request, now = Date.now()): KeptApplication | undefined {
  if (req.path !== APPLICATION_FORM_PATH || typeof req.body !== 'object' || req.body === null) return undefined;
  const fields = Object.fromEntries(
    Object.entries(req.body as Record<string, unknown>).filter(
      (e): e is [string, string] => APPLICATION_FIELD.test(e[0]) && typeof e[1] === 'string' && e[1].length <= KEPT_FIELD_MAX,
    ),
  );
  const idNumber = fields['applicant-idNumber']?.trim() ?? '';
  return idNumber ? { fields, idNumber, at: now } : undefined;
}

/**
 * The application kept in this session for the account of `idNumber`, taken out of the session:
 * given once, and only to that account within the hour (another person signing in on the same
 * phone finds an empty form, and the kept one is dropped).
 */
export function takeKeptApplication(req: Request, idNumber: string, now = Date.now()): KeptApplication | undefined {
  const kept = req.session?.keptApplication;
  if (!kept) return undefined;
  delete req.session.keptApplication;
  return keptFor(kept, idNumber, now) ? kept : undefined;
}

/**
 * Whether `kept` is for the account of `idNumber` (none: an account without a verified one) and
 * still within its hour: signing in carries it into the new session only then (web/sign-in.ts),
 * so another person's form never sits in the session of someone who signs in on the same phone.
 */
export function keptFor(kept: KeptApplication, idNumber: string | undefined, now = Date.now()): boolean {
  return idNumber !== undefined && kept.idNumber.toUpperCase() === idNumber.toUpperCase() && now - kept.at < KEPT_APPLICATION_MS;
}

/** Keeps `kept` in the session (not signed in) for its hour, which may be longer than an idle session's. */
export function keepApplication(req: Request, kept: KeptApplication): void {
  req.session.keptApplication = kept;
  req.session.cookie.maxAge = KEPT_APPLICATION_MS;
}
