/**
 * U+0000 in text: no person types it, and the store cannot keep it — FerretDB on PostgreSQL
 * refuses a document with a NUL in any string (jsonb: "unsupported Unicode escape sequence"), so
 * a note carrying one would leave a case's audit write failing for ever (found by the web form
 * fuzzing, issue 15). Both doors refuse a body that holds one, naming where.
 */

/** JSON pointers of the strings (and keys) in `value` that hold U+0000, the first few. */
export function nulPaths(value: unknown, at = '', found: string[] = []): string[] {
  if (found.length >= 10) return found;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(at || '/');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, `${at}/${i}`, found));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (k.includes('\u0000')) found.push(path);
      else nulPaths(v, path, found);
    }
  }
  return found;
}
