/**
 * SMS receipts with no shared secret configured (production without SMS_CALLBACK_SECRET): refused
 * as `callbacks-disabled`, like register callbacks without theirs, so the gateway's operator
 * reads "not configured here", not "your signature is wrong".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppDeps } from '../../app/deps';
import { AppError } from '../../app/errors';
import { recordSmsReceipts } from '../../app/commands/sms-receipts';

describe('SMS receipts without a secret', () => {
  it('when no SMS_CALLBACK_SECRET is set, then receipts are refused as callbacks-disabled before anything is read', async () => {
    const err = await recordSmsReceipts({} as AppDeps, {
      secret: undefined,
      rawBody: Buffer.from('[]'),
      signature: 'sha256=00',
      receipts: [],
    }).catch((e: unknown) => e);
    assert.ok(err instanceof AppError);
    assert.equal(err.kind, 'unauthenticated');
    assert.equal(err.code, 'callbacks-disabled');
  });
});
