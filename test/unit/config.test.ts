import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apiConfigIssues,
  ConfigError,
  departmentSystemsApiKey,
  DEVELOPMENT_SIMULATOR_API_KEY,
  identityWebClientUris,
  loadApiConfig,
  loadConfig,
  loadWorkerConfig,
  smsGatewayApiKey,
} from '../../config/config';
import { testKey } from '../support/test-keys';

describe('config', () => {
  it('when nothing is set, then the embedded defaults apply', () => {
    const c = loadConfig({});
    assert.equal(c.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.equal(c.MONGODB_URI, 'mongodb://127.0.0.1:27017/hukou');
    assert.equal(c.API_PORT, 3000);
  });

  it('when the pages move (API_PORT, WEB_BASE_URL), then the sign-in provider lets them back in where they are, unless set', () => {
    assert.deepEqual(identityWebClientUris(loadConfig({})), {
      redirectUris: ['http://127.0.0.1:3000/auth/callback'],
      postLogoutRedirectUris: ['http://127.0.0.1:3000/'],
    });
    assert.deepEqual(identityWebClientUris(loadConfig({ API_PORT: '13000' })).redirectUris, [
      'http://127.0.0.1:13000/auth/callback',
    ]);
    assert.deepEqual(identityWebClientUris(loadConfig({ WEB_BASE_URL: 'https://hukou.example.gov.cn/' })), {
      redirectUris: ['https://hukou.example.gov.cn/auth/callback'],
      postLogoutRedirectUris: ['https://hukou.example.gov.cn/'],
    });
    const set = loadConfig({ API_PORT: '13000', IDENTITY_WEB_REDIRECT_URIS: 'https://a.example/cb, https://b.example/cb' });
    assert.deepEqual(identityWebClientUris(set).redirectUris, ['https://a.example/cb', 'https://b.example/cb']);
  });

  it('when a variable is invalid, then start-up fails with a message naming it', () => {
    assert.throws(
      () => loadConfig({ API_PORT: 'eighty', MONGODB_URI: 'postgres://x' }),
      (err: unknown) => err instanceof ConfigError && /API_PORT="eighty"/.test(err.message) && /MONGODB_URI=/.test(err.message),
    );
  });

  it('when TRUST_PROXY would trust everyone, then it is refused; proxies named by address or hops are taken', () => {
    for (const everyone of ['true', '*', '0.0.0.0/0', '10.0.0.1, ::/0'])
      assert.throws(() => loadConfig({ TRUST_PROXY: everyone }), /TRUST_PROXY/, everyone);
    assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).TRUST_PROXY, '10.0.0.0/8, loopback');
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY, '1');
    assert.equal(loadConfig({}).TRUST_PROXY, undefined);
  });

  it('when AUTO_APPROVE_DEPARTMENTS names the police, then it is refused: their officer always decides', () => {
    assert.throws(
      () => loadConfig({ AUTO_APPROVE_DEPARTMENTS: 'housing,police' }),
      /AUTO_APPROVE_DEPARTMENTS.*police officers always decide/s,
    );
    assert.deepEqual(loadConfig({ AUTO_APPROVE_DEPARTMENTS: 'housing, education' }).AUTO_APPROVE_DEPARTMENTS, [
      'housing',
      'education',
    ]);
  });

  it('when TEMPORAL_ADDRESS lacks a port, then it is refused', () => {
    assert.throws(() => loadConfig({ TEMPORAL_ADDRESS: 'localhost' }), /TEMPORAL_ADDRESS/);
  });

  it('when production runs without PAYLOAD_ENCRYPTION_KEYS, then start-up fails naming it', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: testKey('jwt'), SESSION_SECRET: testKey('session') }),
      // Said to be unset: "(value withheld)" would suggest a value that was refused.
      (err: unknown) => err instanceof ConfigError && /PAYLOAD_ENCRYPTION_KEYS=\(unset\)/.test(err.message),
    );
    const key = testKey(1);
    const c = loadConfig({
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: testKey('jwt'),
      SESSION_SECRET: testKey('session'),
      PAYLOAD_ENCRYPTION_KEYS: ` ${key} `,
      DATA_ENCRYPTION_KEYS: `k1:${testKey(2)}`,
      BLIND_INDEX_KEY: testKey(3),
    });
    assert.deepEqual(c.PAYLOAD_ENCRYPTION_KEYS, [key]);
  });

  it('when production runs without DATA_ENCRYPTION_KEYS or BLIND_INDEX_KEY, then start-up fails naming each', () => {
    const key = testKey(1);
    const base = {
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: testKey('jwt'),
      SESSION_SECRET: testKey('session'),
      PAYLOAD_ENCRYPTION_KEYS: testKey(9),
    };
    assert.throws(
      () => loadConfig({ ...base, BLIND_INDEX_KEY: key }),
      (err: unknown) =>
        err instanceof ConfigError && /DATA_ENCRYPTION_KEYS/.test(err.message) && !/BLIND_INDEX_KEY/.test(err.message),
    );
    assert.throws(
      () => loadConfig({ ...base, DATA_ENCRYPTION_KEYS: `k1:${key}` }),
      (err: unknown) => err instanceof ConfigError && /BLIND_INDEX_KEY/.test(err.message) && !err.message.includes(key),
    );
    assert.throws(() => loadConfig({ DATA_ENCRYPTION_KEYS: 'k 1:abc' }), /DATA_ENCRYPTION_KEYS=\(value withheld\)/);
    assert.throws(() => loadConfig({ DATA_CIPHER: 'des' }), /DATA_CIPHER/);
    assert.equal(loadConfig({ DATA_CIPHER: 'sm4-ctr-hmac-sm3' }).DATA_CIPHER, 'sm4-ctr-hmac-sm3');
  });

  it('when the API runs in production without SESSION_SECRET, then start-up fails naming it without echoing any secret', () => {
    const key = testKey(1);
    const issues = apiConfigIssues(
      loadConfig({
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: testKey('jwt'),
        PAYLOAD_ENCRYPTION_KEYS: key,
        DATA_ENCRYPTION_KEYS: `k1:${testKey(2)}`,
        BLIND_INDEX_KEY: testKey(3),
      }),
    ).join('\n');
    assert.match(issues, /SESSION_SECRET/);
    assert.ok(!issues.includes(key));
    assert.throws(
      () => loadConfig({ SESSION_SECRET: 'short-secret' }),
      (err: unknown) => err instanceof ConfigError && /SESSION_SECRET=\(value withheld\)/.test(err.message),
    );
  });

  it('when a production API start lacks a variable every process needs and one of its own, then one error names both', () => {
    // Arrange: no payload key (every process's rule), no session secret nor metrics port (the API's).
    const env = {
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: testKey(4),
      DATA_ENCRYPTION_KEYS: `k1:${testKey(2)}`,
      BLIND_INDEX_KEY: testKey(3),
    };

    // Act + Assert
    assert.throws(
      () => loadApiConfig(env),
      (err: unknown) =>
        err instanceof ConfigError &&
        /PAYLOAD_ENCRYPTION_KEYS=\(unset\)/.test(err.message) &&
        /SESSION_SECRET: set SESSION_SECRET in production/.test(err.message) &&
        /METRICS_PORT: set it in production/.test(err.message) &&
        /WEB_BASE_URL: set it in production/.test(err.message) &&
        !/AUTH_JWT_SECRET/.test(err.message) &&
        // Each issue names its variable, for a program as for the log.
        err.issues.map((i) => i.key).join() === 'PAYLOAD_ENCRYPTION_KEYS,SESSION_SECRET,METRICS_PORT,WEB_BASE_URL',
    );
    // With the shared rules met, the API's own are still checked; with everything set, it loads.
    const shared = { ...env, PAYLOAD_ENCRYPTION_KEYS: testKey(5) };
    assert.throws(() => loadApiConfig(shared), /SESSION_SECRET[\s\S]*METRICS_PORT/);
    const all = {
      ...shared,
      SESSION_SECRET: testKey(6),
      METRICS_PORT: '9100',
      WEB_BASE_URL: 'https://hukou.example.gov.cn',
    };
    assert.equal(loadApiConfig(all).METRICS_PORT, 9100);
  });

  it('when a production API would take shared-secret tokens beside a provider, or speak plain http to it or to browsers elsewhere, then start-up fails naming each', () => {
    // Found by an operator's trial: with both set an HS256 supervisor token minted with the secret
    // was taken; an http issuer started and every sign-in was then a 500.
    const ok = {
      NODE_ENV: 'production',
      PAYLOAD_ENCRYPTION_KEYS: testKey(5),
      DATA_ENCRYPTION_KEYS: `k1:${testKey(2)}`,
      BLIND_INDEX_KEY: testKey(3),
      SESSION_SECRET: testKey(6),
      METRICS_PORT: '9100',
      AUTH_JWKS_URL: 'https://id.example.gov.cn/oidc/jwks',
      WEB_OIDC_ISSUER: 'https://id.example.gov.cn/oidc',
      WEB_BASE_URL: 'https://hukou.example.gov.cn',
    };
    assert.equal(loadApiConfig(ok).AUTH_JWKS_URL, ok.AUTH_JWKS_URL);
    const keysOf = (env: Record<string, string>) => {
      try {
        loadApiConfig(env);
        return [];
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.issues.map((i) => i.key);
      }
    };
    assert.deepEqual(keysOf({ ...ok, AUTH_JWT_SECRET: testKey(4) }), ['AUTH_JWT_SECRET']);
    assert.deepEqual(keysOf({ ...ok, AUTH_JWKS_URL: 'http://id.example.gov.cn/oidc/jwks' }), ['AUTH_JWKS_URL']);
    assert.deepEqual(keysOf({ ...ok, WEB_OIDC_ISSUER: 'http://id.example.gov.cn/oidc' }), ['WEB_OIDC_ISSUER']);
    assert.deepEqual(keysOf({ ...ok, WEB_BASE_URL: 'http://hukou.example.gov.cn' }), ['WEB_BASE_URL']);
    // This machine may be reached over http: a browser treats localhost as secure, and so do we.
    assert.deepEqual(
      keysOf({ ...ok, WEB_BASE_URL: 'http://localhost:3000', AUTH_JWKS_URL: 'http://127.0.0.1:3200/oidc/jwks' }),
      [],
    );
    // Outside production nothing of this is asked (npm start sets both and speaks http).
    assert.deepEqual(
      keysOf({ ...ok, NODE_ENV: 'development', AUTH_JWT_SECRET: testKey('jwt'), WEB_OIDC_ISSUER: 'http://127.0.0.1:3200/oidc' }),
      [],
    );
  });

  it('when a production worker has no SMTP_URL or SMS_GATEWAY_URL, then start-up fails naming them beside every process’s issues; elsewhere the mail sink and simulator are the defaults', () => {
    const env = {
      NODE_ENV: 'production',
      DATA_ENCRYPTION_KEYS: `k1:${testKey(2)}`,
      BLIND_INDEX_KEY: testKey(3),
    };
    assert.throws(
      () => loadWorkerConfig(env),
      (err: unknown) =>
        err instanceof ConfigError && err.issues.map((i) => i.key).join() === 'PAYLOAD_ENCRYPTION_KEYS,SMTP_URL,SMS_GATEWAY_URL',
    );
    const full: Record<string, string> = {
      ...env,
      PAYLOAD_ENCRYPTION_KEYS: testKey(5),
      SMTP_URL: 'smtps://mail.example.gov.cn',
    };
    assert.throws(() => loadWorkerConfig(full), /SMS_GATEWAY_URL=\(unset\): set it in production/);
    full.SMS_GATEWAY_URL = 'https://sms.tencentcloudapi.com';
    assert.equal(loadWorkerConfig(full).SMTP_URL, 'smtps://mail.example.gov.cn');
    assert.equal(loadWorkerConfig({}).SMS_GATEWAY_URL, undefined, 'development: the simulator’s, at DEPARTMENT_SYSTEMS_URL');
    assert.equal(loadWorkerConfig({}).SMTP_URL, 'smtp://127.0.0.1:2525');
  });

  it('when the office opens at or after it closes, then start-up fails naming OFFICE_OPEN', () => {
    assert.equal(loadConfig({}).OFFICE_OPEN, '09:00');
    assert.throws(() => loadConfig({ OFFICE_OPEN: '17:00' }), /OFFICE_OPEN=.*must be before OFFICE_CLOSE \(17:00\)/);
    assert.throws(() => loadConfig({ OFFICE_OPEN: '9:00' }), /OFFICE_OPEN/);
    assert.equal(loadConfig({ OFFICE_OPEN: '08:30', OFFICE_CLOSE: '17:30' }).OFFICE_OPEN, '08:30');
  });

  it('when a payload key is not 32 bytes, then it is refused without echoing the secret', () => {
    const bad = Buffer.alloc(16, 1).toString('base64');
    assert.throws(
      () => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `${testKey(2)},${bad}` }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /PAYLOAD_ENCRYPTION_KEYS=\(value withheld\)/.test(err.message) &&
        !err.message.includes(bad),
    );
  });

  it('when a worker is stopped, then it cancels its activities at once and gives up only after the force time', () => {
    const c = loadConfig({});
    assert.equal(c.WORKER_SHUTDOWN_GRACE_MS, 0);
    assert.equal(c.WORKER_SHUTDOWN_FORCE_MS, 25_000);
    assert.throws(
      () => loadConfig({ WORKER_SHUTDOWN_GRACE_MS: '30000', WORKER_SHUTDOWN_FORCE_MS: '30000' }),
      /WORKER_SHUTDOWN_FORCE_MS="30000": must be longer than WORKER_SHUTDOWN_GRACE_MS/,
    );
  });

  it('when WORKER_METRICS_ADDRESS is unset, then the worker serves no metrics; set, it must be host:port', () => {
    assert.equal(loadConfig({}).WORKER_METRICS_ADDRESS, undefined);
    for (const ok of ['127.0.0.1:9464', '0.0.0.0:0', '[::1]:9464', 'worker:9464'])
      assert.equal(loadConfig({ WORKER_METRICS_ADDRESS: ok }).WORKER_METRICS_ADDRESS, ok);
    for (const bad of ['9464', '127.0.0.1', 'localhost:70000', 'http://127.0.0.1:9464'])
      assert.throws(() => loadConfig({ WORKER_METRICS_ADDRESS: bad }), /WORKER_METRICS_ADDRESS/, bad);
  });

  it('when the SMS gateway is another provider, then the department systems key is never sent to it', () => {
    const deptKey = 'a-department-systems-key-of-32-characters-at-least';
    const prod = {
      NODE_ENV: 'production' as const,
      DEPARTMENT_SYSTEMS_URL: 'http://simulator:3100',
      DEPARTMENT_SYSTEMS_API_KEY: deptKey,
    };
    assert.equal(smsGatewayApiKey({ ...prod, SMS_GATEWAY_URL: undefined, SMS_GATEWAY_API_KEY: undefined }), deptKey);
    // Named explicitly at the department systems' own origin (docker-compose.yml): still that one credential.
    assert.equal(
      smsGatewayApiKey({ ...prod, SMS_GATEWAY_URL: 'http://simulator:3100/', SMS_GATEWAY_API_KEY: undefined }),
      deptKey,
    );
    assert.equal(
      smsGatewayApiKey({ ...prod, SMS_GATEWAY_URL: 'http://simulator:3101', SMS_GATEWAY_API_KEY: undefined }),
      undefined,
      'another port is another origin',
    );
    assert.equal(
      smsGatewayApiKey({ ...prod, SMS_GATEWAY_URL: 'https://sms.example.com', SMS_GATEWAY_API_KEY: undefined }),
      undefined,
    );
    assert.equal(
      smsGatewayApiKey({ ...prod, SMS_GATEWAY_URL: 'https://sms.example.com', SMS_GATEWAY_API_KEY: 'k'.repeat(32) }),
      'k'.repeat(32),
    );
    assert.equal(departmentSystemsApiKey({ NODE_ENV: 'production', DEPARTMENT_SYSTEMS_API_KEY: undefined }), undefined);
    assert.equal(
      departmentSystemsApiKey({ NODE_ENV: 'test', DEPARTMENT_SYSTEMS_API_KEY: undefined }),
      DEVELOPMENT_SIMULATOR_API_KEY,
    );
  });
});
