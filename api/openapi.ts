/** The OpenAPI document, generated from the route declarations (api/http/route.ts), and a browsable page. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import Handlebars from 'handlebars';
import { z } from 'zod';
import { Instant } from '../app/views/instant';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  return registry;
}

/** `error` and `message` only where the report is given in full: without METRICS_PORT, or on that internal listener. */
const Check = z.union([
  z.object({ status: z.literal('up') }),
  z.object({
    status: z.literal('down'),
    error: z.string().optional().meta({ description: 'why (absent on the public port when METRICS_PORT is set)' }),
  }),
]);
const Readiness = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({ temporal: Check, mongodb: Check }),
    warnings: z
      .array(
        z.object({
          code: z.enum(['sign-in-not-configured', 'calendar-provisional', 'no-workers', 'policy-files-invalid']),
          message: z.string().optional().meta({
            description: 'absent on the public port when METRICS_PORT is set (the internal listener’s /readyz gives it)',
          }),
          missing: z
            .array(z.number())
            .optional()
            .meta({ description: 'calendar-provisional: the years without a calendar file' }),
        }),
      )
      .optional()
      .meta({ description: 'What needs a person without failing readiness' }),
  })
  .meta({ id: 'Readiness' });

/**
 * The public operational routes that live outside the v1 routers (health, metrics, the document
 * and its page), so that the document covers every route the app answers.
 */
export function registerOperationalRoutes(registry: OpenAPIRegistry): void {
  const tags = ['operations'];
  const text = (description: string, contentType: string) => ({
    description,
    content: { [contentType]: { schema: z.string() } },
  });
  const rateLimited = {
    description: 'Rate limit exceeded',
    content: { 'application/problem+json': { schema: z.object({ type: z.string(), status: z.number().int() }) } },
  };
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers and its MongoDB client is not stuck',
    description:
      'Fails (503) when the MongoDB client has had no successful heartbeat for 5 periods of MONGODB_HEARTBEAT_MS; a shorter outage fails only /readyz',
    tags,
    security: [],
    responses: {
      200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('up') }) } } },
      503: {
        description: 'The MongoDB client has gone silent',
        content: {
          'application/json': {
            schema: z.object({
              status: z.literal('down'),
              checks: z.object({
                mongodb: z.object({
                  healthy: z.boolean(),
                  lastHeartbeatAt: Instant.optional(),
                  failingSince: z.string().optional(),
                  reopens: z.number().int(),
                  reopenAttempts: z.number().int(),
                }),
              }),
            }),
          },
        },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Temporal and MongoDB answer',
    description:
      'With METRICS_PORT (always in production) this port gives each check’s status and each warning’s code only; the whole report is at /readyz on the internal METRICS_PORT listener, behind METRICS_TOKEN when set',
    tags,
    security: [],
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: Readiness } } },
      503: { description: 'A dependency is down (named in checks)', content: { 'application/json': { schema: Readiness } } },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: request latency, cases by status, decisions per department',
    description:
      'Served here only in development and test without METRICS_PORT; with METRICS_PORT (required in production) only on that internal listener, and this port answers 404. With METRICS_TOKEN set it asks for `Authorization: Bearer <METRICS_TOKEN>`',
    tags,
    security: [],
    responses: {
      200: text('Prometheus text exposition format', 'text/plain'),
      401: { description: 'METRICS_TOKEN is set and the request does not carry it' },
      404: { description: 'METRICS_PORT is set (always so in production): metrics are on the internal listener' },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    tags,
    security: [],
    responses: {
      200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
      429: rateLimited,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/docs',
    summary: 'A browsable page of this document',
    tags,
    security: [],
    responses: { 200: text('HTML', 'text/html'), 429: rateLimited },
  });
}

export function generateDocument(registry: OpenAPIRegistry) {
  return withPatternsWithoutFlags(
    new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Household settlement (户籍/落户) case API',
        version: '1.0.0',
        description:
          'Applicants submit and track settlement cases; officers decide their department’s step; supervisors audit stuck cases. Every error is RFC 9457 application/problem+json; a path below asked with a method it does not list answers 405 with an Allow header.',
      },
      servers: [{ url: '/' }],
    }),
  );
}

/**
 * The generator writes a regex's `toString()` without its slashes, so a flagged one keeps its
 * flags: `^[\p{L}…]*$/u`, which matches no name at all for a client that validates by the
 * document. JSON Schema patterns are ECMA-262 with Unicode semantics already: the flags go.
 */
function withPatternsWithoutFlags<T>(doc: T): T {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.pattern === 'string') o.pattern = o.pattern.replace(/\/[dgimsuyv]+$/, '');
    Object.values(o).forEach(walk);
  };
  walk(doc);
  return doc;
}

const page = Handlebars.create().compile(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{info.title}}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}
.op{border:1px solid #ddd;border-radius:6px;margin:.6rem 0;padding:.5rem .8rem}.m{font-weight:700;text-transform:uppercase;margin-right:.5em}
.tag{color:#555;font-size:.85em}</style></head>
<body><h1>{{info.title}}</h1><p>{{info.description}}</p>
<p>Machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p>
{{#each ops}}<div class="op"><span class="m">{{method}}</span><code>{{path}}</code> <span class="tag">[{{tag}}]{{#if secured}} · Bearer{{/if}}</span>
<div>{{summary}}</div><div class="tag">responses: {{responses}}</div></div>{{/each}}
</body></html>`);

export function renderDocsPage(doc: ReturnType<typeof generateDocument>): string {
  const ops = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(
      item as Record<string, { summary?: string; tags?: string[]; security?: unknown[]; responses?: Record<string, unknown> }>,
    ).map(([method, op]) => ({
      method,
      path,
      tag: op.tags?.[0] ?? '',
      summary: op.summary ?? '',
      secured: (op.security?.length ?? 0) > 0,
      responses: Object.keys(op.responses ?? {}).join(' '),
    })),
  );
  return page({ info: doc.info, ops });
}
