/** U+0000 found wherever it hides in a body, named by JSON pointer (app/nul-characters.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_BODY_DEPTH, nestingDepth, nulPaths } from '../../app/nul-characters';

describe('nulPaths', () => {
  it('when a body holds no U+0000, then it names nothing', () => {
    assert.deepEqual(nulPaths({ note: '张\u200b三', n: 1, list: ['a', null], nested: { x: '%00' } }), []);
    assert.deepEqual(nulPaths(undefined), []);
  });

  it('when strings, array items or keys hold U+0000, then each is named by its JSON pointer', () => {
    assert.deepEqual(nulPaths({ note: 'a\u0000b', family: [{ name: 'x' }, { name: '\u0000' }], 'a/b': '\u0000' }), [
      '/note',
      '/family/1/name',
      '/a~1b',
    ]);
    assert.deepEqual(nulPaths({ ['k\u0000']: 'v' }), ['/k\u0000']);
    assert.deepEqual(nulPaths('\u0000'), ['/']);
  });

  it('when a body holds very many, then it names the first ten', () => {
    assert.equal(nulPaths(Array.from({ length: 50 }, () => '\u0000')).length, 10);
  });

  it('when a body nests thousands deep, then it is walked without overflowing the stack, and its depth is told up to the limit', () => {
    // Arrange: 100 000 arrays, one in another, a NUL at the bottom.
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];

    // Act + Assert
    assert.equal(nulPaths(deep).length, 1);
    assert.equal(nestingDepth(deep), MAX_BODY_DEPTH + 1, 'counted no further than past the limit');
    assert.equal(nestingDepth({ a: [{ b: 1 }] }), 3);
    assert.equal(nestingDepth('text'), 0);
  });
});
