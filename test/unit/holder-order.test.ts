/**
 * The order in which a case tries a limited pool's free slot numbers
 * (activities/reservations.activities.ts): every number once, the same order for a retried
 * attempt, and different cases starting at different numbers, so takers arriving together
 * rarely collide (issue 12, "no hot documents").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holderOrder } from '../../activities/reservations.activities';

describe('slot order per holder', () => {
  it('when a holder asks for a pool of 300, then it gets every number once, and the same order again', () => {
    const order = holderOrder('case-1:household', 300);
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      Array.from({ length: 300 }, (_, n) => n),
    );
    assert.deepEqual(holderOrder('case-1:household', 300), order);
  });

  it('when 300 holders start together, then their first choices spread over the pool', () => {
    const firsts = new Set(Array.from({ length: 300 }, (_, i) => holderOrder(`case-${i}:household`, 300)[0]));
    // Uniform random first choices would cover about 63 % of 300 numbers; lowest-first would cover one.
    assert.ok(firsts.size > 150, `only ${firsts.size} distinct first choices`);
  });

  it('when the pool has one place or none, then the order is that place or empty', () => {
    assert.deepEqual(holderOrder('x', 1), [0]);
    assert.deepEqual(holderOrder('x', 0), []);
  });
});
