/**
 * Authorization matrix: every route of the OpenAPI document × every kind of caller. The route
 * list comes from the document, so a new route without an entry here fails the suite. Officers
 * come in scopes too (issue 15, README "Officer scope"): city-wide (`stepOfficer`), of the cases'
 * district (`districtOfficer`), of another district (`otherDistrictOfficer`: another district's
 * case is a 404, as a missing one) and with no scope claim at all (`unscopedOfficer`: 403).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import request from 'supertest';
import { TEST_JWT_SECRET, startStack, type TestStack } from '../support/stack';
import {
  asApplicantOf,
  assertProblem,
  bearer,
  knownOfficer,
  submitCase,
  tokens,
  townBody,
  waitForWorkflow,
  type Tokens,
} from '../support/api';
import { documentedRoutes, type OpenApiDoc } from '../support/openapi';

type CoreKind =
  | 'none'
  | 'badToken'
  | 'owner'
  | 'otherApplicant'
  | 'stepOfficer'
  | 'otherOfficer'
  | 'districtOfficer'
  | 'otherDistrictOfficer'
  | 'unscopedOfficer'
  | 'supervisor';

/** The area of the matrix's cases (townBody) and the areas of the other district's officers. */
const CASE_AREA = 'huyi';
const OTHER_AREAS = ['yanta', 'zhouzhi'] as const;
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
  /** The district officer's own cases for the actions that change a case (deciding, claiming, releasing). */
  districtDecisionCaseId: string;
  districtClaimCaseId: string;
  /** Its police step is held by `districtOfficer`. */
  districtReleaseCaseId: string;
  probeId: string;
  /** A round this stack's rounds files announce (test/support/rounds.ts). */
  roundId: string;
}

interface Entry {
  /** The concrete request: path with parameters filled in, query, body, headers (per caller, where one's success would spoil another's). */
  call: (fx: Fixtures, caller: CallerKind) => { path: string; body?: object; headers?: Record<string, string> };
  /** auditor / operator, when not given: 403 on a route that needs a token, else what an anonymous caller gets. */
  expect: Record<CoreKind, number> & Partial<Record<'auditor' | 'operator', number>>;
  /** The department of the scoped officers (district, other district, unscoped) on this route; police when absent. */
  scopedDepartment?: 'education';
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
  districtOfficer: 200,
  otherDistrictOfficer: 200,
  unscopedOfficer: 200,
  supervisor: 200,
};
const UNAUTHENTICATED = { none: 401, badToken: 401 } as const;
/** Scoped officers on a route that is not an officer's: the role refuses, or the missing scope claim. */
const NO_OFFICERS = { districtOfficer: 403, otherDistrictOfficer: 403, unscopedOfficer: 403 } as const;
/** Callbacks prove themselves by a signature: every caller without one is a 401, whatever their token. */
const SIGNED_ONLY = {
  none: 401,
  badToken: 401,
  owner: 401,
  otherApplicant: 401,
  stepOfficer: 401,
  otherOfficer: 401,
  districtOfficer: 401,
  otherDistrictOfficer: 401,
  unscopedOfficer: 401,
  supervisor: 401,
  auditor: 401,
  operator: 401,
};
const onlySupervisor = (ok: number) => ({
  ...UNAUTHENTICATED,
  ...NO_OFFICERS,
  owner: 403,
  otherApplicant: 403,
  stepOfficer: 403,
  otherOfficer: 403,
  supervisor: ok,
});
/** An officer route on one case: the district's officer gets what the city-wide one gets; another district's, a 404. */
const scoped = (ok: number) => ({ districtOfficer: ok, otherDistrictOfficer: 404, unscopedOfficer: 403 });
/** The district officer acts on their own case where one officer's success would change the next one's answer. */
const own = (fx: Fixtures, caller: CallerKind, cityCase: string, districtCase: string) =>
  caller === 'districtOfficer' ? districtCase : cityCase;

