/**
 * The bench's store operations (bench/lib/store-operations.ts, issue 12 items 4 and 6): what a
 * batch asked of the store, read from PostgreSQL's table statistics under FerretDB. The
 * arithmetic on its own, and against the suite's FerretDB on PostgreSQL that a collection's
 * inserts, updates and reads are found under its MongoDB database and name, which is how
 * FerretDB names its tables (an assumption a FerretDB upgrade could break).
 *
 * The second part runs when the suite's FerretDB is on PostgreSQL (the default); under
 * EMBEDDED_STORE=sqlite there are no statistics to read and it says it skipped.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mongoose';
import {
  collectionOf,
  fromStatRows,
  meanPerCase,
  operationsBetween,
  perCase,
  startStoreMeter,
  type StoreOperations,
} from '../../bench/lib/store-operations';
import { connectMongo } from '../../models/connection';
import { mongoUriFor } from '../support/services';

const row = (schemaname: string, relname: string, ins: number, upd: number, seq: number | null, idx: number | null) => ({
  schemaname,
  relname,
  n_tup_ins: String(ins),
  n_tup_upd: String(upd),
  n_tup_del: '0',
  seq_scan: seq === null ? null : String(seq),
  idx_scan: idx === null ? null : String(idx),
  seq_tup_read: seq === null ? null : String(seq * 10),
  idx_tup_fetch: idx === null ? null : String(idx),
});

describe('bench store operations: the arithmetic', () => {
  it("when FerretDB names a table, then the collection is its name without the hash, and FerretDB's own tables are left out", () => {
    assert.equal(collectionOf('notices_a224f066'), 'notices');
    assert.equal(collectionOf('social_insurance_transfers_4bbb6696'), 'social_insurance_transfers');
    assert.equal(collectionOf('_ferretdb_database_metadata'), undefined);
  });

  it('when statistics are read twice, then the difference is per database and collection, and untouched collections are left out', () => {
    // Arrange
    const before = fromStatRows([
      row('hukou', 'cases_fd985966', 10, 20, 1, 100),
      row('hukou', 'idle_12345678', 5, 0, 0, null),
      row('department_systems', 'sms_messages_d0e9af27', 3, 3, 50, 0),
      row('hukou', '_ferretdb_database_metadata', 1, 1, 1, 1),
    ]);
    const after = fromStatRows([
      row('hukou', 'cases_fd985966', 12, 40, 1, 160),
      row('hukou', 'idle_12345678', 5, 0, 0, null),
      row('department_systems', 'sms_messages_d0e9af27', 7, 9, 52, 0),
      row('hukou', 'notices_a224f066', 8, 0, 0, 4),
    ]);

    // Act
    const d = operationsBetween(before, after);

    // Assert
    assert.deepEqual(Object.keys(d).sort(), ['department_systems.sms_messages', 'hukou.cases', 'hukou.notices']);
    assert.deepEqual(d['hukou.cases'], { inserted: 2, updated: 20, deleted: 0, scans: 60, rowsRead: 60 });
    assert.deepEqual(d['department_systems.sms_messages'], { inserted: 4, updated: 6, deleted: 0, scans: 2, rowsRead: 20 });
    assert.deepEqual(d['hukou.notices'], { inserted: 8, updated: 0, deleted: 0, scans: 4, rowsRead: 4 });
  });

  it('when figures are taken per case, then the chosen collections are summed and divided, over one batch or several', () => {
    // Arrange
    const one: StoreOperations = {
      'hukou.cases': { inserted: 4, updated: 40, deleted: 0, scans: 100, rowsRead: 100 },
      'hukou.bench_floor_writes': { inserted: 96, updated: 0, deleted: 0, scans: 0, rowsRead: 0 },
    };
    const two: StoreOperations = { 'hukou.cases': { inserted: 4, updated: 20, deleted: 4, scans: 60, rowsRead: 80 } };
    const ours = (key: string) => !key.endsWith('.bench_floor_writes');

    // Act
    const each = perCase(one, 4, ours);
    const floor = perCase(one, 4, (key) => !ours(key));
    const mean = meanPerCase([one, two], 4, ours);

    // Assert
    assert.deepEqual(each, { inserted: 1, updated: 10, deleted: 0, scans: 25, rowsRead: 25, written: 11 });
    assert.equal(floor.written, 24);
    assert.deepEqual(mean, { 'hukou.cases': { inserted: 1, updated: 7.5, deleted: 0.5, scans: 20, rowsRead: 22.5 } });
  });
});

const postgresqlUrl = process.env.FERRETDB_POSTGRESQL_URL;

describe(
  "bench store operations: read from the suite's FerretDB on PostgreSQL",
  { skip: postgresqlUrl ? false : 'FerretDB is not on PostgreSQL' },
  () => {
    const database = `bench_ops_${randomUUID().slice(0, 8)}`;
    let mongo: Connection;
    before(async () => {
      mongo = await connectMongo({ uri: mongoUriFor(database), serverSelectionTimeoutMS: 5000 });
    });
    after(async () => {
      await mongo?.close();
    });

    it("when a batch inserts, updates and reads a collection, then the meter finds them under the collection's database and name", async () => {
      // Arrange
      const things = mongo.collection('measured_things');
      const meter = await startStoreMeter(postgresqlUrl!);

      // Act
      for (let i = 0; i < 5; i++) await things.insertOne({ _id: `t${i}` as never, n: i });
      for (let i = 0; i < 3; i++) await things.updateOne({ _id: `t${i}` as never }, { $set: { n: 10 + i } });
      const found = await things.find({ n: { $gte: 10 } }).toArray();
      const ops = await meter.stop();

      // Assert
      assert.equal(found.length, 3);
      const mine = ops[`${database}.measured_things`];
      assert.ok(mine, `no statistics under ${database}.measured_things: ${JSON.stringify(Object.keys(ops))}`);
      assert.equal(mine.inserted, 5);
      assert.equal(mine.updated, 3);
      assert.ok(mine.scans >= 4, `three updates and a find read the table: ${mine.scans} scans`);
      assert.ok(mine.rowsRead >= 5, `the find alone read all five rows: ${mine.rowsRead}`);
    });
  },
);
