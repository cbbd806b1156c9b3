/**
 * What an operator editing the policy folders meets: a file that is not JSON is named in the
 * error, like a file that fails validation; an authorities or points version added while the
 * system runs is read by the next caller (no restart), as capacities and rounds are.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadCalendarYears } from '../../policy/calendar-files';
import { loadCapacityTables } from '../../policy/capacity-files';
import { allAuthorities, allPointsPolicies, AUTHORITIES_DIR, POLICY_DIR } from '../../policy/policy-files';
import { loadRoundsFiles, ROUNDS_DIR } from '../../policy/round-files';

const folders: string[] = [];
/** A folder holding `files` (name → text). */
function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hukou-policy-'));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
after(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('policy files that are not JSON', () => {
  const broken = '{"version": "x", ';
  for (const [what, load, name] of [
    ['capacities', loadCapacityTables, 'city-capacity-2027.json'],
    ['rounds', loadRoundsFiles, '2027.json'],
    ['calendar', loadCalendarYears, '2027.json'],
    ['points policy', allPointsPolicies, 'city-2027-v1.json'],
    ['authorities', allAuthorities, 'city-2027-v1.json'],
  ] as const) {
    it(`when a ${what} file is cut short, then the error names that file`, () => {
      const dir = folderWith({ [name]: broken });
      assert.throws(
        () => load(dir),
        (err: Error) => err.message.includes(join(dir, name)) && /not valid JSON/.test(err.message),
      );
    });
  }
});

describe('versions added while the system runs', () => {
  it('when an authorities version is added or a file edited, then the next read has it', () => {
    const dir = folderWith({});
    copyFileSync(join(AUTHORITIES_DIR, 'xian-2024-v1.json'), join(dir, 'xian-2024-v1.json'));
    assert.deepEqual(
      allAuthorities(dir).map((a) => a.version),
      ['xian-2024-v1'],
    );
    const shipped = JSON.parse(readFileSync(join(AUTHORITIES_DIR, 'xian-2024-v1.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join(dir, 'city-2027-v1.json'),
      JSON.stringify({ ...shipped, version: 'city-2027-v1', effectiveFrom: '2027-01-01' }),
    );
    assert.deepEqual(
      allAuthorities(dir)
        .map((a) => a.version)
        .sort(),
      ['city-2027-v1', 'xian-2024-v1'],
    );
    // An edit of a file already read is read again (a rewrite in place changes its size or time;
    // indented here, so the size differs even when both writes fall in one clock tick).
    writeFileSync(
      join(dir, 'city-2027-v1.json'),
      JSON.stringify({ ...shipped, version: 'city-2027-v1', effectiveFrom: '2027-02-01' }, null, 2),
    );
    assert.equal(allAuthorities(dir).find((a) => a.version === 'city-2027-v1')?.effectiveFrom, '2027-02-01');
  });

  it('when a points policy version is added, then the next read has it', () => {
    const dir = folderWith({});
    copyFileSync(join(POLICY_DIR, 'xian-2016-v2.json'), join(dir, 'xian-2016-v2.json'));
    const before = allPointsPolicies(dir).map((p) => p.version);
    const shipped = JSON.parse(readFileSync(join(POLICY_DIR, 'xian-2016-v2.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join(dir, 'city-2027-v1.json'),
      JSON.stringify({ ...shipped, version: 'city-2027-v1', effectiveFrom: '2027-01-01' }),
    );
    assert.deepEqual(before, ['xian-2016-v2']);
    assert.deepEqual(
      allPointsPolicies(dir)
        .map((p) => p.version)
        .sort(),
      ['city-2027-v1', 'xian-2016-v2'],
    );
  });
});

describe('clashes between files', () => {
  it('when two rounds files name the same round, then the error names both files', () => {
    const shipped = JSON.parse(readFileSync(join(ROUNDS_DIR, 'xian-rounds-2027.json'), 'utf8')) as {
      year: number;
      rounds: Array<{ id: string }>;
    };
    // The 2027 file copied as 2028's, its dates moved on a year and its first round's id left as it was.
    const copy = JSON.parse(
      JSON.stringify({ ...shipped, year: 2028, rounds: shipped.rounds.slice(0, 1) }).replaceAll('"2027-', '"2028-'),
    ) as {
      rounds: Array<{ id: string }>;
    };
    copy.rounds[0]!.id = shipped.rounds[0]!.id;
    const dir = folderWith({ 'a-2027.json': JSON.stringify(shipped), 'b-2028.json': JSON.stringify(copy) });
    assert.throws(
      () => loadRoundsFiles(dir),
      (err: Error) =>
        err.message.includes(`round ${shipped.rounds[0]!.id} appears twice`) && /a-2027\.json and b-2028\.json/.test(err.message),
    );
  });

  it('when a calendar file declares another year than its name, then that is the one error', () => {
    const dir = folderWith({
      '2027.json': JSON.stringify({ year: 2028, sources: [], days: [{ name: 'x', date: '2028-01-01', isOffDay: true }] }),
    });
    assert.throws(
      () => loadCalendarYears(dir),
      (err: Error) => err.message === `calendar file ${join(dir, '2027.json')} declares the year 2028: it must be 2027`,
    );
  });
});
