/**
 * What counts as "already written" (models/duplicate-key.ts): an unordered insert retried after a
 * crash meets duplicate keys and nothing else; any other failure beside them must surface.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDuplicateKey, onlyDuplicateKeys } from '../../models/duplicate-key';

const dup = { code: 11000, index: 0, errmsg: 'E11000 duplicate key error' };
const other = { code: 2, index: 1, errmsg: 'BadValue' };
const bulkError = (writeErrors: unknown, writeConcernError?: unknown) => ({
  code: 11000,
  writeErrors,
  result: { getWriteConcernError: () => writeConcernError },
});

describe('duplicate keys', () => {
  it('when every failed record of a bulk write is a duplicate, then it is only duplicates', () => {
    assert.equal(onlyDuplicateKeys(bulkError([dup, { ...dup, index: 3 }])), true);
    assert.equal(onlyDuplicateKeys(bulkError(dup)), true, 'a single write error, as some drivers give it');
    assert.equal(onlyDuplicateKeys(dup), true, 'a lone insert');
  });

  it('when another error is among them, or a write concern failed, or nothing says duplicate, then it is not', () => {
    assert.equal(onlyDuplicateKeys(bulkError([dup, other])), false);
    assert.equal(onlyDuplicateKeys(bulkError([dup], { code: 64, errmsg: 'waiting for replication timed out' })), false);
    assert.equal(onlyDuplicateKeys(bulkError([])), true, 'the error itself says 11000');
    assert.equal(onlyDuplicateKeys({ ...bulkError([]), code: 91 }), false);
    assert.equal(onlyDuplicateKeys(new Error('connection reset')), false);
    assert.equal(onlyDuplicateKeys(undefined), false);
    assert.equal(isDuplicateKey(other), false);
  });
});
