/**
 * Authorization matrix: every route of the OpenAPI document × every kind of caller. The route
 * list comes from the document, so a new route without an entry here fails the suite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import request from 'supertest';
import { TEST_JWT_SECRET, startStack, type TestStack } from '../support/stack';
import { assertProblem, submitCase, tokens, townBody, waitForWorkflow, type Tokens } from '../support/api';
import { documentedRoutes, type OpenApiDoc } from '../support/openapi';

type CoreKind = 'none' | 'badToken' | 'owner' | 'otherApplicant' | 'stepOfficer' | 'otherOfficer' | 'supervisor';
/** Issue 15's roles: auditors read access records, operators decode Temporal payloads; nothing else. */
type CallerKind = CoreKind | 'auditor' | 'operator';

interface Fixtures {
  /** Owned by `owner`; its police step awaits a decision. Read-only routes and harmless actions use it. */
  caseId: string;
  withdrawCaseId: string;
  decisionCaseId: string;
  terminationCaseId: string;
  /** Its police step awaits a decision and nobody holds it. */
  claimCaseId: string;
  /** Its police step is held by `stepOfficer`, who may release it. */
  releaseCaseId: string;
  probeId: string;
  /** A round this stack's rounds files announce (test/support/rounds.ts). */
  roundId: string;
}

interface Entry {
  /** The concrete request: path with parameters filled in, query, body. */
  call: (fx: Fixtures) => { path: string; body?: object; headers?: Record<string, string> };
  /** auditor / operator, when not given: 403 on a route that needs a token, else what an anonymous caller gets. */
  expect: Record<CoreKind, number> & Partial<Record<'auditor' | 'operator', number>>;
}

const expected = (entry: Entry, caller: CallerKind): number => {
  if (caller !== 'auditor' && caller !== 'operator') return entry.expect[caller];
  return entry.expect[caller] ?? (entry.expect.none === 401 ? 403 : entry.expect.none);
};

const PUBLIC = {
  none: 200,
  badToken: 200,
  owner: 200,
  otherApplicant: 200,
  stepOfficer: 200,
  otherOfficer: 200,
  supervisor: 200,
};
const UNAUTHENTICATED = { none: 401, badToken: 401 } as const;
/** Callbacks prove themselves by a signature: every caller without one is a 401, whatever their token. */
const SIGNED_ONLY = {
  none: 401,
  badToken: 401,
  owner: 401,
  otherApplicant: 401,
  stepOfficer: 401,
  otherOfficer: 401,
  supervisor: 401,
  auditor: 401,
  operator: 401,
};
const onlySupervisor = (ok: number) => ({
  ...UNAUTHENTICATED,
  owner: 403,
  otherApplicant: 403,
  stepOfficer: 403,
  otherOfficer: 403,
  supervisor: ok,
});

