/**
 * The indexes a write relies on are made again after a failed first attempt (models/indexes-once):
 * mongoose's Model.init() keeps a failed promise, so a database away at the first reservation
 * used to fail every later one for good.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mongoose';
import { connectMongo } from '../../models/connection';
import { indexesOnce } from '../../models/indexes-once';
import { reservationSlotModel } from '../../models/reservation-slot.model';
import { mongoUriFor } from '../support/services';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

describe('indexes made once they can be', () => {
  let proxy: TcpProxy;
  let conn: Connection;

  before(async () => {
    const direct = new URL(mongoUriFor(`test_indexes_once_${randomUUID().slice(0, 8)}`));
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port) });
    const viaProxy = new URL(direct);
    viaProxy.host = proxy.address;
    conn = await connectMongo({ uri: viaProxy.toString(), serverSelectionTimeoutMS: 1000, heartbeatFrequencyMS: 500 });
  });
  after(async () => {
    proxy?.restore();
    await conn?.dropDatabase().catch(() => undefined);
    await Promise.allSettled([conn?.close(), proxy?.close()]);
  });

  it('when the database is away at the first call, then a later call makes the indexes (Model.init() would fail for good)', async () => {
    const slots = reservationSlotModel(conn);
    const ready = indexesOnce(slots);
    proxy.cut();
    await assert.rejects(ready(), 'the first call fails while the database is away');
    await assert.rejects(slots.init(), 'mongoose init() fails too');
    proxy.restore();

    let made = false;
    for (let i = 0; i < 40 && !made; i++) {
      made = await ready().then(
        () => true,
        async () => new Promise<boolean>((r) => setTimeout(() => r(false), 250)),
      );
    }
    assert.ok(made, 'indexesOnce made the indexes once the database was back');
    const names = (await slots.collection.indexes()).map((i) => i.name);
    assert.ok(names.length > 1, `the slot indexes exist: ${JSON.stringify(names)}`);
    await assert.rejects(slots.init(), "mongoose's init() still answers with its first failure");
  });
});
