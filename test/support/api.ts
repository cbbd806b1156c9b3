/** Drives the HTTP API in integration tests: tokens, application bodies, submissions and waits. */
import assert from 'node:assert/strict';
import request from 'supertest';
import type { TokenClaims } from '../../api/auth/identity';
import { problemTypeUri } from '../../api/problem';
import type { ProblemCode } from '../../app/problem-codes';
import { computeCheckDigit, validateIdNumber } from '../../domain/id-number';
import { shanghaiToday } from '../../domain/shanghai-clock';
import type { Department, StepStatus } from '../../domain/vocabulary';
import type { CaseState } from '../../domain/case-state';
import { caseModel, type CaseDoc } from '../../models/case.model';
import type { DemoPerson, DemoPersona } from '../../tools/simulator/demo-people';
import { caseStatusQuery, settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { eventually, type TestStack } from './stack';

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export async function bearer(stack: TestStack, caller: TokenClaims): Promise<string> {
  return `Bearer ${await stack.token(caller)}`;
}

/**
 * An officer the service knows (app/officer-directory.ts): as in life, by their having used it
 * once (an inbox read with their token). A supervisor can then hand them a step. Their bearer header.
 */
export async function knownOfficer(stack: TestStack, caller: TokenClaims & { role: 'officer' }): Promise<string> {
  const auth = await bearer(stack, caller);
  await request(stack.app).get('/api/v1/officer/inbox').set('authorization', auth).expect(200);
  return auth;
}

/** Bearer headers for the usual cast of a test: two applicants, an officer per department, a supervisor. */
export async function tokens(stack: TestStack) {
  return {
    applicant: await bearer(stack, { sub: 'applicant-a', role: 'applicant' }),
    otherApplicant: await bearer(stack, { sub: 'applicant-b', role: 'applicant' }),
    police: await bearer(stack, { sub: 'officer-police', role: 'officer', department: 'police' }),
    hrss: await bearer(stack, { sub: 'officer-hrss', role: 'officer', department: 'hrss' }),
    housing: await bearer(stack, { sub: 'officer-housing', role: 'officer', department: 'housing' }),
    education: await bearer(stack, { sub: 'officer-education', role: 'officer', department: 'education' }),
    supervisor: await bearer(stack, { sub: 'supervisor-1', role: 'supervisor' }),
  };
}
export type Tokens = Awaited<ReturnType<typeof tokens>>;

let sequence = 100;

/**
 * A valid citizen ID number nobody has used yet in this process (Xi'an area code, 1990 birth
 * date): for fixtures that need a fresh applicant the department systems do not know.
 */
export function freshIdNumber(): string {
  sequence += 1;
  const day = String((sequence % 28) + 1).padStart(2, '0');
  const seq = String(sequence % 1000).padStart(3, '0');
  const first17 = `6101131990${String((Math.floor(sequence / 1000) % 12) + 1).padStart(2, '0')}${day}${seq}`;
  return first17 + computeCheckDigit(first17);
}

/**
 * A fresh valid ID number of a child born on `birth` (YYYYMMDD), for a family whose child must be
 * younger than the applicant and of an age for its school level (domain/school-age.ts).
 */
export function freshChildIdNumber(birth: string): string {
  sequence += 1;
  const first17 = `610113${birth}${String(sequence % 1000).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}

const member = (p: DemoPerson) => ({
  idNumber: p.idNumber,
  name: p.name,
  relation: p.relation,
  ...(p.schoolLevel ? { schoolLevel: p.schoolLevel } : {}),
});

/** The JSON body an applicant submits for a demo persona (and their family). */
export function applicationBody(persona: DemoPersona, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    route: persona.target.route,
    ...(persona.target.district ? { district: persona.target.district } : {}),
    ...(persona.target.town ? { town: persona.target.town } : {}),
    applicant: { idNumber: persona.idNumber, name: persona.name },
    family: persona.family.map(member),
    contact: { phone: '13800138000', email: 'applicant@example.cn', locale: 'zh-CN' },
    ...overrides,
  };
}

/** A town-route application (police + housing) for a fresh, unknown person. */
export function townBody(idNumber = freshIdNumber(), overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    route: 'town',
    town: 'huyi',
    applicant: { idNumber, name: '王测试' },
    family: [],
    contact: { phone: '13900139000', locale: 'zh-CN' },
    ...overrides,
  };
}

/**
 * `auth` as the account of the person the body applies for. An account applies only as the person
 * its provider verified (claim `id_number`, app/commands/submit-application.ts), so a test account
 * that applies for many people stands for as many accounts sharing its `sub`. A header that names
 * an ID number already, or not an applicant, or a body whose number is invalid, is kept as it is.
 */
export async function asApplicantOf(stack: TestStack, auth: string, body: unknown): Promise<string> {
  const payload = /^Bearer [^.]+\.([^.]+)\./.exec(auth)?.[1];
  const claims = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>) : {};
  const idNumber = (body as { applicant?: { idNumber?: unknown } } | undefined)?.applicant?.idNumber;
  if (claims.role !== 'applicant' || claims.id_number !== undefined || typeof idNumber !== 'string') return auth;
  // A number no provider would have verified stays in the body only: the body's 400 names it.
  const checked = validateIdNumber(idNumber, { today: shanghaiToday() });
  if (!checked.ok) return auth;
  const name = typeof claims.name === 'string' ? { name: claims.name } : {};
  return bearer(stack, { sub: String(claims.sub), role: 'applicant', idNumber: checked.value, ...name });
}

/** Submits through the API as the account of the person applied for; returns the accepted case id (asserting the 202). */
export async function submitCase(stack: TestStack, auth: string, body: unknown, key?: string): Promise<string> {
  const req = request(stack.app)
    .post('/api/v1/applicant/cases')
    .set('authorization', await asApplicantOf(stack, auth, body));
  if (key) req.set('idempotency-key', key);
  const res = await req.send(body as object);
  assert.equal(res.status, 202, `submission refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.caseId as string;
}

/**
 * Waits until the case's workflow reaches a state that satisfies `ok`, then until the read model
 * (what the API serves) shows it too. Failing the second wait means the projection lost a
 * transition, which the error says in so many words rather than as a bare timeout.
 */
export async function waitForCase(
  stack: TestStack,
  caseId: string,
  ok: (c: CaseState) => boolean,
  what: string,
  timeoutMs = 30_000,
  readModelLagMs = READ_MODEL_LAG_MS,
): Promise<CaseDoc> {
  const live = await waitForWorkflow(stack, caseId, ok, what, timeoutMs);
  const cases = caseModel(stack.mongo);
  try {
    return await eventually(
      async () => {
        const c = await cases.findById(caseId).lean();
        return c && ok(c) ? c : undefined;
      },
      `the read model: ${what}`,
      readModelLagMs,
    );
  } catch {
    const doc = await cases.findById(caseId).lean();
    const steps = (c: CaseState | null | undefined) =>
      JSON.stringify(Object.values(c?.steps ?? {}).map((s) => `${s.department}:${s.status}`));
    throw new Error(
      `the read model never caught up with the workflow (${what}): read model seq ${doc?.seq} ${doc?.status} ${steps(doc)}, ` +
        `workflow ${live.status} ${steps(live)}`,
    );
  }
}

/** Waits until the case's workflow (the source of truth) reaches a state that satisfies `ok`. */
export async function waitForWorkflow(
  stack: TestStack,
  caseId: string,
  ok: (c: CaseState) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<CaseState> {
  const handle = stack.client.workflow.getHandle(settlementCaseWorkflowId(caseId));
  return eventually(
    async () => {
      const c = await handle.query(caseStatusQuery);
      return ok(c) ? c : undefined;
    },
    `the workflow: ${what}`,
    timeoutMs,
  );
}

/**
 * How long the read model may trail the workflow before a test calls it lost. A lost transition
 * never catches up, so the bound only has to outlast a projection activity's retry after an
 * outage a test injected (backoff 0.5 s doubling), on a loaded 2-core machine: 5 s was seen to
 * fall short once after a worker restart.
 */
const READ_MODEL_LAG_MS = 15_000;

export function waitForStep(stack: TestStack, caseId: string, department: Department, status: StepStatus, timeoutMs?: number) {
  return waitForCase(stack, caseId, (c) => c.steps[department]?.status === status, `${department} ${status}`, timeoutMs);
}

export function waitForStatus(stack: TestStack, caseId: string, status: CaseDoc['status'], timeoutMs?: number) {
  return waitForCase(stack, caseId, (c) => c.status === status, `case ${status}`, timeoutMs);
}

/** Decides a step through the API as that department's officer (asserting the 200). */
export async function decideViaApi(
  stack: TestStack,
  auth: string,
  caseId: string,
  department: Department,
  body: Record<string, unknown> = { decision: 'approve' },
) {
  // A decision goes to the workflow, so only the workflow needs to be ready for it.
  await waitForWorkflow(stack, caseId, (c) => c.steps[department]?.status === 'awaiting_decision', `${department} awaiting`);
  const res = await request(stack.app)
    .post(`/api/v1/officer/cases/${caseId}/steps/${department}/decision`)
    .set('authorization', auth)
    .send(body);
  assert.equal(res.status, 200, `decision refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { step: Record<string, unknown> };
}

/** Asserts an RFC 9457 problem response with the given status. */
export function assertProblem(res: request.Response, status: number): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.equal(res.headers['content-type'], PROBLEM_JSON);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.type, 'string');
  assert.equal(typeof res.body.title, 'string');
  assert.equal(typeof res.body.detail, 'string');
}

/** The invalidParams paths of a 400 problem. */
export function invalidPaths(res: request.Response): string[] {
  return ((res.body.invalidParams ?? []) as Array<{ path: string }>).map((p) => p.path);
}

/** The `type` the API answers a problem of `code` with: a page of the stack's own address (WEB_BASE_URL). */
export function problemType(stack: Pick<TestStack, 'config'>, code: ProblemCode): string {
  return problemTypeUri(stack.config)(code);
}
