/**
 * The URL a request line logs. The sign-in callback's query is a one-time code and state
 * (credentials): its path only. A stated purpose (`?purpose=`, the pages' access-record purpose,
 * e.g. "信访核查 张三") may name a person: it belongs in the access record, not in every log
 * line, so its value is withheld.
 */
export function loggedUrl(req: { path: string; originalUrl: string }): string {
  if (req.path.startsWith('/auth/')) return req.path;
  return withheld(req.originalUrl);
}

/**
 * The URL with every purpose withheld, also inside a `back` link (the language switch's, which
 * carries the page's own URL, query and all).
 */
function withheld(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  let changed = false;
  if (query.has('purpose')) {
    query.set('purpose', 'withheld'); // every occurrence
    changed = true;
  }
  const backs = query.getAll('back');
  if (backs.some((b) => withheld(b) !== b)) {
    query.delete('back');
    for (const b of backs) query.append('back', withheld(b));
    changed = true;
  }
  return changed ? `${url.slice(0, at)}?${query.toString()}` : url;
}
