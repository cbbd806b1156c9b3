/**
 * `npm start`'s databases are named after its `.data/` (scripts/lib/store-name.ts), so that a
 * fresh clone or a deleted `.data/` starts the read model as empty as Temporal's history.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SHARED_STORE_NAME, storeDatabases, storeName } from '../../scripts/lib/store-name';

describe('the store name kept in .data/', () => {
  const root = mkdtempSync(join(tmpdir(), 'store-name-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const dataDir = () => join(root, `data-${++n}`);

  it('when .data/ is new, then a name of its own is made, written, and the same on the next start', () => {
    const dir = dataDir();
    const name = storeName(dir);
    assert.match(name, /^hukou_[a-f0-9]{8}$/);
    assert.equal(readFileSync(join(dir, 'store-name'), 'utf8').trim(), name);
    assert.equal(storeName(dir), name);
  });

  it('when .data/ is deleted (or another clone starts), then the next name is another one', () => {
    const dir = dataDir();
    const first = storeName(dir);
    rmSync(dir, { recursive: true });
    const second = storeName(dir);
    assert.notEqual(second, first);
    assert.notEqual(storeName(dataDir()), second);
  });

  it('when .data/ holds a history from before names, then it keeps the shared name its cases were written under', () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'temporal'), { recursive: true });
    writeFileSync(join(dir, 'temporal', 'temporal.db'), '');
    assert.equal(storeName(dir), SHARED_STORE_NAME);
    assert.equal(storeName(dir), SHARED_STORE_NAME);
  });

  it('when the file holds something else, then start stops and says which file to fix', () => {
    const dir = dataDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'store-name'), 'postgres; DROP DATABASE x\n');
    assert.throws(() => storeName(dir), /store-name holds .*fix or delete it/);
  });

  it('then the databases of a name are its own: FerretDB, the cluster’s FerretDB and its Temporal', () => {
    assert.deepEqual(storeDatabases('hukou_0a1b2c3d'), {
      ferretdb: 'hukou_0a1b2c3d',
      clusterFerretdb: 'hukou_0a1b2c3d_cluster',
      temporal: 'hukou_0a1b2c3d_temporal',
      temporalVisibility: 'hukou_0a1b2c3d_temporal_visibility',
    });
    // The names before store names, for a checkout that keeps them.
    assert.deepEqual(Object.values(storeDatabases(SHARED_STORE_NAME)), [
      'hukou',
      'hukou_cluster',
      'hukou_temporal',
      'hukou_temporal_visibility',
    ]);
  });
});
