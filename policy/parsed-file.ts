/**
 * A policy file read, parsed and validated once per version of the file on disk. The loaders
 * read the policy data afresh on every call, so that an edited or newly added file applies to
 * the very next case without restarting anything; but parsing and validating the same bytes on
 * every reservation, round join and deadline was a measurable share of the worker's CPU (the
 * benchmark's daily rounds file alone). A `stat` per call tells whether the file changed: its
 * size, inode and modification time in nanoseconds (a file rewritten in place, or replaced by a
 * rename, differs in one of them).
 *
 * What is returned is shared by every caller until the file changes, so it is frozen: a caller
 * that tried to change it would throw instead of quietly changing the policy for the others.
 */
import { readFileSync, statSync } from 'node:fs';

interface Entry {
  stamp: string;
  value: unknown;
}

const cache = new Map<string, Entry>();

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** The file at `path` as `parse` makes it of its text; parsed again only when the file changed. */
export function parsedFile<T>(path: string, parse: (text: string) => T): T {
  const s = statSync(path, { bigint: true });
  const stamp = `${s.size}:${s.ino}:${s.mtimeNs}:${s.ctimeNs}`;
  const hit = cache.get(path);
  if (hit?.stamp === stamp) return hit.value as T;
  const value = deepFreeze(parse(readFileSync(path, 'utf8')));
  cache.set(path, { stamp, value });
  return value;
}

/** A policy file's text as JSON; a syntax error names the file, as a validation error does. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}
