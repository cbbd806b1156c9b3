/**
 * The appeal deadlines an applicant's page shows for a delivered decision letter
 * (domain/notice-delivery.ts): 60 days to apply for reconsideration, 6 months to sue, counted from
 * receipt; a last day that is a rest day gives way to the next working day (民事诉讼法 第八十五条,
 * which 行政复议法 and 行政诉讼法 apply), on the same holiday calendar as every other deadline.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appealDeadlines } from '../../domain/notice-delivery';
import { loadWorkingCalendar } from '../../policy/calendar-files';
import { workingCalendar } from '../../domain/working-days';

const cal = loadWorkingCalendar();
/** Delivered at 10:00 in Beijing on `day`. */
const on = (day: string) => `${day}T02:00:00Z`;

describe('appeal deadlines', () => {
  it('when the last day is an ordinary working day, then it stands: the 60th day after receipt, the same date six months on', () => {
    assert.deepEqual(appealDeadlines(on('2026-03-16'), cal), {
      receivedOn: '2026-03-16',
      reconsiderationBy: '2026-05-15',
      litigationBy: '2026-09-16',
    });
    // Received late in the evening in Beijing, still that day (not the UTC one).
    assert.equal(appealDeadlines('2026-03-16T15:30:00Z', cal).receivedOn, '2026-03-16');
  });

  it('when the 60th day falls in the Labour Day holiday, then the period ends on the first working day after it', () => {
    // Received 2 March 2026: the 60th day is 1 May; the holiday runs to 5 May.
    assert.equal(appealDeadlines(on('2026-03-02'), cal).reconsiderationBy, '2026-05-06');
  });

  it('when the 60th day falls in the National Day holiday, then the period ends on the first working day after it', () => {
    // Received 2 August 2026: the 60th day is 1 October, the holiday runs to 7 October.
    assert.equal(appealDeadlines(on('2026-08-02'), cal).reconsiderationBy, '2026-10-08');
    // Received 4 April: six months on is 4 October, inside the same holiday.
    assert.equal(appealDeadlines(on('2026-04-04'), cal).litigationBy, '2026-10-08');
  });

  it('when the last day is a weekend, then Monday; a make-up working Saturday is a working day and stands', () => {
    // 60 days after 2026-07-01 is Sunday 30 August.
    assert.equal(appealDeadlines(on('2026-07-01'), cal).reconsiderationBy, '2026-08-31');
    // 60 days after 2026-08-11 is Saturday 10 October, a make-up working day in 2026.
    assert.equal(appealDeadlines(on('2026-08-11'), cal).reconsiderationBy, '2026-10-10');
  });

  it('when the year has no calendar file, then only weekends move the day (never later than the true one)', () => {
    const none = workingCalendar([]);
    assert.equal(appealDeadlines(on('2026-08-02'), none).reconsiderationBy, '2026-10-01', 'a Thursday, not known as a holiday');
    assert.equal(appealDeadlines(on('2026-07-01'), none).reconsiderationBy, '2026-08-31');
  });
});
