/**
 * Each process is given only the secrets it reads (config/process-secrets.ts): the table, the
 * warning a production process logs when given another's, the stand-ins' configuration without
 * the sealing keys, and the table against the source that reads each secret.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, loadStandInConfig } from '../../config/config';
import { createLogger } from '../../config/logger';
import { PROCESS_SECRETS, secretsNotUsedBy, warnSecretsNotUsed, type ProcessName } from '../../config/process-secrets';
import { SECRET_VARIABLES, type SecretVariable } from '../../config/secret-rules';
import { testKey } from '../support/test-keys';

const ROOT = join(__dirname, '..', '..');

const logged = (name: ProcessName, env: NodeJS.ProcessEnv): string[] => {
  const lines: string[] = [];
  warnSecretsNotUsed(name, createLogger({ level: 'info', name, destination: { write: (l: string) => void lines.push(l) } }), env);
  return lines;
};

describe('each process is given only the secrets it reads', () => {
  it('when the simulator is given the data keys and the token secret, then those are named as not its own', () => {
    const env = {
      SIMULATOR_API_KEYS: testKey('sim'),
      SMS_CALLBACK_SECRET: testKey('sms'),
      DATA_ENCRYPTION_KEYS: `k1:${testKey('data')}`,
      AUTH_JWT_SECRET: testKey('jwt'),
      SESSION_SECRET: '',
    };
    assert.deepEqual(secretsNotUsedBy('simulator', env), ['AUTH_JWT_SECRET', 'DATA_ENCRYPTION_KEYS']);
    assert.deepEqual(secretsNotUsedBy('api', env), ['SIMULATOR_API_KEYS']);
  });

  it('when a production process starts with a secret it does not read, then it warns once, with the names and never the values', () => {
    const jwt = testKey('jwt');
    const lines = logged('worker', { NODE_ENV: 'production', AUTH_JWT_SECRET: jwt, DATA_ENCRYPTION_KEYS: `k1:${testKey(1)}` });
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as { level: number; secrets: string[]; msg: string };
    assert.equal(line.level, 40, 'a warning');
    assert.deepEqual(line.secrets, ['AUTH_JWT_SECRET']);
    assert.match(line.msg, /worker does not use/);
    assert.ok(!lines[0]!.includes(jwt), 'the value is never logged');
    // Outside production `npm start` gives every process one environment: nothing to say there.
    assert.deepEqual(logged('worker', { NODE_ENV: 'development', AUTH_JWT_SECRET: jwt }), []);
    assert.deepEqual(logged('mail-sink', { NODE_ENV: 'production' }), []);
  });

  it('when a stand-in (simulator, mail sink) starts in production, then it needs none of the sealing keys; the app processes do', () => {
    const env = { NODE_ENV: 'production', SIMULATOR_API_KEYS: testKey('sim') };
    assert.equal(loadStandInConfig(env).NODE_ENV, 'production');
    assert.throws(
      () => loadConfig(env),
      (err: unknown) =>
        err instanceof ConfigError &&
        ['DATA_ENCRYPTION_KEYS', 'BLIND_INDEX_KEY', 'PAYLOAD_ENCRYPTION_KEYS'].every((k) => err.issues.some((i) => i.key === k)),
    );
    // Every process's other rules still hold for a stand-in: a published default is refused.
    assert.throws(
      () => loadStandInConfig({ ...env, SIMULATOR_API_KEYS: 'change-me-to-a-long-random-secret-of-32-chars-or-more' }),
      ConfigError,
    );
  });
});

/**
 * Which processes run the code of each folder. A source file naming a secret (or the helper of
 * config/config.ts that reads it) must be run only by processes the table gives that secret:
 * a process that starts reading a new secret fails here until the table, and so docker-compose.yml,
 * give it one.
 */
const FOLDER_PROCESSES: ReadonlyArray<readonly [string, readonly ProcessName[]]> = [
  ['api', ['api']],
  ['web', ['api']],
  ['app', ['api']],
  ['worker', ['worker']],
  ['activities', ['worker']],
  ['workflows', ['worker']],
  ['temporal', ['api', 'worker']],
  ['models', ['api', 'worker']],
  ['security', ['api', 'worker']],
  ['tools/simulator', ['simulator']],
  ['tools/mail-sink', ['mail-sink']],
];
const HELPERS: Record<string, readonly SecretVariable[]> = {
  smsCallbackSecret: ['SMS_CALLBACK_SECRET'],
  departmentSystemsApiKey: ['DEPARTMENT_SYSTEMS_API_KEY'],
  smsGatewayApiKey: ['SMS_GATEWAY_API_KEY', 'DEPARTMENT_SYSTEMS_API_KEY'],
  simulatorApiKeys: ['SIMULATOR_API_KEYS'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('the table of process secrets matches the code', () => {
  it('when a source file reads a secret, then every process running it is given that secret', () => {
    const missing: string[] = [];
    let files = 0;
    for (const [folder, processes] of FOLDER_PROCESSES) {
      for (const file of sourceFiles(join(ROOT, folder))) {
        files++;
        const text = readFileSync(file, 'utf8');
        const read = new Set<SecretVariable>(SECRET_VARIABLES.filter((name) => new RegExp(`\\b${name}\\b`).test(text)));
        for (const [helper, secrets] of Object.entries(HELPERS))
          if (new RegExp(`\\b${helper}\\(`).test(text)) for (const s of secrets) read.add(s);
        for (const secret of read)
          for (const p of processes)
            if (!(PROCESS_SECRETS[p] as readonly string[]).includes(secret))
              missing.push(`${relative(ROOT, file)}: ${p} ${secret}`);
      }
    }
    assert.ok(files > 100, `read ${files} files`);
    assert.deepEqual(missing, []);
  });

  it('when the table names a secret for a process, then code that process runs reads it', () => {
    for (const [name, secrets] of Object.entries(PROCESS_SECRETS) as [ProcessName, readonly SecretVariable[]][]) {
      const text = FOLDER_PROCESSES.filter(([, ps]) => ps.includes(name))
        .flatMap(([folder]) => sourceFiles(join(ROOT, folder)))
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
      for (const secret of secrets) {
        const helpers = Object.entries(HELPERS)
          .filter(([, s]) => s.includes(secret))
          .map(([h]) => h);
        assert.ok(
          [secret, ...helpers].some((word) => new RegExp(`\\b${word}\\b`).test(text)),
          `${name}: ${secret} is in its table but nothing it runs reads it`,
        );
      }
    }
  });

  it('when README lists the secrets of each process, then it lists the table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const [name, secrets] of Object.entries(PROCESS_SECRETS)) {
      const row = new RegExp(`^\\| ${name}\\b[^|]*\\| ([^|]*)\\|$`, 'm').exec(readme);
      assert.ok(row, `README: a row for ${name}`);
      const listed = [...row[1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]);
      assert.deepEqual(listed, [...secrets], `README: ${name}`);
    }
  });
});
