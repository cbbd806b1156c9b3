/**
 * Fuzzing the doors (issue 15): requests made up from the OpenAPI document for every route and
 * every kind of caller — values the schemas allow, then mutated the way a hostile or careless
 * client would (test/support/fuzz-arbitraries.ts) — seeded and reproducible. Whatever arrives:
 * - never a 5xx;
 * - every refusal is an RFC 9457 problem, and a 400 for bad input names the field;
 * - a refused request stores nothing (no case, no idempotency key for its caller);
 * - nobody sees another applicant's ID number, name or phone.
 *
 * FUZZ_RUNS (default 2000) sets how many requests a run tries, FUZZ_SEED replays a run: a failure
 * prints both, and the shrunk request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import request from 'supertest';
import { caseModel } from '../../models/case.model';
import { idempotencyKeyModel } from '../../models/idempotency-key.model';
import { bearer, freshIdNumber, submitCase, tokens, townBody, waitForWorkflow, type Tokens } from '../support/api';
import { fromSchema, mutatedJson, mutation, NASTY_STRINGS, type Components, type JsonSchema } from '../support/fuzz-arbitraries';
import { startStack, type TestStack } from '../support/stack';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Components };
}

const RUNS = Number(process.env.FUZZ_RUNS ?? '2000');
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

/** Someone else's case: nothing of it may reach an anonymous caller or another applicant. */
const OTHER_PERSON = { idNumber: freshIdNumber(), name: '欧阳泄露', phone: '13912340000' };
const OWN_PERSON = { idNumber: freshIdNumber(), name: '司马自己', phone: '13812340000' };

/** A path segment; a lone surrogate cannot be UTF-8, so it goes as the bytes a client would botch. */
const inPath = (v: unknown): string => {
  try {
    return encodeURIComponent(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'x'));
  } catch {
    return '%ED%A0%80';
  }
};

type Role = 'none' | 'fresh-applicant' | 'owner' | 'police' | 'hrss' | 'supervisor';
const ROLES: Role[] = ['none', 'fresh-applicant', 'owner', 'police', 'hrss', 'supervisor'];

