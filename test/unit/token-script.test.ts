/** `npm run token` (scripts/token.ts) as a user runs it: what it says when it cannot sign in. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeJwt } from 'jose';

const ROOT = join(__dirname, '..', '..');

describe('npm run token', () => {
  it('when a token is minted with --name, then it carries the name the pages show for the officer', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/token.ts'), '--role', 'officer', '--department', 'police', '--name', '王警官'],
      { cwd: ROOT, env: process.env, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const claims = decodeJwt(run.stdout.trim());
    assert.equal(claims.sub, 'demo-officer-police');
    assert.equal(claims.name, '王警官');
  });

  it('when no identity provider answers where it looks, then it says where it looked and how to point it elsewhere', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, IDENTITY_HOST: '127.0.0.1', IDENTITY_PORT: '1' };
    delete env.IDENTITY_ISSUER;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/token.ts'), '--username', 'police', '--password', 'demo-officer'],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /no identity provider answers at http:\/\/127\.0\.0\.1:1\/oidc/);
    assert.match(run.stderr, /IDENTITY_PORT/);
    assert.doesNotMatch(run.stderr, /fetch failed/);
  });

  it('when NODE_ENV is production, then it mints nothing and says where production tokens come from (not what its configuration lacks)', () => {
    for (const args of [
      ['--role', 'supervisor'],
      ['--username', 'supervisor', '--password', 'demo-supervisor'],
    ]) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/token.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'production' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(run.status, 1, run.stderr);
      assert.equal(run.stdout, '', 'no token');
      assert.match(run.stderr, /^token: mints development tokens only, and NODE_ENV is production\. .*AUTH_JWKS_URL/);
      assert.doesNotMatch(run.stderr, /PAYLOAD_ENCRYPTION_KEYS/, 'not the configuration’s complaints');
    }
  });
});
