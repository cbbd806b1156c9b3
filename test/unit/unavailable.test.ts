/**
 * Which failures are "the dependency is away" (503 with Retry-After) rather than a bug (500):
 * app/errors.ts `describeUnavailable`, seen in the FerretDB-outage chaos run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MongoNetworkError } from 'mongodb';
import { describeUnavailable } from '../../app/errors';

describe('describeUnavailable', () => {
  it('when MongoDB is away (selection timeout, network, a pool cleared under a request), then MongoDB is named', () => {
    // The driver's PoolClearedError (not exported) extends MongoNetworkError under its own name.
    class PoolCleared extends MongoNetworkError {
      override get name(): string {
        return 'MongoPoolClearedError';
      }
    }
    const pool = new PoolCleared('Connection pool was cleared');

    assert.equal(describeUnavailable(new MongoNetworkError('connect ECONNREFUSED')), 'MongoDB');
    assert.equal(describeUnavailable({ name: 'MongoServerSelectionError', message: 'timed out' }), 'MongoDB');
    assert.equal(describeUnavailable(pool), 'MongoDB');
  });

  it('when an error is a bug or a refusal, then no dependency is named', () => {
    assert.equal(describeUnavailable(new TypeError('x is undefined')), undefined);
    assert.equal(describeUnavailable({ name: 'MongoServerError', code: 11000 }), undefined);
  });
});
