/**
 * "No progress for N days" (app/queries/stale-since.ts): counted in working days as deadlines
 * are, so the Monday after a weekend does not make every Friday case stale.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { staleSince } from '../../app/queries/stale-since';
import { workingDaysBefore } from '../../domain/working-days';
import { loadWorkingCalendar } from '../../policy/calendar-files';

const cal = loadWorkingCalendar();
const workingDays = { DEADLINE_CLOCK: 'working-days' as const };

describe('staleSince', () => {
  it('when asked on a Monday morning for one day, then the moment is the Friday before at the same time, not Sunday', () => {
    // Monday 7 December 2026, 10:00 in Beijing (02:00 UTC).
    assert.equal(staleSince(workingDays, 1, new Date('2026-12-07T02:00:00Z'), cal), '2026-12-04T02:00:00.000Z');
    assert.equal(staleSince(workingDays, 3, new Date('2026-12-07T02:00:00Z'), cal), '2026-12-02T02:00:00.000Z');
  });

  it('when a State Council holiday lies between, then it is skipped; a make-up working Saturday counts', () => {
    // 2026: National Day holiday 1–7 October; Saturday 10 October a make-up working day (policy/calendar/2026.json).
    assert.equal(workingDaysBefore(cal, '2026-10-08', 1), '2026-09-30');
    assert.equal(workingDaysBefore(cal, '2026-10-12', 1), '2026-10-10');
  });

  it('when the day in Beijing differs from the day in UTC, then Beijing’s counts', () => {
    // 17:00 UTC on Sunday 6 December is 01:00 on Monday 7 December in Beijing: one working day back is Friday.
    assert.equal(staleSince(workingDays, 1, new Date('2026-12-06T17:00:00Z'), cal), '2026-12-03T17:00:00.000Z');
  });

  it('when deadlines run on elapsed time (tests, demos), then N days are N × 24 hours', () => {
    assert.equal(staleSince({ DEADLINE_CLOCK: 'elapsed' }, 2, new Date('2026-12-07T02:00:00Z')), '2026-12-05T02:00:00.000Z');
  });
});