describe('fuzzing the doors: requests made up from the OpenAPI document, for every route and caller', () => {
  let stack: TestStack;
  let t: Tokens;
  let doc: Doc;
  let fixtures: Record<string, string[]>;
  let ownCases = 0;

  before(async () => {
    stack = await startStack('api_fuzz', { env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
    t = await tokens(stack);
    const own = await submitCase(
      stack,
      t.applicant,
      townBody(OWN_PERSON.idNumber, {
        applicant: { idNumber: OWN_PERSON.idNumber, name: OWN_PERSON.name },
        contact: { phone: OWN_PERSON.phone, locale: 'zh-CN' },
      }),
    );
    const other = await submitCase(
      stack,
      t.otherApplicant,
      townBody(OTHER_PERSON.idNumber, {
        applicant: { idNumber: OTHER_PERSON.idNumber, name: OTHER_PERSON.name },
        contact: { phone: OTHER_PERSON.phone, locale: 'zh-CN' },
      }),
    );
    await waitForWorkflow(stack, other, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');
    ownCases = await caseModel(stack.mongo).countDocuments({ applicantUserId: 'applicant-a' });
    fixtures = { caseId: [own, other] };
    doc = (await request(stack.app).get('/api/v1/openapi.json').expect(200)).body as Doc;
  });
  after(async () => {
    await stack?.close();
  });

  it(`when ${RUNS} made-up requests arrive (seed printed), then none is a 5xx, every refusal is a problem naming its field, nothing refused is stored and nothing leaks`, async (ctx) => {
    const components = doc.components?.schemas ?? {};
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ method, path, op })),
    );
    assert.ok(operations.length > 20, 'the document lists the routes');
    const statuses = new Map<number, number>();
    let tried = 0;

    const paramValue = (p: Parameter) =>
      fc.oneof(
        {
          weight: 3,
          arbitrary: fixtures[p.name]?.length ? fc.constantFrom(...fixtures[p.name]!) : fromSchema(p.schema ?? {}, components),
        },
        { weight: 2, arbitrary: fromSchema(p.schema ?? { type: 'string' }, components) },
        { weight: 2, arbitrary: fc.oneof(fc.constantFrom<unknown>(...NASTY_STRINGS), fc.uuid()) },
      );

    const requestArb = fc.integer({ min: 0, max: operations.length - 1 }).chain((i) => {
      const { method, path, op } = operations[i]!;
      const params = op.parameters ?? [];
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      return fc.record({
        operation: fc.constant(i),
        role: fc.constantFrom(...ROLES),
        path: fc
          .tuple(...params.filter((p) => p.in === 'path').map((p) => paramValue(p).map((v) => [p.name, v] as const)))
          .map((pairs) => path.replace(/\{(\w+)\}/g, (_m, name: string) => inPath(pairs.find(([n]) => n === name)?.[1]))),
        query: fc.tuple(
          ...params
            .filter((p) => p.in === 'query')
            .map((p) =>
              fc.option(
                fc.oneof(paramValue(p), fc.array(paramValue(p), { minLength: 2, maxLength: 2 })).map((v) => [p.name, v] as const),
                { freq: 2 },
              ),
            ),
        ),
        body: bodySchema
          ? fc.tuple(fromSchema(bodySchema, components), mutation).map(([v, m]) => mutatedJson(v, m))
          : fc.constant(undefined),
        method: fc.constant(method),
        key: fc.uuid(),
      });
    });

    await fc.assert(
      fc.asyncProperty(requestArb, fc.nat(), async (r, n) => {
        tried++;
        const sub = `fuzz-${n}-${r.key.slice(0, 8)}`;
        const auth = await authFor(r.role, sub);
        const query = new URLSearchParams();
        for (const pair of r.query)
          if (pair)
            for (const v of Array.isArray(pair[1]) ? pair[1] : [pair[1]])
              query.append(pair[0], typeof v === 'string' ? v : JSON.stringify(v));
        const url = `${r.path}${query.size ? `?${query}` : ''}`;
        // The listening API: supertest would start a server of its own for every request otherwise.
        const agent = request(stack.apiUrl);
        const call = (agent as unknown as Record<string, (u: string) => request.Test>)[r.method]!(url);
        if (auth) call.set('authorization', auth);
        if (r.method === 'post') call.set('idempotency-key', r.key);
        const res = r.body === undefined ? await call : await call.set('content-type', 'application/json').send(r.body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const what = `${r.method.toUpperCase()} ${url} as ${r.role} → ${res.status} ${res.text.slice(0, 400)}\nbody: ${String(r.body).slice(0, 400)}`;

        assert.ok(res.status < 500, `a 5xx: ${what}`);
        if (res.status >= 400) {
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/, `not a problem: ${what}`);
          assert.equal(res.body.status, res.status, what);
          assert.equal(typeof res.body.type, 'string', what);
          if (res.status === 400 && /validation-error$/.test(res.body.type as string)) {
            const named = (res.body.invalidParams ?? []) as { path?: unknown }[];
            assert.ok(named.length > 0 && named.every((p) => typeof p.path === 'string'), `a 400 naming no field: ${what}`);
          }
          if (r.method !== 'get' && (r.role === 'fresh-applicant' || r.role === 'owner')) {
            const caller = r.role === 'owner' ? 'applicant-a' : sub;
            const cases = await caseModel(stack.mongo).countDocuments({ applicantUserId: caller });
            assert.equal(cases, r.role === 'owner' ? ownCases : 0, `a refused request stored a case: ${what}`);
            assert.equal(
              await idempotencyKeyModel(stack.mongo).countDocuments({ _id: `${caller}:${r.key}` }),
              0,
              `a refused request kept its key: ${what}`,
            );
          }
        } else if (r.role === 'owner' && r.method === 'post' && res.status === 202) {
          ownCases = await caseModel(stack.mongo).countDocuments({ applicantUserId: 'applicant-a' });
        }
        if (r.role === 'none' || r.role === 'fresh-applicant' || r.role === 'owner') {
          for (const secret of [OTHER_PERSON.idNumber, OTHER_PERSON.name, OTHER_PERSON.phone])
            assert.ok(!res.text.includes(secret), `another applicant's data leaked: ${what}`);
        }
        if (r.role === 'none' || r.role === 'fresh-applicant') {
          for (const secret of [OWN_PERSON.idNumber, OWN_PERSON.name, OWN_PERSON.phone])
            assert.ok(!res.text.includes(secret), `an applicant's data leaked to a stranger: ${what}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: false },
    );
    ctx.diagnostic(
      `tried ${tried} requests (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    // The run must reach the handlers, not only the doors: some requests got through validation.
    assert.ok(
      [...statuses.keys()].some((s) => s < 300),
      'some made-up requests were accepted',
    );
    assert.ok((statuses.get(400) ?? 0) > 0, 'some were refused as bad input');
  });

  async function authFor(role: Role, sub: string): Promise<string | undefined> {
    switch (role) {
      case 'none':
        return undefined;
      case 'fresh-applicant':
        return bearer(stack, { sub, role: 'applicant' });
      case 'owner':
        return t.applicant;
      case 'police':
        return t.police;
      case 'hrss':
        return t.hrss;
      case 'supervisor':
        return t.supervisor;
    }
  }
});
