/**
 * Production start refuses default, short and shared secrets (issue 15 §6, config/secret-rules.ts),
 * naming the variable and never echoing the value — through the config loader, and through the
 * real API entry point given docker-compose.yml's environment with the secret it used to ship.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  apiConfigIssues,
  ConfigError,
  DEVELOPMENT_SIMULATOR_API_KEY,
  DEVELOPMENT_SMS_CALLBACK_SECRET,
  loadConfig,
} from '../../config/config';
import { KNOWN_DEFAULT_SECRETS, SECRET_VARIABLES } from '../../config/secret-rules';
import { DEVELOPMENT_BLIND_INDEX_KEY, DEVELOPMENT_DATA_KEY } from '../../config/development-secrets';

const ROOT = join(__dirname, '..', '..');
/** The JWT secret docker-compose.yml defaulted to before it required every secret from the user. */
const OLD_COMPOSE_JWT_SECRET = 'change-me-to-a-long-random-secret-of-32-chars-or-more';

const random = () => randomBytes(32).toString('base64');
/** A valid production configuration, every secret its own random value. */
const production = (): Record<string, string> => ({
  NODE_ENV: 'production',
  AUTH_JWT_SECRET: random(),
  SESSION_SECRET: random(),
  PAYLOAD_ENCRYPTION_KEYS: random(),
  REGISTER_CALLBACK_SECRET: random(),
  SMS_CALLBACK_SECRET: random(),
  METRICS_TOKEN: random(),
  DEPARTMENT_SYSTEMS_API_KEY: random(),
  DATA_ENCRYPTION_KEYS: `k1:${random()}`,
  BLIND_INDEX_KEY: random(),
  WEB_BASE_URL: 'https://hukou.example.gov.cn',
});

/** Asserts a ConfigError naming `variable`, with `reason`, that does not contain `value`. */
const refused = (variable: string, reason: RegExp, value: string) => (err: unknown) => {
  assert.ok(err instanceof ConfigError, String(err));
  assert.match(err.message, new RegExp(`${variable}=\\(value withheld\\): .*${reason.source}`));
  assert.ok(!err.message.includes(value), 'the secret itself is never in the message');
  return true;
};

/** docker-compose.yml's environment of one service, as compose interpolates it (`${X:?}` from `given`). */
function composeEnv(service: string, given: Record<string, string>): Record<string, string> {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string | number> }>;
  };
  const env = compose.services[service]?.environment ?? {};
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      String(v).replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)\}/g, (_m, name: string, fallback?: string) => {
        const value = given[name] ?? fallback;
        if (value === undefined) throw new Error(`docker-compose.yml requires ${name}`);
        return value;
      }),
    ]),
  );
}

