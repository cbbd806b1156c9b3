/** What a failed send leaves in the outbox and the incident: the server's words, never the recipient's address or number. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryError, errorText } from '../../activities/notifications/delivery-error';

describe('errorText', () => {
  it('when an SMTP server quotes the rejected recipient, then the code and words stay and the address does not', () => {
    const err = new DeliveryError(
      "SMTP 550: Can't send mail - all recipients were rejected: 550 5.1.1 <wang.li+case@mail.example.cn>: Recipient address rejected",
      true,
    );
    assert.equal(
      errorText(err),
      "SMTP 550: Can't send mail - all recipients were rejected: 550 5.1.1 <[address]>: Recipient address rejected",
    );
  });

  it('when a gateway names the mobile number it could not reach, then the number is withheld, other digits are not', () => {
    assert.equal(
      errorText(new Error('template 2026015: number +86 13800138000 unreachable')),
      'template 2026015: number [number] unreachable',
    );
    assert.equal(errorText(new Error('13912345678 barred; retry after 120000 ms')), '[number] barred; retry after 120000 ms');
    assert.equal(
      errorText(new Error('serial 2026120713800138000')),
      'serial 2026120713800138000',
      'digits inside a longer number stay',
    );
    // The grouped forms domain/phone.ts accepts, and the international prefixes.
    for (const number of [
      '138 0013 8000',
      '138-0013-8000',
      '+86 138 0013 8000',
      '0086 13800138000',
      '+8613800138000',
      '12012345678',
    ])
      assert.equal(errorText(new Error(`to ${number}: failed`)), 'to [number]: failed', number);
  });

  it('when an address ends a sentence, then its full stop stays', () => {
    assert.equal(errorText(new Error('mailbox full for wl@example.cn. Try later')), 'mailbox full for [address]. Try later');
  });

  it('when the message is long or spans lines, then it is one line of at most 500 characters', () => {
    const text = errorText(new Error(`first\n\nsecond ${'x'.repeat(600)}`));
    assert.ok(text.startsWith('first second '));
    assert.equal(text.length, 500);
  });
});
