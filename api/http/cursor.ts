/**
 * Opaque page cursors: the sort key of the last item, as base64url JSON. A cursor the API never
 * issued (garbage, a forged operator, a date that is not one) is a 400 naming `/cursor`, never a
 * query built from whatever it decodes to.
 */
import { z } from 'zod';
import { HttpProblem } from '../problem';

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
    throw new HttpProblem(400, 'validation-error', 'The request query is invalid', {
      invalidParams: [{ path: '/cursor', message: 'not a cursor this API issued' }],
    });
  }
  return result.data;
}

/** The cursor of a list sorted by an ISO instant, then by id. */
export const InstantAndId = z.tuple([z.iso.datetime(), z.uuid()]);
/** Sorted by an optional ISO instant ('' when the item has none), then by id. */
export const OptionalInstantAndId = z.tuple([z.union([z.literal(''), z.iso.datetime()]), z.uuid()]);
