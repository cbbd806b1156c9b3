/** A case number as a supervisor types it (app/queries/find-case.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseCaseNumber } from '../../app/queries/find-case';

describe('a case number as typed', () => {
  it('when it has spaces, lower case or full-width characters, then it reads as the number; anything else is none', () => {
    assert.equal(normaliseCaseNumber(' hk-2026-000005 '), 'HK-2026-000005');
    assert.equal(normaliseCaseNumber('ＨＫ－２０２６－０００００５'), 'HK-2026-000005');
    assert.equal(normaliseCaseNumber('HK–2026–000005'), 'HK-2026-000005', 'an en dash');
    assert.equal(normaliseCaseNumber('HK 2026 000005'), 'HK-2026-000005', 'spaces as read out');
    assert.equal(normaliseCaseNumber('HK - 2026 - 000005'), 'HK-2026-000005');
    assert.equal(normaliseCaseNumber('<script>x</script>'), undefined);
    assert.equal(normaliseCaseNumber('2026-000005'), undefined);
    assert.equal(normaliseCaseNumber(''), undefined);
  });
});
