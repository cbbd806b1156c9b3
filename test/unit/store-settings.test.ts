/**
 * The launchers' store rules (scripts/lib/store.ts): PostgreSQL unless SQLite is asked for, and
 * FerretDB's PostgreSQL pool above every client's pool and within PostgreSQL's connections.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FERRETDB_POOL, poolSizingProblems, storeSettings } from '../../scripts/lib/store';

describe('embedded store settings', () => {
  it('defaults to PostgreSQL on the machine, with FerretDB’s own pool of 50', () => {
    const s = storeSettings({});
    assert.equal(s.kind, 'postgresql');
    assert.equal(s.machinePostgresqlUrl, 'postgres://postgres@127.0.0.1:5432/postgres');
    assert.equal(s.ferretdbPool, DEFAULT_FERRETDB_POOL);
  });

  it('takes SQLite, another server and another pool when asked, and names a bad variable', () => {
    const s = storeSettings({
      EMBEDDED_STORE: 'sqlite',
      EMBEDDED_POSTGRESQL_URL: 'postgresql://u@db:6432/x',
      FERRETDB_POSTGRESQL_POOL: '80',
    });
    assert.deepEqual(s, { kind: 'sqlite', machinePostgresqlUrl: 'postgresql://u@db:6432/x', ferretdbPool: 80 });
    assert.throws(() => storeSettings({ EMBEDDED_STORE: 'mysql' }), /EMBEDDED_STORE="mysql"/);
    assert.throws(() => storeSettings({ FERRETDB_POSTGRESQL_POOL: '0' }), /FERRETDB_POSTGRESQL_POOL="0"/);
    assert.throws(() => storeSettings({ EMBEDDED_POSTGRESQL_URL: 'mysql://x' }), /EMBEDDED_POSTGRESQL_URL/);
  });
});

describe('FerretDB pool sizing', () => {
  const clients = [{ name: 'processes', count: 4, maxPoolSize: 10 }];

  it('accepts a pool above the sum of the clients’ pools that PostgreSQL can hold', () => {
    assert.deepEqual(poolSizingProblems({ ferretdbPool: 50, clients, postgresql: { max: 100, inUse: 90 } }), []);
  });

  it('refuses a pool the clients can exhaust, naming both knobs', () => {
    const [problem, ...rest] = poolSizingProblems({ ferretdbPool: 40, clients });
    assert.equal(rest.length, 0);
    assert.match(problem!, /FERRETDB_POSTGRESQL_POOL=40/);
    assert.match(problem!, /4 processes × maxPoolSize 10 = 40/);
    assert.match(problem!, /MONGODB_MAX_POOL_SIZE/);
  });

  it('refuses a pool larger than PostgreSQL accepts (less its reserved connections)', () => {
    const problems = poolSizingProblems({ ferretdbPool: 98, clients, postgresql: { max: 100, inUse: 5 } });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /max_connections/);
  });
});
