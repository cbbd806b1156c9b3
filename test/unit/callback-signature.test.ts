import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signCallback, validCallbackSignature } from '../../app/callback-signature';

describe('callback signatures (SMS receipts, HR transfer completions)', () => {
  const body = JSON.stringify([{ sid: 'x', ext: 'n-1', report_status: 'SUCCESS' }]);

  it('when the simulator signs a body, then the verifier takes it with the same secret and the same bytes', () => {
    const signature = signCallback('shared-secret', body);
    assert.match(signature, /^sha256=[0-9a-f]{64}$/);
    assert.equal(validCallbackSignature('shared-secret', Buffer.from(body), signature), true);
  });

  it('when the secret, the body or the form differs, or a part is missing, then it is refused', () => {
    const signature = signCallback('shared-secret', body);
    assert.equal(validCallbackSignature('other-secret', Buffer.from(body), signature), false);
    assert.equal(validCallbackSignature('shared-secret', Buffer.from(`${body} `), signature), false);
    assert.equal(validCallbackSignature('shared-secret', Buffer.from(body), signature.slice('sha256='.length)), false);
    assert.equal(validCallbackSignature('shared-secret', Buffer.from(body), `${signature.slice(0, -2)}`), false);
    assert.equal(validCallbackSignature('shared-secret', undefined, signature), false);
    assert.equal(validCallbackSignature('shared-secret', Buffer.from(body), undefined), false);
  });
});
