/**
 * The dashboard's period (app/queries/dashboard.ts `dashboardPeriod`): days in Beijing time,
 * defaults filled in, and a period nothing can be counted in yet refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../app/errors';
import { dashboardPeriod } from '../../app/queries/dashboard';

// 16:30 UTC on 6 December is 00:30 on 7 December in Beijing.
const NOW = new Date('2026-12-06T16:30:00Z');
const refused = (err: unknown) => err instanceof AppError && /has not begun/.test(JSON.stringify(err));

describe('dashboardPeriod', () => {
  it('when no period is given, then it is the last 30 days up to today in Beijing, not in UTC', () => {
    assert.deepEqual(dashboardPeriod({}, NOW), { from: '2026-11-08', to: '2026-12-07' });
  });

  it('when the period starts today (Beijing) or runs past it, then it is accepted as asked', () => {
    assert.deepEqual(dashboardPeriod({ from: '2026-12-07', to: '2026-12-31' }, NOW), { from: '2026-12-07', to: '2026-12-31' });
    assert.deepEqual(dashboardPeriod({ from: '2026-12-01', to: '2026-12-31' }, NOW), { from: '2026-12-01', to: '2026-12-31' });
  });

  it('when the period starts after today (Beijing), then it is refused as not begun', () => {
    assert.throws(() => dashboardPeriod({ from: '2026-12-08', to: '2026-12-31' }, NOW), refused);
    assert.doesNotThrow(() => dashboardPeriod({ from: '2026-12-07', to: '2026-12-07' }, NOW));
  });

  it('when a day is not on the calendar, then it is refused at its own field, not rolled over into the next month', () => {
    const at = (err: unknown, path: string) =>
      err instanceof AppError && err.invalidParams?.[0]?.path === path && /calendar days/.test(err.invalidParams[0].message);
    assert.throws(
      () => dashboardPeriod({ from: '2026-02-30', to: '2026-03-31' }, NOW),
      (e) => at(e, '/from'),
    );
    assert.throws(
      () => dashboardPeriod({ from: '2026-02-01', to: '2026-02-29' }, NOW),
      (e) => at(e, '/to'),
    );
    assert.doesNotThrow(() => dashboardPeriod({ from: '2024-02-29', to: '2024-03-01' }, NOW), 'a leap day is a day');
  });
});
