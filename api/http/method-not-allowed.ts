/**
 * 405 for a path the API has, asked with a method it does not take (RFC 9110 §15.5.6): the
 * `Allow` header lists the methods it does take. Without this a `DELETE /api/v1/applicant/cases`
 * answered 404 "No route", as if the path did not exist. The paths and methods are read from the
 * OpenAPI document, which the route definitions generate, so the two cannot disagree.
 */
import type { RequestHandler } from 'express';
import { HttpProblem } from '../problem';

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function methodNotAllowed(paths: Record<string, object>): RequestHandler {
  const routes = Object.entries(paths).map(([template, operations]) => ({
    // `/api/v1/cases/{caseId}` → one path segment per parameter.
    pattern: new RegExp(
      `^${template
        .split(/\{[^}]+\}/)
        .map(escapeRegExp)
        .join('[^/]+')}/?$`,
    ),
    methods: Object.keys(operations).map((m) => m.toUpperCase()),
  }));
  return (req, _res, next) => {
    const path = req.originalUrl.split('?')[0]!;
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))];
    if (allowed.length === 0 || allowed.includes(req.method)) return next();
    if (allowed.includes('GET')) allowed.push('HEAD');
    allowed.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    throw new HttpProblem(
      405,
      'method-not-allowed',
      `${req.method} is not allowed on ${path}; it takes ${allowed.join(', ')}`,
      {},
      { Allow: allowed.join(', ') },
    );
  };
}
