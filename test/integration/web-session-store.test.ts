/** The web pages' session store: expiry enforced by the code (FerretDB has no TTL indexes). */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type session from 'express-session';
import type { Connection } from 'mongoose';
import { createLogger } from '../../config/logger';
import { connectMongo } from '../../models/connection';
import { webSessionModel } from '../../models/web-session.model';
import { dataProtectionFor } from '../../security/data-protection';
import { MongoSessionStore, storedSessionData, TOUCH_STEP_MS } from '../../web/session-store';
import { mongoUriFor } from '../support/services';

const call = <T>(fn: (cb: (err: unknown, v?: T) => void) => void): Promise<T | undefined> =>
  new Promise((resolve, reject) =>
    fn((err, v) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(v))),
  );

const sessionExpiring = (at: Date) => ({ cookie: { expires: at, originalMaxAge: 1000 } }) as unknown as session.SessionData;

describe('web session store', () => {
  let conn: Connection;
  let store: MongoSessionStore;

  before(async () => {
    conn = await connectMongo({
      uri: mongoUriFor(`test_web_sessions_${randomUUID().slice(0, 8)}`),
      serverSelectionTimeoutMS: 5000,
    });
    store = new MongoSessionStore(conn, {
      idleMs: 60_000,
      sweepIntervalMs: 0,
      logger: createLogger({ level: 'silent', name: 't' }),
    });
  });
  after(async () => {
    store?.close();
    await conn?.dropDatabase();
    await conn?.close();
  });

  it('when a session is stored, then it is read back; destroyed, it is gone', async () => {
    await call((cb) => store.set('s1', sessionExpiring(new Date(Date.now() + 60_000)), cb));
    const got = await call<session.SessionData | null>((cb) => store.get('s1', cb));
    assert.ok(got?.cookie);
    await call((cb) => store.destroy('s1', cb));
    assert.equal(await call<session.SessionData | null>((cb) => store.get('s1', cb)), null);
  });

  it('when a session has expired, then it is never returned, and the sweep deletes it while keeping live ones', async () => {
    await call((cb) => store.set('old', sessionExpiring(new Date(Date.now() - 1000)), cb));
    await call((cb) => store.set('live', sessionExpiring(new Date(Date.now() + 60_000)), cb));
    assert.equal(await call<session.SessionData | null>((cb) => store.get('old', cb)), null);
    assert.ok(await webSessionModel(conn).exists({ _id: 'old' }), 'still stored until the sweep');
    assert.equal(await store.sweep(), 1);
    assert.equal(await webSessionModel(conn).exists({ _id: 'old' }), null);
    assert.ok(await webSessionModel(conn).exists({ _id: 'live' }));
  });

  it('when a session is touched, then its expiry moves', async () => {
    await call((cb) => store.set('t', sessionExpiring(new Date(Date.now() + 1000)), cb));
    const later = new Date(Date.now() + 3_600_000);
    await call((cb) => store.touch('t', sessionExpiring(later), cb));
    const doc = await webSessionModel(conn).findById('t').lean();
    assert.equal(doc?.expiresAt.getTime(), later.getTime());
  });

  it('when a session written moments ago is touched, then it is left as written (a late touch never rewrites a newer save)', async () => {
    const expiry = new Date(Date.now() + 60_000);
    await call((cb) => store.set('fresh', { ...sessionExpiring(expiry), csrfToken: 'new' }, cb));
    // The touch of an earlier request that ends just after this save: its expiry is a few ms later.
    await call((cb) => store.touch('fresh', sessionExpiring(new Date(expiry.getTime() + 500)), cb));
    const doc = await webSessionModel(conn).findById('fresh').lean();
    assert.equal(doc?.expiresAt.getTime(), expiry.getTime(), 'not touched');
    assert.equal((storedSessionData(doc!.data) as { csrfToken?: string }).csrfToken, 'new');
    // Once the expiry would move by more than the step, it moves.
    const later = new Date(expiry.getTime() + TOUCH_STEP_MS + 1);
    await call((cb) => store.touch('fresh', sessionExpiring(later), cb));
    assert.equal((await webSessionModel(conn).findById('fresh').lean())?.expiresAt.getTime(), later.getTime());
  });

  it('when a session is stored, then the row holds it sealed: no token, ID number or name in clear; read back whole', async () => {
    const user = {
      actor: { role: 'applicant', sub: 'applicant-subject-7f3a', idNumber: '110101199003071234' },
      name: '吴海波',
      accessToken: 'eyJ.access',
      refreshToken: 'refresh-secret',
      expiresAt: 1,
    };
    await call((cb) =>
      store.set('sealed', { ...sessionExpiring(new Date(Date.now() + 60_000)), user } as unknown as session.SessionData, cb),
    );
    const raw = JSON.stringify(await conn.db!.collection('web_sessions').findOne({ _id: 'sealed' as never }));
    assert.match(raw, /enc:v1:/);
    for (const clear of ['110101199003071234', '吴海波', 'eyJ.access', 'refresh-secret', 'applicant-subject-7f3a'])
      assert.ok(!raw.includes(clear), `${clear} in clear: ${raw}`);
    const got = await call<session.SessionData | null>((cb) => store.get('sealed', cb));
    assert.deepEqual((got as unknown as { user: unknown }).user, user);
  });

  it('when a row was written before sealing, then it is still read; one sealed with a key no longer configured is no session, and is deleted', async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    await webSessionModel(conn).create({ _id: 'plain', data: JSON.stringify({ csrfToken: 'old' }), expiresAt });
    assert.equal(
      ((await call<session.SessionData | null>((cb) => store.get('plain', cb))) as { csrfToken?: string }).csrfToken,
      'old',
    );

    const retired = dataProtectionFor({
      NODE_ENV: 'test',
      DATA_CIPHER: 'aes-256-gcm',
      DATA_ENCRYPTION_KEYS: [`retired:${randomBytes(32).toString('base64')}`],
    });
    await webSessionModel(conn).create({ _id: 'retired', data: retired.seal({ csrfToken: 'lost' }), expiresAt });
    assert.equal(await call<session.SessionData | null>((cb) => store.get('retired', cb)), null);
    await eventuallyGone('retired');
  });

  async function eventuallyGone(id: string): Promise<void> {
    for (let i = 0; i < 50 && (await webSessionModel(conn).exists({ _id: id })); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await webSessionModel(conn).exists({ _id: id }), null, 'the unreadable row is deleted');
  }
});
