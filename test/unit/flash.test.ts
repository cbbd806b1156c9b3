/** The one-shot message carried in a redirect's URL (web/flash.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLASH_TTL_MS, openFlash, sealFlash, withFlash } from '../../web/flash';
import { openToken, sealToken } from '../../web/sealed-token';

describe('one-shot messages in the URL', () => {
  const secret = 'a-secret-of-the-pages';
  const flash = { kind: 'success' as const, text: '您已认领案件 HK-2026-000003。' };

  it('when a message is sealed for a person, then their page opens it, with its links', () => {
    const next = { href: '/officer/cases/abc', text: '办理下一件：HK-2026-000004' };
    const also = { href: '/officer/school-waitlist', text: '学位轮候名单' };
    assert.deepEqual(openFlash(secret, 'officer-1', sealFlash(secret, 'officer-1', { ...flash, next, also })), {
      ...flash,
      next,
      also,
    });
  });

  it('when a message is in the URL, then its words cannot be read from it (a child’s name goes into history and logs)', () => {
    const named = { kind: 'success' as const, text: '张小明已列入轮候名单。HK-2026-000003' };
    const sealed = sealFlash(secret, 'officer-1', named);
    const bytes = Buffer.from(sealed, 'base64url');
    for (const words of ['张小明', 'HK-2026-000003', 'officer-1'])
      assert.equal(bytes.includes(Buffer.from(words, 'utf8')), false, words);
    assert.notEqual(sealFlash(secret, 'officer-1', named), sealed, 'the same message seals differently each time');
  });

  it('when the URL is forged, altered, another person’s, expired or missing, then no message is shown', () => {
    const now = Date.now();
    const sealed = sealFlash(secret, 'officer-1', flash, now);
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[20] = bytes[20]! ^ 1;
    const altered = bytes.toString('base64url');
    for (const [token, sub, at, why] of [
      [sealFlash('another-secret', 'officer-1', flash, now), 'officer-1', now, 'another secret'],
      [altered, 'officer-1', now, 'altered text'],
      [sealed.slice(0, -4), 'officer-1', now, 'cut short'],
      [sealed, 'officer-2', now, 'another person'],
      [sealed, 'officer-1', now + FLASH_TTL_MS + 1, 'expired'],
      [undefined, 'officer-1', now, 'none'],
      ['not.a-token', 'officer-1', now, 'garbage'],
      [['a', 'b'], 'officer-1', now, 'a repeated parameter'],
    ] as const)
      assert.equal(openFlash(secret, sub, token, at), undefined, why);
  });

  it('when a link would leave the pages, then the message keeps its words and drops the link', () => {
    const away = { href: '//evil.example/', text: 'x' };
    const sealed = sealFlash(secret, 'u', { ...flash, next: away, also: away });
    assert.deepEqual(openFlash(secret, 'u', sealed), flash);
  });

  it('when the target has a query or a fragment already, then the message is added to the query', () => {
    assert.equal(withFlash('/officer/inbox?assignedTo=me', 'T'), '/officer/inbox?assignedTo=me&flash=T');
    assert.equal(withFlash('/applicant/cases/1', 'T'), '/applicant/cases/1?flash=T');
    assert.equal(withFlash('/rounds/r1#entry-7', 'T'), '/rounds/r1?flash=T#entry-7', 'before the fragment');
  });

  it('when a value is sealed for one purpose (a decision draft of one case), then it opens for that purpose only', () => {
    const draft = { decision: 'reject', reasonText: '提交的居住证明与实际居住地不符' };
    const sealed = sealToken(secret, 'decision-draft:case-a', 'officer-1', draft, 60_000);
    assert.deepEqual(openToken(secret, 'decision-draft:case-a', 'officer-1', sealed), draft);
    assert.equal(openToken(secret, 'decision-draft:case-b', 'officer-1', sealed), undefined, 'another case');
    assert.equal(openToken(secret, 'flash', 'officer-1', sealed), undefined, 'a banner');
    assert.equal(openFlash(secret, 'officer-1', sealed), undefined);
    assert.equal(openToken(secret, 'decision-draft:case-a', 'officer-2', sealed), undefined, 'another officer');
    assert.equal(openToken(secret, 'decision-draft:case-a', 'officer-1', sealed, Date.now() + 60_001), undefined, 'expired');
  });
});
