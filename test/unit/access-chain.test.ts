/** The access records' hashed form (app/access-records/chain.ts): what a record's SM3 covers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessRecordHash, canonicalAccessRecord, GENESIS_HASH } from '../../app/access-records/chain';

const record = {
  _id: '2026-12-06:000000001',
  day: '2026-12-06',
  seq: 1,
  at: '2026-12-06T02:00:00.000Z',
  actor: { sub: 'supervisor-1', role: 'supervisor' },
  view: 'supervisor_case',
  caseIds: ['c-1'],
  prevHash: GENESIS_HASH,
};

describe('access record chain', () => {
  it('when a record names no round, then its hashed form is the one records had before rounds were recorded', () => {
    assert.equal(
      canonicalAccessRecord(record),
      JSON.stringify([
        record._id,
        record.day,
        1,
        record.at,
        'supervisor-1',
        'supervisor',
        null,
        'supervisor_case',
        ['c-1'],
        null,
        null,
        null,
        GENESIS_HASH,
      ]),
    );
  });

  it('when a record names a round, then the round is hashed: changing it changes the hash', () => {
    const round = { ...record, view: 'round_objections', caseIds: [], roundId: '2026-1' };
    assert.notEqual(accessRecordHash(round), accessRecordHash({ ...round, roundId: '2026-2' }));
    assert.notEqual(accessRecordHash(round), accessRecordHash({ ...round, roundId: undefined }));
  });
});
