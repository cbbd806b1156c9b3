/**
 * The URL a request line logs. The sign-in callback's query is a one-time code and state
 * (credentials): its path only. A stated purpose (`?purpose=`, the pages' access-record purpose,
 * e.g. "信访核查 张三") may name a person: it belongs in the access record, not in every log
 * line, so its value is withheld.
 */
export function loggedUrl(req: { path: string; originalUrl: string }): string {
  if (req.path.startsWith('/auth/')) return req.path;
  const at = req.originalUrl.indexOf('?');
  if (at < 0) return req.originalUrl;
  const query = new URLSearchParams(req.originalUrl.slice(at + 1));
  if (!query.has('purpose')) return req.originalUrl;
  query.set('purpose', 'withheld'); // every occurrence
  return `${req.originalUrl.slice(0, at)}?${query.toString()}`;
}