/** The step the matrix acts on is police's; `otherOfficer` works for education, which a town case does not involve. */
const MATRIX: Record<string, Entry> = {
  'GET /healthz': { call: () => ({ path: '/healthz' }), expect: PUBLIC },
  'GET /readyz': { call: () => ({ path: '/readyz' }), expect: PUBLIC },
  'GET /metrics': { call: () => ({ path: '/metrics' }), expect: PUBLIC },
  'GET /api/v1/openapi.json': { call: () => ({ path: '/api/v1/openapi.json' }), expect: PUBLIC },
  'GET /api/v1/docs': { call: () => ({ path: '/api/v1/docs' }), expect: PUBLIC },

  'POST /api/v1/applicant/cases': {
    call: () => ({ path: '/api/v1/applicant/cases', body: townBody() }),
    expect: { ...UNAUTHENTICATED, owner: 202, otherApplicant: 202, stepOfficer: 403, otherOfficer: 403, supervisor: 403 },
  },
  'GET /api/v1/applicant/cases': {
    call: () => ({ path: '/api/v1/applicant/cases' }),
    expect: { ...UNAUTHENTICATED, owner: 200, otherApplicant: 200, stepOfficer: 403, otherOfficer: 403, supervisor: 403 },
  },
  'GET /api/v1/applicant/cases/{caseId}': {
    call: (fx) => ({ path: `/api/v1/applicant/cases/${fx.caseId}` }),
    expect: { ...UNAUTHENTICATED, owner: 200, otherApplicant: 404, stepOfficer: 403, otherOfficer: 403, supervisor: 403 },
  },
  'GET /api/v1/applicant/cases/{caseId}/notices': {
    call: (fx) => ({ path: `/api/v1/applicant/cases/${fx.caseId}/notices` }),
    expect: { ...UNAUTHENTICATED, owner: 200, otherApplicant: 404, stepOfficer: 403, otherOfficer: 403, supervisor: 403 },
  },
  'POST /api/v1/applicant/cases/{caseId}/supplements': {
    call: (fx) => ({
      path: `/api/v1/applicant/cases/${fx.caseId}/supplements`,
      body: { department: 'housing', items: [{ name: '租赁合同', reference: 'upload:1' }] },
    }),
    // The owner gets past every access check to the business rule: nothing was asked for.
    expect: { ...UNAUTHENTICATED, owner: 409, otherApplicant: 404, stepOfficer: 403, otherOfficer: 403, supervisor: 403 },
  },
  'POST /api/v1/applicant/cases/{caseId}/withdrawal': {
    call: (fx) => ({ path: `/api/v1/applicant/cases/${fx.withdrawCaseId}/withdrawal`, body: {} }),
    expect: { ...UNAUTHENTICATED, owner: 202, otherApplicant: 404, stepOfficer: 403, otherOfficer: 403, supervisor: 403 },
  },

  'GET /api/v1/officer/inbox': {
    call: () => ({ path: '/api/v1/officer/inbox' }),
    expect: { ...UNAUTHENTICATED, owner: 403, otherApplicant: 403, stepOfficer: 200, otherOfficer: 200, supervisor: 403 },
  },
  'GET /api/v1/officer/cases/{caseId}': {
    call: (fx) => ({ path: `/api/v1/officer/cases/${fx.caseId}` }),
    expect: { ...UNAUTHENTICATED, owner: 403, otherApplicant: 403, stepOfficer: 200, otherOfficer: 404, supervisor: 403 },
  },
  'POST /api/v1/officer/cases/{caseId}/steps/{department}/decision': {
    call: (fx) => ({ path: `/api/v1/officer/cases/${fx.decisionCaseId}/steps/police/decision`, body: { decision: 'approve' } }),
    expect: { ...UNAUTHENTICATED, owner: 403, otherApplicant: 403, stepOfficer: 200, otherOfficer: 403, supervisor: 403 },
  },
  'POST /api/v1/officer/cases/{caseId}/steps/{department}/claim': {
    call: (fx) => ({ path: `/api/v1/officer/cases/${fx.claimCaseId}/steps/police/claim`, body: {} }),
    expect: { ...UNAUTHENTICATED, owner: 403, otherApplicant: 403, stepOfficer: 200, otherOfficer: 403, supervisor: 403 },
  },
  'POST /api/v1/officer/cases/{caseId}/steps/{department}/release': {
    call: (fx) => ({ path: `/api/v1/officer/cases/${fx.releaseCaseId}/steps/police/release`, body: {} }),
    expect: { ...UNAUTHENTICATED, owner: 403, otherApplicant: 403, stepOfficer: 200, otherOfficer: 403, supervisor: 403 },
  },
  'GET /api/v1/officer/school-waitlist': {
    call: () => ({ path: '/api/v1/officer/school-waitlist' }),
    // Education's list only (§21–23): the police officer is refused.
    expect: { ...UNAUTHENTICATED, owner: 403, otherApplicant: 403, stepOfficer: 403, otherOfficer: 200, supervisor: 403 },
  },
  'POST /api/v1/officer/cases/{caseId}/children/{personIndex}/school-place': {
    call: (fx) => ({ path: `/api/v1/officer/cases/${fx.caseId}/children/1/school-place`, body: { school: '鄠邑区第一幼儿园' } }),
    // Education gets past every access check to the business rule: no child of this case waits.
    expect: { ...UNAUTHENTICATED, owner: 403, otherApplicant: 403, stepOfficer: 403, otherOfficer: 409, supervisor: 403 },
  },

  'GET /api/v1/supervisor/stuck-cases': {
    call: () => ({ path: '/api/v1/supervisor/stuck-cases?reason=overdue' }),
    expect: onlySupervisor(200),
  },
  'GET /api/v1/supervisor/cases/{caseId}': {
    call: (fx) => ({ path: `/api/v1/supervisor/cases/${fx.caseId}` }),
    expect: onlySupervisor(200),
  },
  'POST /api/v1/supervisor/cases/{caseId}/steps/{department}/actions': {
    call: (fx) => ({
      path: `/api/v1/supervisor/cases/${fx.caseId}/steps/police/actions`,
      body: { action: 'reassign', officerId: 'police-officer-9' },
    }),
    expect: onlySupervisor(200),
  },
  'POST /api/v1/supervisor/cases/{caseId}/termination': {
    call: (fx) => ({ path: `/api/v1/supervisor/cases/${fx.terminationCaseId}/termination`, body: { note: 'matrix' } }),
    expect: onlySupervisor(202),
  },
  // Issue 11: a run against a case that does not exist (reported as refused), so nothing changes.
  'POST /api/v1/supervisor/bulk-interventions': {
    call: () => ({
      path: '/api/v1/supervisor/bulk-interventions',
      body: { action: 'escalate', department: 'police', note: 'matrix', caseIds: ['no-such-case'] },
    }),
    expect: onlySupervisor(202),
  },
  'GET /api/v1/supervisor/bulk-interventions/{id}': {
    call: () => ({ path: '/api/v1/supervisor/bulk-interventions/0123456789abcdef0123456789abcdef' }),
    expect: onlySupervisor(404),
  },
  'GET /api/v1/supervisor/dashboard': {
    call: () => ({ path: '/api/v1/supervisor/dashboard' }),
    expect: onlySupervisor(200),
  },
  'GET /api/v1/supervisor/cases/{caseId}/audit': {
    call: (fx) => ({ path: `/api/v1/supervisor/cases/${fx.caseId}/audit` }),
    expect: onlySupervisor(200),
  },
  // Issue 14: a case's notices with their delivery state; service by post of a notice that did not
  // fail (delivery is off in this stack: it is queued), so the supervisor's call is refused and nothing changes.
  'GET /api/v1/supervisor/cases/{caseId}/notices': {
    call: (fx) => ({ path: `/api/v1/supervisor/cases/${fx.caseId}/notices` }),
    expect: onlySupervisor(200),
  },
  'POST /api/v1/supervisor/cases/{caseId}/notices/{noticeId}/service': {
    call: (fx) => ({
      path: `/api/v1/supervisor/cases/${fx.caseId}/notices/${encodeURIComponent(`${fx.caseId}:case_received:case:sms:applicant`)}/service`,
      body: { method: 'post', servedAt: '2026-12-01T08:00:00+08:00', note: 'matrix' },
    }),
    expect: onlySupervisor(409),
  },
  // Issue 15: the export states its purpose (X-Access-Purpose), which the access record keeps.
  'GET /api/v1/supervisor/cases/{caseId}/audit.csv': {
    call: (fx) => ({ path: `/api/v1/supervisor/cases/${fx.caseId}/audit.csv`, headers: { 'x-access-purpose': 'matrix' } }),
    expect: onlySupervisor(200),
  },
  // Issue 15: access records for supervisors and auditors.
  'GET /api/v1/access-records': {
    call: (fx) => ({ path: `/api/v1/access-records?caseId=${fx.caseId}` }),
    expect: { ...onlySupervisor(200), auditor: 200 },
  },
  // Issue 15: the Temporal UI's codec server, for supervisors and operators (an empty batch decodes to an empty batch).
  'POST /codec/decode': {
    call: () => ({ path: '/codec/decode', body: { payloads: [] } }),
    expect: { ...onlySupervisor(200), operator: 200 },
  },
  'POST /codec/encode': {
    call: () => ({ path: '/codec/encode', body: { payloads: [] } }),
    expect: { ...onlySupervisor(200), operator: 200 },
  },

  'GET /api/v1/cases/{caseId}/timeline': {
    call: (fx) => ({ path: `/api/v1/cases/${fx.caseId}/timeline` }),
    expect: { ...UNAUTHENTICATED, owner: 200, otherApplicant: 404, stepOfficer: 200, otherOfficer: 404, supervisor: 200 },
  },

  // Issue 13: the published rankings are public, even with a bad token (answered before the check).
  'GET /api/v1/rounds': { call: () => ({ path: '/api/v1/rounds' }), expect: PUBLIC },
  'GET /api/v1/rounds/{roundId}': { call: (fx) => ({ path: `/api/v1/rounds/${fx.roundId}` }), expect: PUBLIC },
  // A round nobody announced: every signed-in caller gets past the access checks to the 404, and nothing changes.
  // Issue 14: HR's callback carries no token but a signature; unsigned, everyone is refused.
  // Issue 14: the SMS gateway's receipts carry no token but a signature; unsigned, everyone is refused.
  'POST /api/v1/callbacks/sms-receipts': {
    call: (fx) => ({
      path: '/api/v1/callbacks/sms-receipts',
      body: [
        { sid: 'forged', ext: `${fx.caseId}:case_received:case:sms:applicant`, mobile: '13800000000', report_status: 'SUCCESS' },
      ],
    }),
    expect: { ...SIGNED_ONLY },
  },
  'POST /api/v1/callbacks/social-insurance-transfers': {
    call: (fx) => ({
      path: '/api/v1/callbacks/social-insurance-transfers',
      body: {
        recordId: 'RS-SB-2026-00000000',
        idempotencyKey: `${fx.caseId}:social_insurance_transfer:applicant`,
        caseId: fx.caseId,
        status: 'completed',
        completedAt: '2026-12-01T00:00:00Z',
      },
    }),
    expect: { ...SIGNED_ONLY },
  },
  'POST /api/v1/rounds/{roundId}/objections': {
    call: () => ({ path: '/api/v1/rounds/1999-9/objections', body: { entryId: 'beilin-1', reason: 'matrix' } }),
    expect: { ...UNAUTHENTICATED, owner: 404, otherApplicant: 404, stepOfficer: 404, otherOfficer: 404, supervisor: 404 },
  },
  'GET /api/v1/supervisor/rounds/{roundId}': {
    call: (fx) => ({ path: `/api/v1/supervisor/rounds/${fx.roundId}` }),
    expect: onlySupervisor(200),
  },
  'POST /api/v1/supervisor/rounds/{roundId}/close': {
    call: () => ({ path: '/api/v1/supervisor/rounds/1999-9/close', body: { reason: 'matrix' } }),
    expect: onlySupervisor(404),
  },
  'POST /api/v1/supervisor/rounds/{roundId}/objections/{objectionId}/resolution': {
    call: () => ({
      path: '/api/v1/supervisor/rounds/1999-9/objections/0123456789abcdef0123456789abcdef/resolution',
      body: { outcome: 'dismissed', note: 'matrix' },
    }),
    expect: onlySupervisor(404),
  },

  'POST /api/v1/diagnostics/probes': {
    call: () => ({ path: '/api/v1/diagnostics/probes', body: { message: 'matrix' } }),
    expect: onlySupervisor(202),
  },
  'GET /api/v1/diagnostics/probes/{probeId}': {
    call: (fx) => ({ path: `/api/v1/diagnostics/probes/${fx.probeId}` }),
    expect: onlySupervisor(200),
  },
};

