/**
 * A confirmation page with an address of its own: the post that asks for it seals what it
 * confirms into the address (web/sealed-token.ts) and redirects there, so a reload shows it again
 * and Back after confirming finds a page, not the browser's "resubmit the form?". The Confirm on it
 * posts the values in hidden fields, as before; the address only draws the page.
 */
import type { Request, Response } from 'express';
import { openToken, sealToken } from '../sealed-token';
import { flashAndRedirect, pageKit, tr } from './page';

/** The signed-in person (the pages' guard let them in); no one else's draft opens for them. */
const subOf = (req: Request): string => {
  const sub = req.actor?.sub;
  if (!sub) throw new Error('a confirmation draft reached without a signed-in person');
  return sub;
};

/** How long a confirmation's address shows it: a working session. */
export const DRAFT_TTL_MS = 4 * 3600_000;
/** The query parameter that carries the draft. */
const DRAFT_PARAM = 'draft';
/** Beyond this a draft is not put in an address: the page the post draws confirms it, as before. */
const DRAFT_URL_MAX = 6000;

/**
 * `path` with `draft` sealed in it for the signed-in person and `purpose` (one case's, one child's:
 * no other confirmation's address opens it), or undefined when it would be too long for an address.
 */
export function draftAddress(req: Request, res: Response, path: string, purpose: string, draft: unknown): string | undefined {
  const sealed = sealToken(pageKit(res).flashSecret, purpose, subOf(req), draft, DRAFT_TTL_MS);
  return sealed.length <= DRAFT_URL_MAX ? `${path}?${DRAFT_PARAM}=${sealed}` : undefined;
}

/** The draft this address carries for the signed-in person and `purpose`, or undefined (none, expired, altered, another's). */
export function openedDraft(req: Request, res: Response, purpose: string): unknown {
  return openToken(pageKit(res).flashSecret, purpose, subOf(req), req.query[DRAFT_PARAM]);
}

/**
 * The confirmation's address no longer opens (expired, altered, another's): said, since what was
 * typed in it is not done and is gone, on the page the confirmation came from.
 */
export const draftGone = (req: Request, res: Response, backHref: string): Promise<void> =>
  flashAndRedirect(req, res, tr(req, 'draftGone'), backHref, undefined, undefined, 'info');
