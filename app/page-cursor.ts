/**
 * Opaque page cursors of the lists (own cases, inbox, stuck cases): the sort key of the last
 * item, as base64url JSON. A cursor this layer never issued (garbage, a forged operator, a date
 * that is not one) is refused as invalid input naming `/cursor`, never a query built from
 * whatever it decodes to.
 */
import { z } from 'zod';
import { AppError } from './errors';

/** One page of a list, and the cursor of the next when there is one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor<T extends z.ZodTuple>(cursor: string, shape: T): z.infer<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = shape.safeParse(parsed);
  if (!result.success) {
    throw new AppError('invalid', 'validation-error', 'The request query is invalid', [
      { path: '/cursor', message: 'not a cursor this API issued' },
    ]);
  }
  return result.data;
}

/**
 * The page of `limit` items out of `limit + 1` read (the extra one only says there is more),
 * with the cursor of its last item.
 */
export function pageOf<D, T>(docs: D[], limit: number, item: (d: D) => T, cursorOf: (d: D) => readonly string[]): Page<T> {
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = docs.length > limit && last ? encodeCursor(cursorOf(last)) : undefined;
  return { items: page.map(item), ...(nextCursor ? { nextCursor } : {}) };
}

/** The cursor of a list sorted by an ISO instant, then by id. */
export const InstantAndId = z.tuple([z.iso.datetime(), z.uuid()]);
