/**
 * One declaration per route gives both its Express handler (with validation of params, query
 * and body) and its OpenAPI operation, so the document is generated from the very schemas that
 * validate requests and can never drift from them.
 */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { callerOf, requireRole, type Caller } from '../auth/identity';
import { HttpProblem } from '../problem';
import { checkIdempotencyKey } from './idempotency-fingerprint';
import { parseOrThrow } from '../validation';

type Method = 'get' | 'post' | 'put' | 'delete';
type Role = Caller['role'];

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is with this content type (CSV exports). */
  raw?: { contentType: string; text: string };
}

export interface RouteDef<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends Role = Role> {
  method: Method;
  /** Express-style path relative to /api/v1, e.g. `/cases/:caseId`. */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it; omitted = public. The handler's caller is typed by these roles. */
  roles?: readonly R[];
  params?: P;
  query?: Q;
  body?: B;
  headers?: z.ZodObject;
  /**
   * The command keeps its own Idempotency-Key store, with the answer, and frees the key on any
   * refusal or failure (submissions): the fingerprint is checked here too, so that the key is
   * refused on another call, and freed with the command's.
   */
  ownIdempotencyStore?: true;
  /** `headers`: the response headers a client may rely on, by name, with what each holds. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string; headers?: Record<string, string> }>;
  handler: (ctx: {
    caller: Extract<Caller, { role: R }>;
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
    req: Request;
    res: Response;
  }) => Promise<RouteResult>;
}

/** The problem+json body every error has; exported for routes that document a problem of their own. */
export const Problem = z
  .object({
    type: z.string().meta({
      description: 'The problem type: `<WEB_BASE_URL>/problems/<code>`, whose page (GET it) documents the code',
    }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    invalidParams: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    claim: z.string().optional().meta({
      description: '`missing-claim`: the token claim the account lacks (an officer’s `district`, README "Officer scope")',
    }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input (each invalid field named in invalidParams)',
  401: 'Missing or invalid Bearer token',
  403: 'Not allowed for this role or department, or an officer token naming no scope (`missing-claim`)',
  404: 'Not found (or not yours: another person’s case, or for an officer another district’s)',
  413: 'Body over the size limit',
  415: 'Body is not application/json',
  429: 'Rate limit exceeded: the `RateLimit` and `RateLimit-Policy` headers (IETF draft 8) name the policy reached (`per-address`, `per-person`) and when it resets; `Retry-After` says when to retry',
  503: 'Temporal or MongoDB is unavailable; retry later',
};

const EMPTY = z.object({});

export function addRoute<
  P extends z.ZodType = typeof EMPTY,
  Q extends z.ZodType = typeof EMPTY,
  B extends z.ZodType = typeof EMPTY,
  R extends Role = Role,
>(router: Router, registry: OpenAPIRegistry, def: RouteDef<P, Q, B, R>): void {
  const openapiPath = `/api/v1${def.path.replace(/:(\w+)/g, '{$1}')}`;
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(def.responses)) {
    // A route's own error (409, 422…) is a problem+json like every other.
    const schema = r.schema ?? (Number(status) >= 400 ? Problem : undefined);
    const contentType = r.contentType ?? (r.schema ? 'application/json' : 'application/problem+json');
    const headers = r.headers && {
      headers: Object.fromEntries(
        Object.entries(r.headers).map(([name, description]) => [name, { description, schema: { type: 'string' as const } }]),
      ),
    };
    responses[status] = schema
      ? { description: r.description, content: { [contentType]: { schema } }, ...headers }
      : { description: r.description, ...headers };
  }
  // api/http/idempotency-fingerprint.ts: a key reused for another request.
  const takesKey = def.headers !== undefined && 'idempotency-key' in def.headers.shape;
  if (takesKey) {
    const reused = '`idempotency-key-reused`: you sent this Idempotency-Key before with another body or to another call';
    const own = responses['422'] as { description: string } | undefined;
    if (own) own.description = `${own.description}; or ${reused}`;
    else responses['422'] = { description: reused, content: { 'application/problem+json': { schema: Problem } } };
  }
  for (const [status, description] of Object.entries(STANDARD_ERRORS)) {
    if (responses[status]) continue;
    if (!def.roles && (status === '401' || status === '403')) continue;
    if (def.method === 'get' && (status === '413' || status === '415')) continue;
    responses[status] = { description, content: { 'application/problem+json': { schema: Problem } } };
  }
  const request: RouteConfig['request'] = {};
  if (def.params) request.params = def.params as never;
  if (def.query) request.query = def.query as never;
  if (def.headers) request.headers = def.headers as never;
  if (def.body) request.body = { content: { 'application/json': { schema: def.body } }, required: true };
  registry.registerPath({
    method: def.method,
    path: openapiPath,
    summary: def.summary,
    tags: [def.tag],
    security: def.roles ? [{ bearerAuth: [] }] : [],
    request,
    responses,
  });

  const handlers = def.roles ? [requireRole(...def.roles)] : [];
  router[def.method](def.path, ...handlers, async (req: Request, res: Response) => {
    const params = parseOrThrow(def.params ?? EMPTY, req.params, 'params');
    const query = parseOrThrow(def.query ?? EMPTY, req.query, 'query');
    if (def.method !== 'get' && def.method !== 'delete' && req.body === undefined && def.body) {
      throw new HttpProblem(400, 'validation-error', 'A JSON request body is required', {
        invalidParams: [{ path: '/', message: 'required' }],
      });
    }
    const body = parseOrThrow(def.body ?? z.unknown(), req.body ?? {}, 'body');
    const caller = def.roles ? callerOf(req) : (req.caller as Caller);
    if (takesKey)
      await checkIdempotencyKey(req, res, { params, query, body }, { freedOnAnyRefusal: def.ownIdempotencyStore === true });
    const result = await def.handler({ caller, params, query, body, req, res } as never);
    for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
    if (result.raw) res.status(result.status).type(result.raw.contentType).send(result.raw.text);
    else if (result.body === undefined) res.status(result.status).end();
    else res.status(result.status).json(result.body);
  });
}
