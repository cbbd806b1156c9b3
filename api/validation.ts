/** Request validation with zod: a failure is a 400 problem naming the path of each bad field. */
import type { z } from 'zod';
import { nulPaths } from '../app/nul-characters';
import { HttpProblem, type InvalidParam } from './problem';

/** A JSON pointer (RFC 6901): `~` and `/` inside a key are escaped, so a key cannot fake a path. */
const pointer = (path: readonly PropertyKey[]): string =>
  `/${path.map((k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

const INVALID = {
  body: 'The request body is invalid',
  query: 'The request query is invalid',
  params: 'The request path is invalid',
} as const;

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) {
    // A path segment or query value may carry U+0000 (`%00`) that no schema refuses, and the store
    // cannot hold or even look it up (app/nul-characters.ts); bodies are refused before any route.
    const nul = nulPaths(result.data);
    if (nul.length === 0) return result.data;
    throw new HttpProblem(400, 'validation-error', INVALID[where], {
      invalidParams: nul.map((path) => ({ path, message: 'contains U+0000 (NUL)' })),
    });
  }
  const invalidParams: InvalidParam[] = result.error.issues.flatMap((issue) =>
    // An unknown field is named by its own path (`/status`), not by the object that holds it,
    // so a client sees exactly which field to drop.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pointer([...issue.path, key]), message: 'unknown field' }))
      : [
          {
            path: pointer(issue.path),
            message: (where === 'query' && repeatedParameter(schema, value, issue.path)) || issue.message,
          },
        ],
  );
  // One message per field: a value the schema refuses may also fail a rule checked after it
  // (a negative extendByWorkingDays: "too small" and "must be a positive whole number").
  // The body as a whole ('/') keeps every rule it broke: those are different rules, not one field.
  const seen = new Set<string>();
  const once = invalidParams.filter((p) => p.path === '/' || (!seen.has(p.path) && seen.add(p.path)));
  throw new HttpProblem(400, 'validation-error', INVALID[where], { invalidParams: once });
}

/**
 * `?limit=1&limit=2` arrives as a list: for a parameter that takes one value, say that it was
 * given twice rather than what the list is not ("expected number, received NaN").
 */
function repeatedParameter(schema: z.ZodType, value: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path.length !== 1 || !value || typeof value !== 'object') return undefined;
  const given = (value as Record<string, unknown>)[String(path[0])];
  const field = (schema as { shape?: Record<string, z.ZodType> }).shape?.[String(path[0])];
  if (!Array.isArray(given) || given.length < 2 || !field || !field.safeParse(given[0]).success) return undefined;
  return 'given more than once: give it once';
}