/** The step the matrix acts on is police's; `otherOfficer` works for education, which a town case does not involve. */
const MATRIX: Record<string, Entry> = {
  'GET /healthz': { call: () => ({ path: '/healthz' }), expect: PUBLIC },
  'GET /readyz': { call: () => ({ path: '/readyz' }), expect: PUBLIC },
  'GET /metrics': { call: () => ({ path: '/metrics' }), expect: PUBLIC },
  'GET /api/v1/openapi.json': { call: () => ({ path: '/api/v1/openapi.json' }), expect: PUBLIC },
  'GET /api/v1/docs': { call: () => ({ path: '/api/v1/docs' }), expect: PUBLIC },
  // The problem types' documentation: what every problem's `type` points at, for anyone.
  'GET /problems': { call: () => ({ path: '/problems' }), expect: PUBLIC },
  'GET /problems/{code}': { call: () => ({ path: '/problems/open-case-exists' }), expect: PUBLIC },

  'POST /api/v1/applicant/cases': {
    call: () => ({ path: '/api/v1/applicant/cases', body: townBody() }),
    expect: {
      ...UNAUTHENTICATED,
      ...NO_OFFICERS,
      owner: 202,
      otherApplicant: 202,
      stepOfficer: 403,
      otherOfficer: 403,
      supervisor: 403,
    },
  },
  'GET /api/v1/applicant/cases': {
    call: () => ({ path: '/api/v1/applicant/cases' }),
    expect: {
      ...UNAUTHENTICATED,
      ...NO_OFFICERS,
      owner: 200,
      otherApplicant: 200,
      stepOfficer: 403,
      otherOfficer: 403,
      supervisor: 403,
    },
  },
  'GET /api/v1/applicant/cases/{caseId}': {
    call: (fx) => ({ path: `/api/v1/applicant/cases/${fx.caseId}` }),
    expect: {
      ...UNAUTHENTICATED,
      ...NO_OFFICERS,
      owner: 200,
      otherApplicant: 404,
      stepOfficer: 403,
      otherOfficer: 403,
      supervisor: 403,
    },
  },
  'GET /api/v1/applicant/cases/{caseId}/notices': {
    call: (fx) => ({ path: `/api/v1/applicant/cases/${fx.caseId}/notices` }),
    expect: {
      ...UNAUTHENTICATED,
      ...NO_OFFICERS,
      owner: 200,
      otherApplicant: 404,
      stepOfficer: 403,
      otherOfficer: 403,
      supervisor: 403,
    },
  },
  'POST /api/v1/applicant/cases/{caseId}/supplements': {
    call: (fx) => ({
      path: `/api/v1/applicant/cases/${fx.caseId}/supplements`,
      body: { department: 'housing', items: [{ name: '租赁合同', reference: 'upload:1' }] },
    }),
    // The owner gets past every access check to the business rule: nothing was asked for.
    expect: {
      ...UNAUTHENTICATED,
      ...NO_OFFICERS,
      owner: 409,
      otherApplicant: 404,
      stepOfficer: 403,
      otherOfficer: 403,
      supervisor: 403,
    },
  },
  'POST /api/v1/applicant/cases/{caseId}/withdrawal': {
    call: (fx) => ({ path: `/api/v1/applicant/cases/${fx.withdrawCaseId}/withdrawal`, body: {} }),
    expect: {
      ...UNAUTHENTICATED,
      ...NO_OFFICERS,
      owner: 202,
      otherApplicant: 404,
      stepOfficer: 403,
      otherOfficer: 403,
      supervisor: 403,
    },
  },

  'GET /api/v1/officer/inbox': {
    call: () => ({ path: '/api/v1/officer/inbox' }),
    // A list: another district's officer gets their own (without these cases; see the test below).
    expect: {
      ...UNAUTHENTICATED,
      ...scoped(200),
      otherDistrictOfficer: 200,
      owner: 403,
      otherApplicant: 403,
      stepOfficer: 200,
      otherOfficer: 200,
      supervisor: 403,
    },
  },
  'GET /api/v1/officer/cases/{caseId}': {
    call: (fx) => ({ path: `/api/v1/officer/cases/${fx.caseId}` }),
    expect: {
      ...UNAUTHENTICATED,
      ...scoped(200),
      owner: 403,
      otherApplicant: 403,
      stepOfficer: 200,
      otherOfficer: 404,
      supervisor: 403,
    },
  },
  'POST /api/v1/officer/cases/{caseId}/steps/{department}/decision': {
    call: (fx, caller) => ({
      path: `/api/v1/officer/cases/${own(fx, caller, fx.decisionCaseId, fx.districtDecisionCaseId)}/steps/police/decision`,
      body: { decision: 'approve' },
    }),
    expect: {
      ...UNAUTHENTICATED,
      ...scoped(200),
      owner: 403,
      otherApplicant: 403,
      stepOfficer: 200,
      otherOfficer: 403,
      supervisor: 403,
    },
  },
  // No supplement is awaited on these steps: whoever may record one gets that 409, not a 200.
  'POST /api/v1/officer/cases/{caseId}/steps/{department}/counter-supplement': {
    call: (fx, caller) => ({
      path: `/api/v1/officer/cases/${own(fx, caller, fx.caseId, fx.districtDecisionCaseId)}/steps/police/counter-supplement`,
      body: { items: [{ name: '居住证', reference: '窗口收取' }] },
    }),
    expect: {
      ...UNAUTHENTICATED,
      ...scoped(409),
      owner: 403,
      otherApplicant: 403,
      stepOfficer: 409,
      otherOfficer: 403,
      supervisor: 403,
    },
  },
  'POST /api/v1/officer/cases/{caseId}/steps/{department}/claim': {
    call: (fx, caller) => ({
      path: `/api/v1/officer/cases/${own(fx, caller, fx.claimCaseId, fx.districtClaimCaseId)}/steps/police/claim`,
      body: {},
    }),
    expect: {
      ...UNAUTHENTICATED,
      ...scoped(200),
      owner: 403,
      otherApplicant: 403,
      stepOfficer: 200,
      otherOfficer: 403,
      supervisor: 403,
    },
  },
  'POST /api/v1/officer/cases/{caseId}/steps/{department}/release': {
    call: (fx, caller) => ({
      path: `/api/v1/officer/cases/${own(fx, caller, fx.releaseCaseId, fx.districtReleaseCaseId)}/steps/police/release`,
      body: {},
    }),
    expect: {
      ...UNAUTHENTICATED,
      ...scoped(200),
      owner: 403,
      otherApplicant: 403,
      stepOfficer: 200,
      otherOfficer: 403,
      supervisor: 403,
    },
  },
  'GET /api/v1/officer/school-waitlist': {
    call: () => ({ path: '/api/v1/officer/school-waitlist' }),
    // Education's list only (§21–23): the police officer is refused. Scoped officers here are education's.
    expect: {
      ...UNAUTHENTICATED,
      ...scoped(200),
      otherDistrictOfficer: 200,
      owner: 403,
      otherApplicant: 403,
      stepOfficer: 403,
      otherOfficer: 200,
      supervisor: 403,
    },
    scopedDepartment: 'education',
  },
  'POST /api/v1/officer/cases/{caseId}/children/{personIndex}/school-place': {
    call: (fx) => ({ path: `/api/v1/officer/cases/${fx.caseId}/children/1/school-place`, body: { school: '鄠邑区第一幼儿园' } }),
    // Education gets past every access check to the business rule: no child of this case waits.
    // Another district's education officer does not learn that the case exists.
    expect: {
      ...UNAUTHENTICATED,
      ...scoped(409),
      owner: 403,
      otherApplicant: 403,
      stepOfficer: 403,
      otherOfficer: 409,
      supervisor: 403,
    },
    scopedDepartment: 'education',
  },

  'GET /api/v1/supervisor/stuck-cases': {
    call: () => ({ path: '/api/v1/supervisor/stuck-cases?reason=overdue' }),
    expect: onlySupervisor(200),
  },
  // The officer directory: supervisors and operators read it; only an operator (the provider's
  // sync job) replaces it, with a roster that keeps the officer the reassign entry hands a step to.
  'GET /api/v1/officers': {
    call: () => ({ path: '/api/v1/officers' }),
    expect: { ...onlySupervisor(200), operator: 200 },
  },
  'PUT /api/v1/officers': {
    call: () => ({
      path: '/api/v1/officers',
      body: { officers: [{ sub: 'police-officer-9', department: 'police', jurisdiction: 'city' }] },
    }),
    expect: { ...onlySupervisor(403), operator: 200 },
  },
  'GET /api/v1/supervisor/cases': {
    call: () => ({ path: '/api/v1/supervisor/cases?caseNumber=HK-2026-000001' }),
    expect: onlySupervisor(200),
  },
  'GET /api/v1/supervisor/cases/{caseId}': {
    call: (fx) => ({ path: `/api/v1/supervisor/cases/${fx.caseId}` }),
    expect: onlySupervisor(200),
  },
  'POST /api/v1/supervisor/cases/{caseId}/steps/{department}/actions': {
    call: (fx) => ({
      path: `/api/v1/supervisor/cases/${fx.caseId}/steps/police/actions`,
      body: { action: 'reassign', officerId: 'police-officer-9', note: 'authz matrix' },
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
      body: { action: 'escalate', department: 'police', note: 'matrix', caseIds: ['00000000-0000-4000-8000-000000000000'] },
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
  // The letter of the case's 受理通知 SMS, to print and serve by post.
  'GET /api/v1/supervisor/cases/{caseId}/notices/{noticeId}/letter': {
    call: (fx) => ({
      path: `/api/v1/supervisor/cases/${fx.caseId}/notices/${encodeURIComponent(`${fx.caseId}:case_received:case:sms:applicant`)}/letter`,
    }),
    expect: onlySupervisor(200),
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
  // Issue 15 part 5: the retention runs, for supervisors and auditors.
  'GET /api/v1/retention-runs': {
    call: () => ({ path: '/api/v1/retention-runs' }),
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
    expect: {
      ...UNAUTHENTICATED,
      ...scoped(200),
      owner: 200,
      otherApplicant: 404,
      stepOfficer: 200,
      otherOfficer: 404,
      supervisor: 200,
    },
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
    expect: {
      ...UNAUTHENTICATED,
      owner: 404,
      otherApplicant: 404,
      stepOfficer: 404,
      otherOfficer: 404,
      districtOfficer: 404,
      otherDistrictOfficer: 404,
      unscopedOfficer: 403,
      supervisor: 404,
    },
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
  'unscopedOfficer',
  'otherDistrictOfficer',
  'otherOfficer',
  'districtOfficer',
  'stepOfficer',
  'owner',
  'supervisor',
];

describe('API: authorization matrix, every route × every caller', () => {
  let stack: TestStack;
  let t: Tokens;
  let fx: Fixtures;
  let headers: Record<CallerKind, string | undefined>;
  /** The scoped officers of education, for the routes that are education's (`scopedDepartment`). */
  let educationHeaders: Partial<Record<CallerKind, string>>;
  let doc: OpenApiDoc;
  const headerOf = (entry: Entry, caller: CallerKind) =>
    (entry.scopedDepartment === 'education' ? educationHeaders[caller] : undefined) ?? headers[caller];
  /** A token the API's secret signs, with these claims exactly (no helper defaults). */
  const signed = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(stack.config.AUTH_ISSUER)
      .setAudience(stack.config.AUTH_AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));

  before(async () => {
    stack = await startStack('api_authz');
    t = await tokens(stack);
    // The officer the matrix's supervisor reassigns a step to has used the service (the officer directory).
    await knownOfficer(stack, { sub: 'police-officer-9', role: 'officer', department: 'police' });
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
      // One area as a string, several as an array: both are what a provider may send.
      districtOfficer: await bearer(stack, { sub: 'police-huyi', role: 'officer', department: 'police', district: CASE_AREA }),
      otherDistrictOfficer: await bearer(stack, {
        sub: 'police-elsewhere',
        role: 'officer',
        department: 'police',
        district: OTHER_AREAS,
      }),
      unscopedOfficer: `Bearer ${await signed({ sub: 'police-nowhere', role: 'officer', department: 'police' })}`,
      supervisor: t.supervisor,
      auditor: `Bearer ${await stack.token({ sub: 'auditor-1', role: 'auditor' })}`,
      operator: `Bearer ${await stack.token({ sub: 'operator-1', role: 'operator' })}`,
    };
    educationHeaders = {
      districtOfficer: await bearer(stack, { sub: 'edu-huyi', role: 'officer', department: 'education', district: [CASE_AREA] }),
      otherDistrictOfficer: await bearer(stack, {
        sub: 'edu-elsewhere',
        role: 'officer',
        department: 'education',
        district: OTHER_AREAS,
      }),
      unscopedOfficer: `Bearer ${await signed({ sub: 'edu-nowhere', role: 'officer', department: 'education' })}`,
    };
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push(await submitCase(stack, t.applicant, townBody()));
    for (const id of ids)
      await waitForWorkflow(stack, id, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');
    const [caseId, withdrawCaseId, decisionCaseId, terminationCaseId, claimCaseId, releaseCaseId] = ids;
    const [districtDecisionCaseId, districtClaimCaseId, districtReleaseCaseId] = ids.slice(6);
    await request(stack.app)
      .post(`/api/v1/officer/cases/${releaseCaseId}/steps/police/claim`)
      .set('authorization', t.police)
      .send({})
      .expect(200);
    await request(stack.app)
      .post(`/api/v1/officer/cases/${districtReleaseCaseId}/steps/police/claim`)
      .set('authorization', headers.districtOfficer!)
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
      districtDecisionCaseId: districtDecisionCaseId!,
      districtClaimCaseId: districtClaimCaseId!,
      districtReleaseCaseId: districtReleaseCaseId!,
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
          const { path, body, headers: extra } = entry.call(fx, caller);
          const method = route.split(' ')[0]!.toLowerCase() as 'get' | 'post' | 'put';
          let req = request(stack.app)[method](path);
          const header = headerOf(entry, caller);
          // An applicant applies as themself (asApplicantOf): the owner's account is the body's person.
          if (header) req = req.set('authorization', body ? await asApplicantOf(stack, header, body) : header);
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
            assert.match(res.headers['www-authenticate'] ?? '', /^Bearer\b/, `${caller}: WWW-Authenticate`);
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

  it('when another district’s officer asks for a case or acts on it, then the answer is the same 404 as for a case that does not exist, and nothing changes', async () => {
    // Arrange
    const missing = '00000000-0000-4000-8000-000000000000';
    const calls = [
      (id: string) => request(stack.app).get(`/api/v1/officer/cases/${id}`),
      (id: string) => request(stack.app).get(`/api/v1/cases/${id}/timeline`),
      (id: string) => request(stack.app).post(`/api/v1/officer/cases/${id}/steps/police/claim`).send({}),
      (id: string) => request(stack.app).post(`/api/v1/officer/cases/${id}/steps/police/release`).send({}),
      (id: string) => request(stack.app).post(`/api/v1/officer/cases/${id}/steps/police/decision`).send({ decision: 'approve' }),
    ];
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, requestId: undefined });
    for (const call of calls) {
      // Act
      const theirs = await call(fx.caseId).set('authorization', headers.otherDistrictOfficer!);
      const nobodys = await call(missing).set('authorization', headers.otherDistrictOfficer!);

      // Assert
      assertProblem(theirs, 404);
      assert.deepEqual(strip(theirs.body), strip(nobodys.body));
    }
    const view = await request(stack.app).get(`/api/v1/officer/cases/${fx.caseId}`).set('authorization', t.police).expect(200);
    assert.equal(view.body.step.status, 'awaiting_decision', 'the other district’s decision changed nothing');
    // (The matrix's supervisor reassigned this step; the other district's officer never holds it.)
    assert.notEqual(view.body.step.assignedOfficer, 'police-elsewhere', 'the other district’s claim changed nothing');
  });

  it('when officers list their inbox, then the district’s officer sees the district’s cases and another district’s officer none of them, even asking for that area', async () => {
    // Act
    const inbox = async (who: CallerKind, query = '') =>
      (await request(stack.app).get(`/api/v1/officer/inbox?limit=100${query}`).set('authorization', headers[who]!).expect(200))
        .body.items as Array<{ caseId: string; area: string }>;
    const district = await inbox('districtOfficer');
    const elsewhere = await inbox('otherDistrictOfficer');
    const elsewhereAsking = await inbox('otherDistrictOfficer', `&area=${CASE_AREA}`);
    const city = await inbox('stepOfficer');

    // Assert
    assert.ok(
      district.some((i) => i.caseId === fx.caseId),
      'the district officer lists the district’s case',
    );
    assert.ok(
      city.some((i) => i.caseId === fx.caseId),
      'the city-wide officer lists it',
    );
    assert.deepEqual(
      district.filter((i) => i.area !== CASE_AREA),
      [],
    );
    assert.deepEqual(
      elsewhere.filter((i) => !(OTHER_AREAS as readonly string[]).includes(i.area)),
      [],
    );
    assert.deepEqual(elsewhereAsking, []);
  });

  it('when an officer token names no scope, then every door refuses it with a 403 problem naming the missing claim, never as city-wide', async () => {
    for (const path of ['/api/v1/officer/inbox', `/api/v1/officer/cases/${fx.caseId}`, `/api/v1/cases/${fx.caseId}/timeline`]) {
      // Act
      const res = await request(stack.app).get(path).set('authorization', headers.unscopedOfficer!);

      // Assert
      assertProblem(res, 403);
      assert.match(res.body.type, /\/missing-claim$/);
      assert.equal(res.body.claim, 'district');
      assert.match(res.body.detail, /`district`.*`jurisdiction: "city"`/);
    }
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
      officerOfUnknownDistrict: `Bearer ${await base({ sub: 'a', role: 'officer', department: 'police', district: ['atlantis'] }).sign(key)}`,
      officerOfUnknownJurisdiction: `Bearer ${await base({ sub: 'a', role: 'officer', department: 'police', jurisdiction: 'province' }).sign(key)}`,
      noSubject: `Bearer ${await base({ role: 'supervisor' }).sign(key)}`,
      basicScheme: 'Basic YWRtaW46YWRtaW4=',
      garbage: 'Bearer not-a-token',
      empty: 'Bearer ',
    };

    // Why, where the signature held (so it tells a forger nothing); a refused token says so in the challenge (RFC 6750).
    const said: Record<string, RegExp> = {
      expired: /has expired/,
      otherAudience: /`aud` claim/,
      otherIssuer: /`iss` claim/,
      officerOfUnknownDistrict: /`district` claim/,
      officerOfUnknownJurisdiction: /`jurisdiction` claim/,
      unknownRole: /valid role/,
      garbage: /invalid/,
    };
    const noTokenGiven = new Set(['basicScheme', 'empty']);

    for (const [name, header] of Object.entries(bad)) {
      // Act
      const res = await request(stack.app).get('/api/v1/supervisor/stuck-cases?reason=overdue').set('authorization', header);

      // Assert
      assert.equal(res.status, 401, `${name}: ${res.status} ${JSON.stringify(res.body)}`);
      assertProblem(res, 401);
      if (noTokenGiven.has(name)) assert.equal(res.headers['www-authenticate'], 'Bearer', name);
      else assert.match(res.headers['www-authenticate'] ?? '', /^Bearer error="invalid_token", error_description="[^"]+"$/, name);
      if (said[name]) assert.match(res.body.detail, said[name], name);
    }
  });

  it('when the scheme is written in another case (bearer, BEARER), then the token is taken as with Bearer', async () => {
    const token = t.supervisor.replace(/^Bearer /, '');
    for (const scheme of ['bearer', 'BEARER'])
      await request(stack.app)
        .get('/api/v1/supervisor/stuck-cases?reason=overdue')
        .set('authorization', `${scheme} ${token}`)
        .expect(200);
  });
});
