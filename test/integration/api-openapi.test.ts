import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { MAX_FAMILY_MEMBERS } from '../../api/schemas/application.schema';
import { bearer, problemType } from '../support/api';
import { documentedRoutes, expressRoutes, type OpenApiDoc } from '../support/openapi';
import { startStack, type TestStack } from '../support/stack';
import { isWebPath } from '../../web/router';

/** The JSON API's only operations without a token: the published admission rankings (公示, issue 13). */
const PUBLIC_API = ['GET /api/v1/rounds', 'GET /api/v1/rounds/{roundId}'];
/** Callbacks (issue 14): no Bearer token, a signature header of their own instead. */
const SIGNED_API: Record<string, string> = {
  'POST /api/v1/callbacks/sms-receipts': 'x-signature',
  'POST /api/v1/callbacks/social-insurance-transfers': 'x-register-signature',
};

describe('API: OpenAPI document, docs page, health and metrics', () => {
  let stack: TestStack;
  let doc: OpenApiDoc;
  before(async () => {
    stack = await startStack('api_openapi');
    doc = (await request(stack.app).get('/api/v1/openapi.json').expect(200)).body as OpenApiDoc;
  });
  after(async () => {
    await stack.close();
  });

  it('when a client validates by the document, then every pattern compiles and a person’s name passes, as the API takes it', () => {
    // Arrange
    const patterns: Array<[string, string]> = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'pattern' && typeof v === 'string') patterns.push([at, v]);
        else walk(v, `${at}/${k}`);
      }
    };
    walk(doc, '');
    const schemas = (
      doc as unknown as { components: { schemas: Record<string, { properties: Record<string, { pattern?: string }> }> } }
    ).components.schemas;
    const namePattern = schemas.Applicant?.properties.name?.pattern ?? '';

    // Assert
    assert.ok(patterns.length > 0);
    for (const [at, pattern] of patterns) {
      assert.doesNotMatch(pattern, /\/[a-z]+$/, `${at}: no regex flags left in the pattern`);
      assert.doesNotThrow(() => new RegExp(pattern, 'u'), at);
    }
    for (const name of ['郑秀英', 'Zhang Wei', 'O’Brien-Smith', '阿卜杜拉·买买提'])
      assert.match(name, new RegExp(namePattern, 'u'), name);
    assert.doesNotMatch('Zhang3', new RegExp(namePattern, 'u'));
  });

  it('when a client generates types from the document, then every instant it answers (…At, at, since) is a date-time', () => {
    // Arrange: every property of an object schema, wherever it sits in the document.
    const instants: Array<[string, { type?: unknown; format?: unknown }]> = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      const props = (node as { properties?: Record<string, { type?: unknown; format?: unknown }> }).properties;
      for (const [name, schema] of Object.entries(props ?? {}))
        if (/At$|^at$|^since$/.test(name) && schema.type === 'string') instants.push([`${at}/${name}`, schema]);
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
    };
    walk(doc, '');

    // Assert
    assert.ok(instants.length > 60, `${instants.length} instants found`);
    const plain = instants.filter(([, schema]) => schema.format !== 'date-time').map(([at]) => at);
    assert.deepEqual(plain, [], 'instants without format: date-time');
  });

  it('when the document is served, then it is a valid OpenAPI 3.1 document', async () => {
    // Act
    const validated = await SwaggerParser.validate(structuredClone(doc) as never);

    // Assert
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(validated);
  });

  it('when the Express routes are compared with the document, then every route is documented and every documented operation exists', () => {
    // Act
    // The web pages are HTML for browsers, not operations of the JSON API.
    // The problem types (/problems) answer JSON here and a page there for a browser: one operation, two layers.
    const all = expressRoutes(stack.app).filter((r) => !isWebPath(r.slice(r.indexOf(' ') + 1)));
    const routes = all.filter((r, i) => !(r.startsWith('GET /problems') && all.indexOf(r) < i));
    const documented = documentedRoutes(doc);

    // Assert
    assert.ok(routes.length > 15, `found ${routes.length} routes: the walk must see the routers`);
    assert.deepEqual(routes, documented);
  });

  it('when README’s table of routes is compared with the document, then it names every documented operation', () => {
    // The table a newcomer reads (README "Using the API") is written by hand: it must not fall behind.
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| audience '), readme.indexOf('**Admission rankings**'));
    const shape = (route: string) =>
      route
        .replace(/^(\w+) \/api\/v1/, '$1 ')
        .replace(/\{[^}]+\}/g, '{}')
        .replace(/\?.*$/, '');
    const named = new Set([...table.matchAll(/`(GET|POST|PUT|DELETE|PATCH) ([^`]+)`/g)].map((m) => shape(`${m[1]} ${m[2]}`)));
    const missing = documentedRoutes(doc)
      .map(shape)
      .filter((r) => !named.has(r) && !named.has(r.replace(/ \/api\/v1/, ' ')));
    assert.ok(table.length > 500, 'the table was found');
    assert.deepEqual(missing, [], 'every documented operation is in README’s table');
  });

  it('when an operation is protected or takes a body, then its error responses are documented as problem+json', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        const secured = (op.security?.length ?? 0) > 0;
        if (secured) {
          for (const status of ['401', '403', '429', '503']) assert.ok(op.responses[status], `${where} documents ${status}`);
          const unauthorized = op.responses['401'] as { content: Record<string, unknown> };
          assert.ok(unauthorized.content['application/problem+json'], `${where}: 401 is problem+json`);
        }
        if (op.requestBody) {
          for (const status of ['400', '413', '415']) assert.ok(op.responses[status], `${where} documents ${status}`);
        }
        if (
          path.startsWith('/api/v1/') &&
          !['/api/v1/openapi.json', '/api/v1/docs'].includes(path) &&
          !PUBLIC_API.includes(where) &&
          !(where in SIGNED_API)
        ) {
          assert.ok(secured, `${where} requires a Bearer token`);
        }
        if (PUBLIC_API.includes(where)) assert.ok(!secured, `${where} is public: the published rankings (公示, issue 13)`);
        if (where in SIGNED_API) {
          const params = (op as { parameters?: Array<{ in: string; name: string }> }).parameters ?? [];
          assert.ok(
            params.some((p) => p.in === 'header' && p.name === SIGNED_API[where]),
            `${where} documents its signature header`,
          );
          assert.ok(op.responses['401'], `${where} documents the 401 of a wrong signature`);
        }
      }
    }
  });

  it('when an operation of the JSON API documents an error of its own (409, 422…), then it is problem+json too', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const [method, op] of Object.entries(item))
        for (const [status, response] of Object.entries(op.responses as Record<string, { content?: object }>))
          if (Number(status) >= 400)
            assert.ok(
              (response.content as Record<string, unknown> | undefined)?.['application/problem+json'],
              `${method.toUpperCase()} ${path} ${status} is problem+json`,
            );
    }
  });

  it('when a call that changes a case takes an Idempotency-Key, then the document says so', async () => {
    const takesKey = [
      'POST /api/v1/applicant/cases',
      'POST /api/v1/applicant/cases/{caseId}/supplements',
      'POST /api/v1/applicant/cases/{caseId}/withdrawal',
      'POST /api/v1/officer/cases/{caseId}/steps/{department}/decision',
      'POST /api/v1/officer/cases/{caseId}/steps/{department}/claim',
      'POST /api/v1/officer/cases/{caseId}/steps/{department}/release',
      'POST /api/v1/officer/cases/{caseId}/children/{personIndex}/school-place',
      'POST /api/v1/supervisor/cases/{caseId}/steps/{department}/actions',
      'POST /api/v1/supervisor/cases/{caseId}/termination',
      'POST /api/v1/supervisor/bulk-interventions',
    ];
    for (const where of takesKey) {
      const [method, path] = where.split(' ') as [string, string];
      const op = (doc.paths[path] as Record<string, { parameters?: Array<{ in: string; name: string }> }> | undefined)?.[
        method.toLowerCase()
      ];
      assert.ok(op, `${where} is documented`);
      assert.ok(
        (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key'),
        `${where} documents Idempotency-Key`,
      );
      const responses = (op as unknown as { responses: Record<string, { description: string }> }).responses;
      assert.match(responses['422']?.description ?? '', /idempotency-key-reused/, `${where} documents a reused key's 422`);
    }
    // And a key that is no key is refused, not ignored (ignored, a retry would act twice).
    const res = await request(stack.app)
      .post(`/api/v1/supervisor/cases/${'00000000-0000-4000-8000-000000000000'}/termination`)
      .set('authorization', await bearer(stack, { sub: 'supervisor-1', role: 'supervisor' }))
      .set('idempotency-key', 'short')
      .send({ note: 'why' });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.invalidParams.map((p: { path: string }) => p.path),
      ['/headers/idempotency-key'],
    );
  });

  it('when a path the API has is asked with a method it does not take, then 405 naming the methods it takes in Allow; a path it lacks is 404', async () => {
    // Arrange
    const applicant = await bearer(stack, { sub: 'applicant-405', role: 'applicant' });

    // Act
    const list = await request(stack.app).delete('/api/v1/applicant/cases').set('authorization', applicant);
    const one = await request(stack.app)
      .put('/api/v1/applicant/cases/00000000-0000-4000-8000-000000000000')
      .set('authorization', applicant)
      .send({});
    const missing = await request(stack.app).delete('/api/v1/applicant/nothing-here').set('authorization', applicant);

    // Assert
    assert.equal(list.status, 405, JSON.stringify(list.body));
    assert.equal(list.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(list.headers.allow, 'GET, HEAD, POST');
    assert.equal(list.body.type, problemType(stack, 'method-not-allowed'));
    assert.equal(one.status, 405);
    assert.equal(one.headers.allow, 'GET, HEAD');
    assert.equal(missing.status, 404);
  });

  it('when the application schema is read from the document, then it is the very schema that validates: strict objects, capped family', () => {
    // Arrange
    const application = doc.components.schemas.Application!;
    const member = doc.components.schemas.FamilyMember!;

    // Assert
    assert.equal(application.additionalProperties, false);
    assert.equal((application.properties as Record<string, { maxItems?: number }>).family!.maxItems, MAX_FAMILY_MEMBERS);
    assert.equal(member.additionalProperties, false);
    assert.deepEqual((application.required as string[]).sort(), ['applicant', 'contact', 'route']);
  });

  it('when the document is read, then it lists the applicant’s notices of a case with their schema, and the open-case 409 of a submission as problem+json', () => {
    // Arrange
    type Op = { security?: unknown[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
    const notices = doc.paths['/api/v1/applicant/cases/{caseId}/notices']?.get as Op | undefined;
    const submission = doc.paths['/api/v1/applicant/cases']?.post as Op | undefined;

    // Assert
    assert.ok(notices, 'GET /api/v1/applicant/cases/{caseId}/notices is documented');
    assert.ok((notices.security?.length ?? 0) > 0);
    const ok = JSON.stringify(notices.responses['200']?.content?.['application/json']?.schema);
    assert.match(ok, /#\/components\/schemas\/ApplicantNotice/);
    assert.ok(notices.responses['404'], 'another person’s case is a documented 404');
    const notice = doc.components.schemas.ApplicantNotice!;
    assert.deepEqual(Object.keys(notice.properties as object).sort(), [
      'appealDeadlines',
      'body',
      'channel',
      'createdAt',
      'deliveredAt',
      'event',
      'letter',
      'locale',
      'notice',
      'servedBy',
      'status',
      'subject',
    ]);
    assert.ok(submission?.responses['409']?.content?.['application/problem+json'], 'the open-case 409 is problem+json');
  });

  it('when the docs page is opened, then it lists every operation, escaped, under a content security policy', async () => {
    // Act
    const res = await request(stack.app).get('/api/v1/docs').expect(200);

    // Assert
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
    // Served over plain http outside production: nothing may send the browser to https.
    assert.doesNotMatch(String(res.headers['content-security-policy']), /upgrade-insecure-requests/);
    assert.equal(res.headers['strict-transport-security'], undefined);
    for (const route of documentedRoutes(doc)) {
      const [, path] = route.split(' ');
      assert.ok(res.text.includes(`<code>${path}</code>`), `the page lists ${route}`);
    }
    assert.ok(!res.text.includes('<script'), 'no script on the page');
  });

  it('when liveness, readiness and metrics are asked for, then they answer without a token', async () => {
    // Act
    const health = await request(stack.app).get('/healthz');
    const ready = await request(stack.app).get('/readyz');
    const metrics = await request(stack.app).get('/metrics');

    // Assert
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'up' });
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { temporal: { status: 'up' }, mongodb: { status: 'up' } });
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    for (const name of ['http_request_duration_seconds', 'cases_by_status', 'officer_decisions_total'])
      assert.match(metrics.text, new RegExp(`# TYPE ${name} `), name);
    assert.match(metrics.text, /http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
  });
});
