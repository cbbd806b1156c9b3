/** U+0000 found wherever it hides in a body, named by JSON pointer (app/nul-characters.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nulPaths } from '../../app/nul-characters';

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
});
