/** Request validation (api/validation.ts): what a schema lets through may still be refused for U+0000. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { HttpProblem } from '../../api/problem';
import { parseOrThrow } from '../../api/validation';

const Params = z.strictObject({ caseId: z.string(), noticeId: z.string().min(1).max(300) });

function refusal(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (e) {
    if (e instanceof HttpProblem) return e;
    throw e;
  }
  assert.fail('the value was accepted');
}

describe('parseOrThrow', () => {
  it('when path segments pass their schema and hold no U+0000, then they are returned as parsed', () => {
    assert.deepEqual(parseOrThrow(Params, { caseId: 'c', noticeId: 'c:1:a' }, 'params'), { caseId: 'c', noticeId: 'c:1:a' });
  });

  it('when a path segment holds U+0000 (a %00 the store cannot look up), then it is a 400 naming that segment', () => {
    const p = refusal(() => parseOrThrow(Params, { caseId: 'c', noticeId: '\u0000' }, 'params'));
    assert.equal(p.status, 400, 'status');
    assert.equal(p.type, 'validation-error', 'type');
    assert.deepEqual(p.extra.invalidParams, [{ path: '/noticeId', message: 'contains U+0000 (NUL)' }]);
  });

  it('when a query value holds U+0000, then it is a 400 naming it', () => {
    const p = refusal(() => parseOrThrow(z.object({ q: z.string().optional() }), { q: 'a\u0000' }, 'query'));
    assert.deepEqual(p.extra.invalidParams, [{ path: '/q', message: 'contains U+0000 (NUL)' }]);
  });
});
