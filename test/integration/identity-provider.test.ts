/**
 * The embedded OpenID Connect provider (tools/identity; README "Sign-in"), in-process on a free
 * port against the run's FerretDB: a real authorization code + PKCE sign-in through its own
 * login and consent pages, its JWT access token accepted by the real API through the JWKS, a
 * wrong password refused on the login page, expiry enforced by the storage code, signing keys
 * that survive a restart.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { applicationBody, assertProblem, submitCase, waitForCase } from '../support/api';
import { createLogger } from '../../config/logger';
import { connectMongo } from '../../models/connection';
import { DEV_ACCOUNTS_FILE, loadAccounts, type AccountStore } from '../../tools/identity/accounts';
import { LOGIN_FAILURES_PER_ACCOUNT } from '../../tools/identity/interactions.router';
import { createMongoAdapter } from '../../tools/identity/mongo-adapter';
import { WEB_CLIENT_ID, WEB_SCOPES } from '../../tools/identity/clients';
import { createIdentityProvider, type IdentityProvider } from '../../tools/identity/provider';
import { signIn, SignInRefused } from '../../tools/identity/sign-in';
import { mongoUriFor } from '../support/services';
import { startStack, type TestStack } from '../support/stack';

const AUDIENCE = 'hukou-settlement-api';
const ROOT = join(__dirname, '..', '..');
const REDIRECT_URI = 'http://127.0.0.1:9/auth/callback';

interface Running {
  idp: IdentityProvider;
  server: Server;
  issuer: string;
}

async function startProvider(conn: Connection, accounts: AccountStore, dataDir: string, port = 0): Promise<Running> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`;
  const idp = await createIdentityProvider({
    issuer,
    audience: AUDIENCE,
    db: conn.db!,
    accounts,
    dataDir,
    webRedirectUris: [REDIRECT_URI],
    logger: createLogger({ level: 'silent', name: 'test-identity' }),
    sweepIntervalMs: 0,
  });
  server.on('request', idp.app);
  return { idp, server, issuer };
}

async function stopProvider(r: Running): Promise<void> {
  r.idp.close();
  r.server.closeAllConnections();
  await new Promise((resolve) => r.server.close(resolve));
}

const signInAs = (issuer: string, username: string, password: string) =>
  signIn({ issuer, clientId: WEB_CLIENT_ID, redirectUri: REDIRECT_URI, scope: WEB_SCOPES, username, password });

describe('embedded identity provider', () => {
  let conn: Connection;
  let accounts: AccountStore;
  let dataDir: string;
  let running: Running;
  let stack: TestStack;

  before(async () => {
    conn = await connectMongo({ uri: mongoUriFor(`test_identity_${randomUUID().slice(0, 8)}`), serverSelectionTimeoutMS: 5000 });
    accounts = await loadAccounts(DEV_ACCOUNTS_FILE);
    dataDir = mkdtempSync(join(tmpdir(), 'identity-'));
    running = await startProvider(conn, accounts, dataDir);
    stack = await startStack('identity', {
      env: { AUTH_JWKS_URL: `${running.issuer}/jwks`, AUTH_JWKS_ISSUER: running.issuer, AUTH_AUDIENCE: AUDIENCE },
    });
  });

  /** A town case in Huyi, submitted by its applicant's provider account, once its police step waits for a decision. */
  let huyiCase: Promise<string> | undefined;
  const huyiTownCase = () =>
    (huyiCase ??= (async () => {
      const tokens = await signInAs(running.issuer, 'townowner', 'demo-applicant');
      const caseId = await submitCase(stack, `Bearer ${tokens.accessToken}`, applicationBody(DEMO_PEOPLE.townOwner));
      await waitForCase(stack, caseId, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting a decision');
      return caseId;
    })());

  after(async () => {
    await stack?.close();
    if (running) await stopProvider(running);
    await conn?.dropDatabase();
    await conn?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when an applicant signs in with code + PKCE, then the API accepts the JWT access token on an applicant route', async () => {
    const tokens = await signInAs(running.issuer, 'townowner', 'demo-applicant');

    assert.equal(tokens.tokenType, 'Bearer');
    const access = decodeJwt(tokens.accessToken);
    assert.equal(decodeProtectedHeader(tokens.accessToken).alg, 'RS256');
    assert.deepEqual(
      { iss: access.iss, aud: access.aud, sub: access.sub, role: access.role, name: access.name, id: access.id_number },
      {
        iss: running.issuer,
        aud: AUDIENCE,
        sub: 'demo-townOwner',
        role: 'applicant',
        name: '吴海波',
        id: DEMO_PEOPLE.townOwner.idNumber,
      },
    );
    const id = decodeJwt(tokens.idToken);
    assert.deepEqual({ sub: id.sub, role: id.role, name: id.name }, { sub: 'demo-townOwner', role: 'applicant', name: '吴海波' });

    const res = await request(stack.app).get('/api/v1/applicant/cases').set('authorization', `Bearer ${tokens.accessToken}`);
    assert.equal(res.status, 200, res.text);
    // The account applies as the person the provider verified, never as another.
    const asAnother = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', `Bearer ${tokens.accessToken}`)
      .send(applicationBody(DEMO_PEOPLE.pointsLow));
    assert.equal(asAnother.status, 403, asAnother.text);
    assert.match(String(asAnother.body.type), /\/not-account-holder$/);
  });

  it('when an officer signs in, then the token carries role and department and the API treats them as that officer', async () => {
    const tokens = await signInAs(running.issuer, 'police', 'demo-officer');

    const access = decodeJwt(tokens.accessToken);
    assert.deepEqual(
      { role: access.role, department: access.department, jurisdiction: access.jurisdiction },
      { role: 'officer', department: 'police', jurisdiction: 'city' },
    );
    const auth = `Bearer ${tokens.accessToken}`;
    const res = await request(stack.app).get('/api/v1/applicant/cases').set('authorization', auth);
    assert.equal(res.status, 403, 'an officer is not an applicant');
    // A police officer: the police inbox lists a case waiting on the police; another department's step is refused.
    const caseId = await huyiTownCase();
    const inbox = await request(stack.app).get('/api/v1/officer/inbox?area=huyi').set('authorization', auth).expect(200);
    assert.ok(
      (inbox.body.items as Array<{ caseId: string }>).some((i) => i.caseId === caseId),
      'a city police officer sees the Huyi case',
    );
    const housing = await request(stack.app)
      .post(`/api/v1/officer/cases/${caseId}/steps/housing/decision`)
      .set('authorization', auth)
      .send({ decision: 'approve' });
    assertProblem(housing, 403);
    assert.match(String(housing.body.type), /\/wrong-department$/);
  });

  it('when a district officer signs in, then the access and ID tokens carry the district and the API keeps the inbox to it', async () => {
    const tokens = await signInAs(running.issuer, 'police-yanta', 'demo-officer');

    const access = decodeJwt(tokens.accessToken);
    assert.deepEqual({ department: access.department, district: access.district }, { department: 'police', district: ['yanta'] });
    assert.equal(access.jurisdiction, undefined);
    assert.deepEqual(decodeJwt(tokens.idToken).district, ['yanta']);
    const auth = `Bearer ${tokens.accessToken}`;
    const caseId = await huyiTownCase();
    const inbox = await request(stack.app).get('/api/v1/officer/inbox?area=huyi').set('authorization', auth).expect(200);
    assert.deepEqual(inbox.body.items, [], 'another area lists nothing');
    const all = await request(stack.app).get('/api/v1/officer/inbox').set('authorization', auth).expect(200);
    assert.ok(!(all.body.items as Array<{ caseId: string }>).some((i) => i.caseId === caseId), 'nor does the whole inbox');
    assertProblem(await request(stack.app).get(`/api/v1/officer/cases/${caseId}`).set('authorization', auth), 404);
    // The same case is there for a city-wide police officer: what kept it away was the district.
    const city = `Bearer ${(await signInAs(running.issuer, 'police', 'demo-officer')).accessToken}`;
    const cityInbox = await request(stack.app).get('/api/v1/officer/inbox?area=huyi').set('authorization', city).expect(200);
    assert.ok((cityInbox.body.items as Array<{ caseId: string }>).some((i) => i.caseId === caseId));
  });

  it('when an account signs in again after allowing access once, then consent is not asked again and the new token carries the same claims', async () => {
    const first = await signInAs(running.issuer, 'hrss-yanta', 'demo-officer');
    assert.equal(first.consentAsked, true, 'the first sign-in asks');
    const again = await signInAs(running.issuer, 'hrss-yanta', 'demo-officer');
    assert.equal(again.consentAsked, false, 'a new session of the same account does not ask again');
    const claims = (t: string) => {
      const { role, department, district, aud, scope } = decodeJwt(t);
      return { role, department, district, aud, scope };
    };
    assert.deepEqual(claims(again.accessToken), claims(first.accessToken));
    assert.equal(decodeJwt(again.idToken).name, decodeJwt(first.idToken).name);
    await request(stack.app).get('/api/v1/officer/inbox').set('authorization', `Bearer ${again.accessToken}`).expect(200);
    // Another account is still asked.
    assert.equal((await signInAs(running.issuer, 'housing-yanta', 'demo-officer')).consentAsked, true);
  });

  it('when both the dev secret and the JWKS are configured, then a script token (HS256) is still accepted', async () => {
    const token = await stack.token({ sub: 'demo-script', role: 'applicant' });

    const res = await request(stack.app).get('/api/v1/applicant/cases').set('authorization', `Bearer ${token}`);

    assert.equal(res.status, 200, res.text);
  });

  it('when npm run token signs in under a sign-in address the provider does not know (API_PORT not moved with it), then it says which setting to move', async () => {
    // Arrange: the provider knows REDIRECT_URI only; the script builds its address from API_PORT.
    const env: NodeJS.ProcessEnv = { ...process.env, IDENTITY_ISSUER: running.issuer, API_PORT: '4999' };
    delete env.WEB_BASE_URL;
    delete env.IDENTITY_WEB_REDIRECT_URIS;

    // Act (not spawnSync: the provider answers from this process)
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'scripts/token.ts'), '--username', 'police', '--password', 'demo-officer'],
        { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });

    // Assert
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /does not know the sign-in address http:\/\/127\.0\.0\.1:4999\/auth\/callback/);
    assert.match(run.stderr, /set API_PORT \(or WEB_BASE_URL\) as for npm start/);
    assert.doesNotMatch(run.stderr, /<html|<!DOCTYPE/i, 'no page dumped');
  });

  it('when the password is wrong, then the login page is shown again with the error and no stack trace', async () => {
    const refused = await signInAs(running.issuer, 'townowner', 'not-the-password').then(
      () => assert.fail('a wrong password must not sign in'),
      (err: unknown) => err,
    );

    assert.ok(refused instanceof SignInRefused, String(refused));
    assert.equal(refused.status, 401);
    assert.match(refused.page, /用户名或密码不正确/);
    assert.match(refused.page, /<form method="post" action="\/interaction\/[^"]+\/login/);
    assert.doesNotMatch(refused.page, /not-the-password|Error:|\bat .+:\d+:\d+/);
  });

  it('when an account fails to sign in five times, then the form refuses even the right password for a while (429), and other accounts still sign in', async () => {
    const refusal = (password: string) =>
      signInAs(running.issuer, 'hrss', password).then(
        () => assert.fail('must not sign in'),
        (err: unknown) => err as SignInRefused,
      );
    for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT; i++) assert.equal((await refusal(`wrong-${i}`)).status, 401);

    const locked = await refusal('demo-officer');

    assert.ok(locked instanceof SignInRefused, String(locked));
    assert.equal(locked.status, 429);
    assert.match(locked.page, /登录失败次数过多/);
    const other = await signInAs(running.issuer, 'housing', 'demo-officer');
    assert.equal(decodeJwt(other.accessToken).department, 'housing');
  });

  it('when a stored record has expired, then the adapter does not return it and the sweep deletes it', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const storage = createMongoAdapter(conn.db!, () => now);
    const grants = new storage.Adapter('Grant');
    const sessions = new storage.Adapter('Session');
    await grants.upsert('g-expired', { accountId: 'demo-townOwner', grantId: 'g-expired' }, 60);
    await sessions.upsert('s-live', { uid: 'u-live', accountId: 'demo-townOwner' }, 3600);
    await sessions.upsert('s-expired', { uid: 'u-expired', accountId: 'demo-townOwner' }, 60);

    now = new Date('2026-01-01T00:02:00Z');

    assert.equal(await grants.find('g-expired'), undefined);
    assert.equal(await sessions.findByUid('u-expired'), undefined);
    assert.equal((await sessions.findByUid('u-live'))?.accountId, 'demo-townOwner');
    assert.equal(await storage.sweepExpired(), 2);
    const left = await conn
      .db!.collection('oidc_records')
      .countDocuments({ _id: { $in: ['Grant:g-expired', 'Session:s-expired'] } } as never);
    assert.equal(left, 0);
  });

  it('when the provider restarts on the same key folder, then the signing key (kid) is the same and old tokens still verify', async () => {
    const before = await signInAs(running.issuer, 'supervisor', 'demo-supervisor');
    const kid = decodeProtectedHeader(before.accessToken).kid;
    const port = (running.server.address() as AddressInfo).port;

    await stopProvider(running);
    running = await startProvider(conn, accounts, dataDir, port);

    const jwks = (await (await fetch(`${running.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    assert.deepEqual(
      jwks.keys.map((k) => k.kid),
      [kid],
    );
    await jwtVerify(before.accessToken, createRemoteJWKSet(new URL(`${running.issuer}/jwks`)), {
      issuer: running.issuer,
      audience: AUDIENCE,
    });
    const after = await signInAs(running.issuer, 'supervisor', 'demo-supervisor');
    assert.equal(decodeProtectedHeader(after.accessToken).kid, kid);
  });
});
