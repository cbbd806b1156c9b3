/**
 * Instants written by providers in China (date review, 2026-12-07): Tencent's SMS receipts give
 * Beijing wall time without a zone, which `new Date` reads in the machine's zone (UTC in our
 * image), so a receipt at 19:00 in Beijing was stored as the next day's 03:00 and the applicant's
 * appeal deadlines counted from the wrong day.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { receivedAt } from '../../app/commands/sms-receipts';
import { shanghaiDay, shanghaiInstant } from '../../domain/shanghai-clock';
import { beijingWallTime } from '../../tools/simulator/sms-gateway';

describe('shanghaiInstant', () => {
  it('when a time has no zone, then it is Beijing wall time, whatever the machine zone', () => {
    assert.equal(shanghaiInstant('2026-03-10 19:00:00')?.toISOString(), '2026-03-10T11:00:00.000Z');
    assert.equal(shanghaiInstant('2026-03-10T19:00')?.toISOString(), '2026-03-10T11:00:00.000Z');
    assert.equal(shanghaiDay(shanghaiInstant('2026-03-10 23:59:59')!.toISOString()), '2026-03-10');
  });

  it('when a time carries its offset or Z, then that offset counts', () => {
    assert.equal(shanghaiInstant('2026-03-10T19:00:00+08:00')?.toISOString(), '2026-03-10T11:00:00.000Z');
    assert.equal(shanghaiInstant('2026-03-10T11:00:00.250Z')?.toISOString(), '2026-03-10T11:00:00.250Z');
    // The other ways an offset is written, and a space for the T.
    for (const text of ['2026-03-10T19:00:00+0800', '2026-03-10T19:00:00+08', '2026-03-10 19:00:00+08:00'])
      assert.equal(shanghaiInstant(text)?.toISOString(), '2026-03-10T11:00:00.000Z', text);
  });

  it('when a time is not on the calendar or not a time at all, then there is none', () => {
    for (const text of ['2026-02-30 10:00:00', '2026-13-01 10:00:00', '2026-03-10 25:00:00', '2026-03-10', 'yesterday', ''])
      assert.equal(shanghaiInstant(text), undefined, text);
  });
});

describe('an SMS receipt time', () => {
  const now = new Date('2026-03-10T12:00:00Z');

  it('when the gateway writes Beijing time, then the receipt is dated so, not eight hours later', () => {
    assert.equal(receivedAt('2026-03-10 19:00:00', now).toISOString(), '2026-03-10T11:00:00.000Z');
  });

  it('when the time is missing, unreadable or in the future, then it is the time the receipt arrived', () => {
    for (const text of [undefined, 'soon', '2026-03-10 20:30:00'])
      assert.equal(receivedAt(text, now).toISOString(), now.toISOString(), String(text));
  });

  it('when the simulator writes a receipt time, then it reads back as the same instant', () => {
    assert.equal(beijingWallTime(now), '2026-03-10 20:00:00');
    assert.equal(shanghaiInstant(beijingWallTime(now))?.toISOString(), now.toISOString());
  });
});
