/**
 * The supervisor's compensation ledger (app/views/compensation-ledger.ts) read from audit
 * events, and the CSV cells every download shares (app/csv.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvDocument } from '../../app/csv';
import type { AuditEventView } from '../../app/views/audit-views';
import { compensationLedger } from '../../app/views/compensation-ledger';

const system = { id: 'system', role: 'system' };
const event = (type: string, what: string, extra: Partial<AuditEventView> = {}): AuditEventView => ({
  type,
  at: '2026-12-01T10:00:00.000Z',
  actor: system,
  what,
  ...extra,
});

describe('compensation ledger', () => {
  it('when a case commits, fails to undo once and then undoes, then the ledger lists each in order with the failed round', () => {
    // Arrange
    const events = [
      event('submitted', 'points application submitted'),
      event('commit', 'quota_slot reserved', { department: 'hrss', data: { pool: 'quota:yanta', item: 'household' } }),
      event('commit', 'school_place reserved', { department: 'education', data: { pool: 'school:yanta:primary' } }),
      event('terminated', 'case terminated', { why: 'moved away' }),
      event('compensation_failed', 'release school_place failed', {
        department: 'education',
        why: 'timeout',
        data: { round: 1 },
      }),
      event('compensation', 'school_place released', { department: 'education', data: { pool: 'school:yanta:primary' } }),
      event('compensation', 'quota_slot released', { department: 'hrss', data: { pool: 'quota:yanta' } }),
    ];

    // Act
    const ledger = compensationLedger(events);

    // Assert
    assert.deepEqual(
      ledger.map((e) => [e.n, e.kind, e.item, e.round ?? null]),
      [
        [1, 'committed', 'quota_slot', null],
        [2, 'committed', 'school_place', null],
        [3, 'undo_failed', 'school_place', 1],
        [4, 'undone', 'school_place', null],
        [5, 'undone', 'quota_slot', null],
      ],
    );
    assert.equal(ledger[0]?.pool, 'quota:yanta');
    assert.equal(ledger[2]?.why, 'timeout');
  });

  it('when a school place is a child’s, then its entries say which child (a family may hold several)', () => {
    const ledger = compensationLedger([
      event('commit', 'school_place reserved', { data: { pool: 'school:yanta:primary', item: 'child-2' } }),
      event('commit', 'residence_confirmation reserved', { data: { pool: 'residence:yanta', item: 'household' } }),
      event('school_place_confirmed', 'child 3 placed at a school elsewhere in the area', { data: { school: '雁塔区第一小学' } }),
      event('compensation', 'school_place released', { data: { item: 'assigned-child-3', school: '雁塔区第一小学' } }),
      event('compensation', 'school_place released', { data: { pool: 'school:yanta:primary', item: 'child-2' } }),
    ]);
    assert.deepEqual(
      ledger.map((e) => e.personIndex ?? null),
      [2, null, 3, 3, 2],
    );
  });

  it('when a reservation is refused or the household is registered, then the ledger says so', () => {
    const ledger = compensationLedger([
      event('commit', 'quota_slot refused: no capacity', { why: 'quota_exhausted', data: { pool: 'quota:yanta' } }),
      event('commit', 'household registered as family', { department: 'police' }),
    ]);
    assert.deepEqual(
      ledger.map((e) => [e.kind, e.item]),
      [
        ['refused', 'quota_slot'],
        ['committed', 'household_registration'],
      ],
    );
  });
});

describe('CSV cells', () => {
  it('when a cell starts like a formula or holds quotes, then it is defused and quoted', () => {
    assert.equal(csvCell('=SUM(A1)'), `"'=SUM(A1)"`);
    assert.equal(csvCell('-1'), `"'-1"`);
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell(undefined), '""');
    assert.equal(csvDocument(['a', 'b'], [['1', '@x']]), '\uFEFF"a","b"\r\n"1","\'@x"\r\n');
  });
});