describe('production refuses default, short and shared secrets', () => {
  it('when every secret is long, random and its own, then production starts', () => {
    assert.doesNotThrow(() => loadConfig(production()));
  });

  it('when a secret is a published default, then start-up fails naming the variable', () => {
    // Those long enough for AUTH_JWT_SECRET's own minimum; the shorter one is tried as SMS_CALLBACK_SECRET below.
    for (const value of KNOWN_DEFAULT_SECRETS.filter((v) => v.length >= 32)) {
      assert.throws(
        () => loadConfig({ ...production(), AUTH_JWT_SECRET: value }),
        refused('AUTH_JWT_SECRET', /published default/, value),
      );
    }
    assert.throws(
      () => loadConfig({ ...production(), SMS_CALLBACK_SECRET: DEVELOPMENT_SMS_CALLBACK_SECRET }),
      refused('SMS_CALLBACK_SECRET', /published default/, DEVELOPMENT_SMS_CALLBACK_SECRET),
    );
    assert.throws(
      () => loadConfig({ ...production(), DEPARTMENT_SYSTEMS_API_KEY: DEVELOPMENT_SIMULATOR_API_KEY }),
      refused('DEPARTMENT_SYSTEMS_API_KEY', /published default/, DEVELOPMENT_SIMULATOR_API_KEY),
    );
    // The keys that seal personal data outside production, under any key id.
    assert.throws(
      () => loadConfig({ ...production(), DATA_ENCRYPTION_KEYS: `k2026:${DEVELOPMENT_DATA_KEY}` }),
      refused('DATA_ENCRYPTION_KEYS', /published default/, DEVELOPMENT_DATA_KEY),
    );
    assert.throws(
      () => loadConfig({ ...production(), BLIND_INDEX_KEY: DEVELOPMENT_BLIND_INDEX_KEY }),
      refused('BLIND_INDEX_KEY', /published default/, DEVELOPMENT_BLIND_INDEX_KEY),
    );
    // Written otherwise, the same bytes: without padding, as base64url.
    const unpadded = DEVELOPMENT_BLIND_INDEX_KEY.replace(/=+$/, '');
    assert.throws(
      () => loadConfig({ ...production(), BLIND_INDEX_KEY: unpadded }),
      refused('BLIND_INDEX_KEY', /published default/, unpadded),
    );
    const url = Buffer.from(DEVELOPMENT_DATA_KEY, 'base64').toString('base64url');
    assert.throws(
      () => loadConfig({ ...production(), DATA_ENCRYPTION_KEYS: `k1:${url}` }),
      refused('DATA_ENCRYPTION_KEYS', /published default/, url),
    );
    const placeholder = 'please-CHANGE-ME-before-going-live-0123456789';
    assert.throws(
      () => loadConfig({ ...production(), SESSION_SECRET: placeholder }),
      refused('SESSION_SECRET', /placeholder/, placeholder),
    );
  });

  it('when a worker host holds no token or session secret, then its configuration loads; the API refuses to start without them, naming each', () => {
    // Arrange: what a worker needs, and nothing of the API's own.
    const { AUTH_JWT_SECRET: _jwt, SESSION_SECRET: _session, ...workerEnv } = production();

    // Act
    const worker = loadConfig(workerEnv);
    const apiIssues = apiConfigIssues(worker).join('\n');

    // Assert
    assert.equal(worker.NODE_ENV, 'production');
    assert.match(apiIssues, /AUTH_JWT_SECRET: set AUTH_JWT_SECRET or AUTH_JWKS_URL/);
    assert.match(apiIssues, /SESSION_SECRET: set SESSION_SECRET/);
    assert.deepEqual(apiConfigIssues(loadConfig({ ...production(), METRICS_PORT: '9464' })), []);
  });

  it('when a secret is shorter than 32 characters, then production refuses it (development still takes it)', () => {
    const short = 'sixteen-chars-ok-but-short';
    assert.throws(
      () => loadConfig({ ...production(), METRICS_TOKEN: short }),
      refused('METRICS_TOKEN', /shorter than 32/, short),
    );
    assert.throws(
      () => loadConfig({ ...production(), SMS_CALLBACK_SECRET: short }),
      refused('SMS_CALLBACK_SECRET', /shorter than 32/, short),
    );
    assert.doesNotThrow(() => loadConfig({ METRICS_TOKEN: short, SMS_CALLBACK_SECRET: short }));
  });

  it('when a secret is long but made up by hand (one character, a word repeated, a key of one byte), then production refuses it', () => {
    const madeUp: Array<[string, string]> = [
      ['METRICS_TOKEN', 'a'.repeat(42)],
      ['SESSION_SECRET', 'secret-'.repeat(6)],
      ['AUTH_JWT_SECRET', '0123456789'.repeat(4)],
      // Base64 of 32 equal bytes: 44 characters, but one byte value (test fixtures once used such keys).
      ['BLIND_INDEX_KEY', Buffer.alloc(32, 3).toString('base64')],
      ['PAYLOAD_ENCRYPTION_KEYS', Buffer.from('0123456789'.repeat(4)).toString('base64')],
    ];
    for (const [variable, value] of madeUp) {
      assert.throws(() => loadConfig({ ...production(), [variable]: value }), refused(variable, /is not random/, value));
    }
    // A data key is judged without its id, and a hex secret (16 symbols) is random enough.
    assert.throws(
      () => loadConfig({ ...production(), DATA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 9).toString('base64')}` }),
      /DATA_ENCRYPTION_KEYS=\(value withheld\): .*is not random/,
    );
    assert.doesNotThrow(() => loadConfig({ ...production(), METRICS_TOKEN: randomBytes(16).toString('hex') }));
    assert.doesNotThrow(() => loadConfig({ METRICS_TOKEN: 'a'.repeat(42) }), 'development takes anything');
  });

  it('when two secrets share a value, then start-up fails naming the second and the first', () => {
    const env = production();
    assert.throws(
      () => loadConfig({ ...env, SESSION_SECRET: env.AUTH_JWT_SECRET! }),
      refused('SESSION_SECRET', /same value as AUTH_JWT_SECRET/, env.AUTH_JWT_SECRET!),
    );
    assert.throws(
      () => loadConfig({ ...env, REGISTER_CALLBACK_SECRET: env.PAYLOAD_ENCRYPTION_KEYS! }),
      refused('REGISTER_CALLBACK_SECRET', /same value as PAYLOAD_ENCRYPTION_KEYS/, env.PAYLOAD_ENCRYPTION_KEYS!),
    );
  });

  it('when the data key is the payload key or the blind-index key under another id, then start-up fails (one key, two doors)', () => {
    const env = production();
    const payloadKey = env.PAYLOAD_ENCRYPTION_KEYS!;
    assert.throws(
      () => loadConfig({ ...env, DATA_ENCRYPTION_KEYS: `k2026:${payloadKey}` }),
      refused('DATA_ENCRYPTION_KEYS', /same value as PAYLOAD_ENCRYPTION_KEYS/, payloadKey),
    );
    assert.throws(
      () => loadConfig({ ...env, BLIND_INDEX_KEY: env.DATA_ENCRYPTION_KEYS!.slice('k1:'.length) }),
      refused('BLIND_INDEX_KEY', /same value as DATA_ENCRYPTION_KEYS/, env.DATA_ENCRYPTION_KEYS!.slice('k1:'.length)),
    );
  });

  it('when the engine and the simulator hold the same key, then that is one credential, not a shared secret', () => {
    const env = production();
    const config = loadConfig({ ...env, SIMULATOR_API_KEYS: `${random()},${env.DEPARTMENT_SYSTEMS_API_KEY}` });
    assert.equal(config.SIMULATOR_API_KEYS.length, 2);
    assert.throws(
      () => loadConfig({ ...env, SIMULATOR_API_KEYS: env.SESSION_SECRET! }),
      refused('SIMULATOR_API_KEYS', /same value as SESSION_SECRET/, env.SESSION_SECRET!),
    );
  });

  it('when docker-compose.yml names a secret, then it is required from the user (${X:?…}), never a default in the file', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const name of SECRET_VARIABLES) {
      for (const m of text.matchAll(new RegExp(`^\\s*${name}:\\s*(.*)$`, 'gm'))) {
        assert.match(m[1]!, /^\$\{\w+:\?[^}]+\}$/, `${name}: ${m[1]}`);
      }
    }
  });

  it('when the API starts in production with the secret docker-compose.yml used to ship, then it exits non-zero naming AUTH_JWT_SECRET', async () => {
    const given = {
      PAYLOAD_ENCRYPTION_KEYS: random(),
      SESSION_SECRET: random(),
      AUTH_JWT_SECRET: OLD_COMPOSE_JWT_SECRET,
      REGISTER_CALLBACK_SECRET: random(),
      SMS_CALLBACK_SECRET: random(),
      DEPARTMENT_SYSTEMS_API_KEY: random(),
      DATA_ENCRYPTION_KEYS: `k1:${random()}`,
      BLIND_INDEX_KEY: random(),
    };
    const env = composeEnv('api', given);
    assert.equal(env.NODE_ENV, 'production');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'api/main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A config that passed would go on to connect (to hosts that do not exist here): not exiting is a failure too.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    assert.equal(code, 1, stderr);
    assert.match(stderr, /AUTH_JWT_SECRET=\(value withheld\): is a published default/);
    assert.ok(!stderr.includes(OLD_COMPOSE_JWT_SECRET), 'the secret is not echoed');
  });
});