/** Denials first: a caller who may change the fixture goes last. */
const ORDER: CallerKind[] = [
  'none',
  'badToken',
  'auditor',
  'operator',
  'otherApplicant',
  'otherOfficer',
  'stepOfficer',
  'owner',
  'supervisor',
];

describe('API: authorization matrix, every route × every caller', () => {
  let stack: TestStack;
  let t: Tokens;
  let fx: Fixtures;
  let headers: Record<CallerKind, string | undefined>;
  let doc: OpenApiDoc;

  before(async () => {
    stack = await startStack('api_authz');
    t = await tokens(stack);
    const forged = await new SignJWT({ role: 'supervisor' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('intruder')
      .setIssuer(stack.config.AUTH_ISSUER)
      .setAudience(stack.config.AUTH_AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a-different-secret-that-is-32-characters-long'));
    headers = {
      none: undefined,
      badToken: `Bearer ${forged}`,
      owner: t.applicant,
      otherApplicant: t.otherApplicant,
      stepOfficer: t.police,
      otherOfficer: t.education,
      supervisor: t.supervisor,
      auditor: `Bearer ${await stack.token({ sub: 'auditor-1', role: 'auditor' })}`,
      operator: `Bearer ${await stack.token({ sub: 'operator-1', role: 'operator' })}`,
    };
    const [caseId, withdrawCaseId, decisionCaseId, terminationCaseId, claimCaseId, releaseCaseId] = [
      await submitCase(stack, t.applicant, townBody()),
      await submitCase(stack, t.applicant, townBody()),
      await submitCase(stack, t.applicant, townBody()),
      await submitCase(stack, t.applicant, townBody()),
      await submitCase(stack, t.applicant, townBody()),
      await submitCase(stack, t.applicant, townBody()),
    ];
    for (const id of [caseId, withdrawCaseId, decisionCaseId, terminationCaseId, claimCaseId, releaseCaseId])
      await waitForWorkflow(stack, id, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');
    await request(stack.app)
      .post(`/api/v1/officer/cases/${releaseCaseId}/steps/police/claim`)
      .set('authorization', t.police)
      .send({})
      .expect(200);
    const probe = await request(stack.app)
      .post('/api/v1/diagnostics/probes')
      .set('authorization', t.supervisor)
      .send({ message: 'fixture' })
      .expect(202);
    fx = {
      caseId: caseId!,
      withdrawCaseId: withdrawCaseId!,
      decisionCaseId: decisionCaseId!,
      terminationCaseId: terminationCaseId!,
      claimCaseId: claimCaseId!,
      releaseCaseId: releaseCaseId!,
      probeId: probe.body.probeId,
      roundId: stack.rounds.ids[0]!,
    };
    doc = (await request(stack.app).get('/api/v1/openapi.json').expect(200)).body;
  });
  after(async () => {
    await stack.close();
  });

  it('when the document lists its operations, then each has a matrix entry and each entry is a documented operation', () => {
    assert.deepEqual(Object.keys(MATRIX).sort(), documentedRoutes(doc));
  });

  it('when every caller calls every route, then each gets exactly its expected status, refusals as problem+json', async (ctx) => {
    for (const route of documentedRoutes(doc)) {
      const entry = MATRIX[route];
      if (!entry) continue; // reported by the coverage test above
      await ctx.test(route, async () => {
        const failures: string[] = [];
        for (const caller of ORDER) {
          const { path, body, headers: extra } = entry.call(fx);
          const method = route.split(' ')[0]!.toLowerCase() as 'get' | 'post';
          let req = request(stack.app)[method](path);
          if (headers[caller]) req = req.set('authorization', headers[caller]);
          for (const [k, v] of Object.entries(extra ?? {})) req = req.set(k, v);
          const res: request.Response = await (body ? req.send(body) : req);
          const status = expected(entry, caller);
          if (res.status !== status) {
            failures.push(`${caller}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
            continue;
          }
          if (status >= 400) assertProblem(res, status);
          // A callback proves itself by its body's signature, not a Bearer token: no Bearer challenge.
          if (status === 401 && !route.startsWith('POST /api/v1/callbacks/'))
            assert.equal(res.headers['www-authenticate'], 'Bearer', `${caller}: WWW-Authenticate`);
        }
        assert.deepEqual(failures, []);
      });
    }
  });

  it('when another applicant asks for a case, then the answer is the same 404 as for a case that does not exist', async () => {
    // Arrange
    const missing = '00000000-0000-4000-8000-000000000000';
    const pairs = [
      (id: string) => request(stack.app).get(`/api/v1/applicant/cases/${id}`),
      (id: string) => request(stack.app).get(`/api/v1/cases/${id}/timeline`),
      (id: string) =>
        request(stack.app)
          .post(`/api/v1/applicant/cases/${id}/supplements`)
          .send({ department: 'police', items: [{ name: 'x', reference: 'y' }] }),
      (id: string) => request(stack.app).post(`/api/v1/applicant/cases/${id}/withdrawal`).send({}),
    ];
    for (const call of pairs) {
      // Act
      const theirs = await call(fx.caseId).set('authorization', t.otherApplicant);
      const nobodys = await call(missing).set('authorization', t.otherApplicant);

      // Assert
      assertProblem(theirs, 404);
      const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, requestId: undefined });
      assert.deepEqual(strip(theirs.body), strip(nobodys.body));
    }
    // Nothing the other applicant did changed the case.
    const own = await request(stack.app)
      .get(`/api/v1/applicant/cases/${fx.caseId}`)
      .set('authorization', t.applicant)
      .expect(200);
    assert.notEqual(own.body.status, 'withdrawn');
  });

  it('when the token is forged, expired, for another audience, unsigned or lacks its claims, then every one is a 401 problem with WWW-Authenticate', async () => {
    // Arrange
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const base = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(stack.config.AUTH_ISSUER)
        .setAudience(stack.config.AUTH_AUDIENCE)
        .setExpirationTime('1h');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'x', role: 'supervisor', iss: stack.config.AUTH_ISSUER, aud: stack.config.AUTH_AUDIENCE }),
    ).toString('base64url')}.`;
    const bad: Record<string, string> = {
      expired: `Bearer ${await base({ sub: 'a', role: 'applicant' })
        .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
        .sign(key)}`,
      otherAudience: `Bearer ${await base({ sub: 'a', role: 'applicant' }).setAudience('another-api').sign(key)}`,
      otherIssuer: `Bearer ${await base({ sub: 'a', role: 'applicant' }).setIssuer('someone-else').sign(key)}`,
      unsigned: `Bearer ${unsigned}`,
      unknownRole: `Bearer ${await base({ sub: 'a', role: 'admin' }).sign(key)}`,
      officerWithoutDepartment: `Bearer ${await base({ sub: 'a', role: 'officer' }).sign(key)}`,
      officerOfUnknownDepartment: `Bearer ${await base({ sub: 'a', role: 'officer', department: 'tax' }).sign(key)}`,
      noSubject: `Bearer ${await base({ role: 'supervisor' }).sign(key)}`,
      basicScheme: 'Basic YWRtaW46YWRtaW4=',
      garbage: 'Bearer not-a-token',
      empty: 'Bearer ',
    };

    for (const [name, header] of Object.entries(bad)) {
      // Act
      const res = await request(stack.app).get('/api/v1/supervisor/stuck-cases?reason=overdue').set('authorization', header);

      // Assert
      assert.equal(res.status, 401, `${name}: ${res.status} ${JSON.stringify(res.body)}`);
      assertProblem(res, 401);
      assert.equal(res.headers['www-authenticate'], 'Bearer');
    }
  });
});
