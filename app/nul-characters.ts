/**
 * U+0000 in text: no person types it, and the store cannot keep it — FerretDB on PostgreSQL
 * refuses a document with a NUL in any string (jsonb: "unsupported Unicode escape sequence"), so
 * a note carrying one would leave a case's audit write failing for ever (found by the web form
 * fuzzing, issue 15). Both doors refuse a body that holds one, naming where.
 *
 * Bodies are walked without recursion: a body of a few thousand nested arrays (sent before any
 * sign-in) must get its 400, not overflow the stack into a 500 (found by the security trial).
 */

/** No body of ours nests deeper than this; a deeper one is refused before it is walked. */
export const MAX_BODY_DEPTH = 32;

/** How deeply `value` nests (a string or number is 0), counted up to `limit` + 1 at most. */
export function nestingDepth(value: unknown, limit = MAX_BODY_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const pointerStep = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** JSON pointers of the strings (and keys) in `value` that hold U+0000, the first few, in document order. */
export function nulPaths(value: unknown, at = ''): string[] {
  const found: string[] = [];
  const stack: Array<[unknown, string]> = [[value, at]];
  while (stack.length > 0 && found.length < 10) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) found.push(path || '/');
    } else if (v && typeof v === 'object') {
      const children: Array<[unknown, string]> = [];
      for (const [k, child] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
        const childPath = `${path}/${pointerStep(String(k))}`;
        if (String(k).includes('\u0000')) children.push([`\u0000`, childPath]);
        else children.push([child, childPath]);
      }
      // Last child first onto the stack, so the first is looked at first.
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return found;
}
