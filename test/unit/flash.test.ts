/** The one-shot message carried in a redirect's URL (web/flash.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLASH_TTL_MS, openFlash, sealFlash, withFlash } from '../../web/flash';

describe('one-shot messages in the URL', () => {
  const secret = 'a-secret-of-the-pages';
  const flash = { kind: 'success' as const, text: '您已认领案件 HK-2026-000003。' };

  it('when a message is sealed for a person, then their page opens it, with its next link', () => {
    const next = { href: '/officer/cases/abc', text: '办理下一件：HK-2026-000004' };
    assert.deepEqual(openFlash(secret, 'officer-1', sealFlash(secret, 'officer-1', { ...flash, next })), { ...flash, next });
  });

  it('when the URL is forged, altered, another person’s, expired or missing, then no message is shown', () => {
    const now = Date.now();
    const sealed = sealFlash(secret, 'officer-1', flash, now);
    const [body, tag] = sealed.split('.');
    const altered = Buffer.from(
      Buffer.from(body!, 'base64url').toString('utf8').replace('HK-2026-000003', 'HK-2026-000009'),
    ).toString('base64url');
    for (const [token, sub, at, why] of [
      [sealFlash('another-secret', 'officer-1', flash, now), 'officer-1', now, 'another secret'],
      [`${altered}.${tag}`, 'officer-1', now, 'altered text'],
      [sealed, 'officer-2', now, 'another person'],
      [sealed, 'officer-1', now + FLASH_TTL_MS + 1, 'expired'],
      [undefined, 'officer-1', now, 'none'],
      ['not.a-token', 'officer-1', now, 'garbage'],
      [['a', 'b'], 'officer-1', now, 'a repeated parameter'],
    ] as const)
      assert.equal(openFlash(secret, sub, token, at), undefined, why);
  });

  it('when the next link would leave the pages, then the message keeps its words and drops the link', () => {
    const sealed = sealFlash(secret, 'u', { ...flash, next: { href: '//evil.example/', text: 'x' } });
    assert.deepEqual(openFlash(secret, 'u', sealed), flash);
  });

  it('when the target has a query or a fragment already, then the message is added to the query', () => {
    assert.equal(withFlash('/officer/inbox?assignedTo=me', 'T'), '/officer/inbox?assignedTo=me&flash=T');
    assert.equal(withFlash('/applicant/cases/1', 'T'), '/applicant/cases/1?flash=T');
    assert.equal(withFlash('/rounds/r1#entry-7', 'T'), '/rounds/r1?flash=T#entry-7', 'before the fragment');
  });
});
