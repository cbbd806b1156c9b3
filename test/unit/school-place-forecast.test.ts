/** §21–23 Which children education's approval would put on the waiting list (domain/school-place-forecast.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childrenWhoWouldWait, type LevelUse } from '../../domain/school-place-forecast';
import type { SchoolLevel } from '../../domain/vocabulary';

const child = (name: string, schoolLevel: SchoolLevel) => ({ name, schoolLevel });
const names = (cs: Array<{ name: string }>) => cs.map((c) => c.name);
const uses =
  (table: Partial<Record<SchoolLevel, LevelUse>>) =>
  (level: SchoolLevel): LevelUse =>
    table[level] ?? { limit: 0, held: 0, waiting: 0 };

describe('childrenWhoWouldWait', () => {
  it('§21 when a level has one place left and a family brings two children of it, then the second waits, in the application’s order', () => {
    const kids = [child('甲', 'kindergarten'), child('乙', 'kindergarten'), child('丙', 'primary')];
    const waiting = childrenWhoWouldWait(
      kids,
      uses({ kindergarten: { limit: 5, held: 4, waiting: 0 }, primary: { limit: 9, held: 1, waiting: 0 } }),
    );
    assert.deepEqual(names(waiting), ['乙']);
  });

  it('§21 when places are free but children already wait for them, then they go first and this child waits too', () => {
    const waiting = childrenWhoWouldWait([child('甲', 'primary')], uses({ primary: { limit: 10, held: 8, waiting: 2 } }));
    assert.deepEqual(names(waiting), ['甲']);
    const one = childrenWhoWouldWait([child('甲', 'primary')], uses({ primary: { limit: 10, held: 7, waiting: 2 } }));
    assert.deepEqual(names(one), [], 'one place beyond the waiting children is this child’s');
  });

  it('§21 when a capacity was lowered below the places held, then every child of that level waits', () => {
    const waiting = childrenWhoWouldWait(
      [child('甲', 'junior_secondary'), child('乙', 'junior_secondary')],
      uses({ junior_secondary: { limit: 3, held: 5, waiting: 0 } }),
    );
    assert.deepEqual(names(waiting), ['甲', '乙']);
  });
});
