/**
 * Policy files are parsed once per version on disk (policy/parsed-file.ts): the same answer while
 * the file is unchanged, the new content on the very next call once it is rewritten (even to the
 * same size at once), and an answer no caller can change for the others.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parsedFile } from '../../policy/parsed-file';

describe('parsedFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parsed-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let parses = 0;
  const parse = (text: string) => {
    parses += 1;
    return JSON.parse(text) as { limit: number; areas: string[] };
  };

  it('when the file is unchanged, then it is parsed once and every caller gets the same answer', () => {
    // Arrange
    const file = join(dir, 'a.json');
    writeFileSync(file, '{"limit":1,"areas":["x"]}');
    parses = 0;

    // Act
    const first = parsedFile(file, parse);
    const second = parsedFile(file, parse);

    // Assert
    assert.equal(parses, 1);
    assert.equal(second, first);
    assert.deepEqual(first, { limit: 1, areas: ['x'] });
  });

  it('when the file is rewritten in place to the same size at once, or replaced by a rename, then the next call reads the new content', () => {
    // Arrange
    const file = join(dir, 'b.json');
    writeFileSync(file, '{"limit":1,"areas":["x"]}');
    assert.equal(parsedFile(file, parse).limit, 1);

    // Act
    writeFileSync(file, '{"limit":2,"areas":["x"]}');
    const rewritten = parsedFile(file, parse).limit;
    writeFileSync(join(dir, 'b.next'), '{"limit":3,"areas":["x"]}');
    renameSync(join(dir, 'b.next'), file);
    const replaced = parsedFile(file, parse).limit;

    // Assert
    assert.equal(rewritten, 2);
    assert.equal(replaced, 3);
  });

  it('when a caller tries to change the answer, then it throws instead of changing the policy for the others', () => {
    // Arrange
    const file = join(dir, 'c.json');
    writeFileSync(file, '{"limit":1,"areas":["x"]}');
    const policy = parsedFile(file, parse);

    // Act / Assert
    assert.throws(() => {
      policy.limit = 9;
    }, TypeError);
    assert.throws(() => policy.areas.push('y'), TypeError);
    assert.deepEqual(parsedFile(file, parse), { limit: 1, areas: ['x'] });
  });
});
