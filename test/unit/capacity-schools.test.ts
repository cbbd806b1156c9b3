/**
 * §21–23: the schools a capacity file lists for an area and level (optional) are the ones an
 * education officer may place a waiting child at; a list with a blank or repeated name is refused
 * when the file is read, naming the field.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { schoolsOf, type CapacityTable } from '../../domain/capacity';
import { parseCapacityTable } from '../../domain/capacity.parse';
import { CAPACITY_DIR } from '../../policy/capacity-files';

const shipped = (): CapacityTable =>
  JSON.parse(readFileSync(join(CAPACITY_DIR, 'xian-capacity-2026.json'), 'utf8')) as CapacityTable;

describe('the schools a capacity file lists', () => {
  it('when an area and level list schools, then those are the ones; elsewhere any named school may be given', () => {
    const table = parseCapacityTable(shipped(), 'xian-capacity-2026.json');
    assert.deepEqual(schoolsOf(table, 'beilin', 'kindergarten'), ['碑林区第一幼儿园', '碑林区第二幼儿园', '碑林区第三幼儿园']);
    assert.equal(schoolsOf(table, 'beilin', 'primary'), undefined, 'a level without a list');
    assert.equal(schoolsOf(table, 'huyi', 'kindergarten'), undefined, 'an area without a list');
  });

  it('when a list repeats a school, names a blank one, or names an unknown area, then the file is refused naming the field', () => {
    for (const [schools, path] of [
      [{ beilin: { kindergarten: ['碑林区第一幼儿园', '碑林区第一幼儿园'] } }, 'schools.beilin.kindergarten'],
      [{ beilin: { kindergarten: ['  '] } }, 'schools.beilin.kindergarten.0'],
      [{ beilin: { kindergarten: [] } }, 'schools.beilin.kindergarten'],
      [{ atlantis: { kindergarten: ['x'] } }, 'schools'],
    ] as const) {
      assert.throws(
        () => parseCapacityTable({ ...shipped(), schools }, 'city.json'),
        (err: Error) => err.message.includes(`${path}:`),
        JSON.stringify(schools),
      );
    }
  });
});
