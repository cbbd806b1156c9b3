/**
 * What a form posted after its session ended can still give back: the free text the person typed
 * (an officer's reason, a note), shown on the refusal page to copy before signing in again, and
 * the page the form was on, to come back to after signing in. Only for a post from one of our own pages (the
 * browser's `Sec-Fetch-Site` or `Origin` says so): a form on another site cannot make our origin
 * show its text.
 */
import type { Request } from 'express';
import { localPath } from '../session';

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
