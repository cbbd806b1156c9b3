/**
 * Officer scope (issue 15 §4, README "Officer scope"): the claims a token carries become a scope,
 * a token with none is refused (never read as city-wide), lists and cases are narrowed to it,
 * and the development accounts carry one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { ConflictingScopeClaims, createTokenVerifier, MissingScopeClaim, mintToken, TokenRejected } from '../../app/access-token';
import { areaCondition, caseArea, inScope, scopeOfClaims } from '../../app/officer-scope';
import { DEPARTMENTS } from '../../domain/vocabulary';
import { DEV_ACCOUNTS_FILE, loadAccounts } from '../../tools/identity/accounts';

const opts = { secret: 'unit-test-secret-that-is-long-enough-000', issuer: 'unit', audience: 'api' };
const verify = createTokenVerifier(opts);
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(opts.secret));
const officer = { sub: 'o-1', role: 'officer', department: 'police' };

describe('officer scope', () => {
  it('when a token names one district, several, or the city, then the actor acts there', async () => {
    const one = await verify(await sign({ ...officer, district: 'yanta' }));
    const several = await verify(await sign({ ...officer, district: ['yanta', 'zhouzhi', 'yanta'] }));
    const city = await verify(await sign({ ...officer, jurisdiction: 'city' }));

    assert.deepEqual(one.actor, { ...officer, scope: { kind: 'areas', areas: ['yanta'] } });
    assert.deepEqual(several.actor, { ...officer, scope: { kind: 'areas', areas: ['yanta', 'zhouzhi'] } });
    assert.deepEqual(city.actor, { ...officer, scope: { kind: 'city' } });
  });

  it('when an officer token names no scope (or an empty list), then it is refused as missing the claim, never city-wide', async () => {
    for (const claims of [officer, { ...officer, district: [] }]) {
      const refused = await verify(await sign(claims)).then(
        () => assert.fail('an unscoped officer must be refused'),
        (err: unknown) => err,
      );
      assert.ok(refused instanceof MissingScopeClaim, String(refused));
      assert.equal(refused.claim, 'district');
    }
  });

  it('when an officer token names areas and the whole city at once, then it is refused, never read as city-wide', async () => {
    const refused = await verify(await sign({ ...officer, district: 'yanta', jurisdiction: 'city' })).then(
      () => assert.fail('conflicting scope claims must be refused'),
      (err: unknown) => err,
    );
    assert.ok(refused instanceof ConflictingScopeClaims, String(refused));
    assert.match(refused.message, /names both `district` and `jurisdiction/);
  });

  it('when a token carries no expiry, then it is refused: a leaked one would open the API for good', async () => {
    const forever = await new SignJWT({ sub: 's-1', role: 'supervisor' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(opts.issuer)
      .setAudience(opts.audience)
      .sign(new TextEncoder().encode(opts.secret));
    await assert.rejects(verify(forever), TokenRejected);
  });

  it('when a scope claim holds an unknown code, then the token is invalid (not merely unscoped)', async () => {
    for (const claims of [
      { ...officer, district: ['atlantis'] },
      { ...officer, jurisdiction: 'province' },
    ]) {
      const refused = await verify(await sign(claims)).then(
        () => assert.fail('an unknown scope must be refused'),
        (err: unknown) => err,
      );
      assert.ok(refused instanceof TokenRejected && !(refused instanceof MissingScopeClaim), String(refused));
    }
  });

  it('when a token is minted for an actor with a scope, then it carries the claims and verifies to the same actor', async () => {
    const actor = { sub: 'o-2', role: 'officer', department: 'education', scope: { kind: 'areas', areas: ['beilin'] } } as const;

    const verified = await verify(await mintToken(actor, opts));

    assert.deepEqual(verified.actor, actor);
  });

  it('when a case lies in or out of the scope, then inScope says so; the city covers every case', () => {
    const yanta = { kind: 'areas', areas: ['yanta'] } as const;
    assert.equal(inScope(yanta, caseArea({ application: { district: 'yanta' } as never })), true);
    assert.equal(inScope(yanta, caseArea({ application: { town: 'huyi' } as never })), false);
    assert.equal(inScope(yanta, undefined), false);
    assert.equal(inScope({ kind: 'city' }, 'huyi'), true);
    assert.equal(scopeOfClaims({}), undefined);
  });

  it('when a list is narrowed, then one area is an equality, several a $in, and an area asked for outside the scope matches nothing', () => {
    assert.equal(areaCondition({ kind: 'city' }), undefined);
    assert.equal(areaCondition({ kind: 'city' }, 'huyi'), 'huyi');
    assert.equal(areaCondition({ kind: 'areas', areas: ['yanta'] }), 'yanta');
    assert.deepEqual(JSON.parse(JSON.stringify(areaCondition({ kind: 'areas', areas: ['yanta', 'huyi'] }))), {
      $in: ['yanta', 'huyi'],
    });
    assert.equal(areaCondition({ kind: 'areas', areas: ['yanta', 'huyi'] }, 'huyi'), 'huyi');
    assert.deepEqual(JSON.parse(JSON.stringify(areaCondition({ kind: 'areas', areas: ['yanta'] }, 'huyi'))), { $in: [] });
  });

  it('when the development accounts load, then every officer has a scope: each department has a district officer and a city-wide one', async () => {
    const raw = (await import(DEV_ACCOUNTS_FILE, { with: { type: 'json' } })) as {
      default: { accounts: Array<{ sub: string; role: string; department?: string }> };
    };
    const store = await loadAccounts(DEV_ACCOUNTS_FILE);
    const officers = raw.default.accounts.filter((a) => a.role === 'officer').map((a) => store.bySub(a.sub)!);

    for (const d of DEPARTMENTS) {
      assert.ok(
        officers.some((o) => o.department === d && o.district?.length),
        `${d}: a district-scoped officer`,
      );
      assert.ok(
        officers.some((o) => o.department === d && o.jurisdiction === 'city'),
        `${d}: a city-wide officer`,
      );
    }
    assert.deepEqual(
      officers.filter((o) => !o.district && !o.jurisdiction),
      [],
    );
  });

  it('when an accounts file lists an officer without a scope, then loading it fails naming the entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-'));
    try {
      const file = join(dir, 'accounts.json');
      const entry = {
        username: 'cop',
        password: 'long-enough',
        sub: 'cop-1',
        name: '警官',
        role: 'officer',
        department: 'police',
      };
      writeFileSync(file, JSON.stringify({ accounts: [entry] }));

      await assert.rejects(loadAccounts(file), /accounts\.0.*district.*jurisdiction/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
