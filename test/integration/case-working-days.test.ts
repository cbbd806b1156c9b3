/**
 * The statutory clock (issue 13): officer and supplement deadlines counted in working days on
 * the State Council calendar (policy/calendar/), due at the end of the office day in Asia/Shanghai,
 * the officer's clock stopped while the case waits on the applicant.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tsToMs } from '@temporalio/common/lib/time';
import { createDeadlineActivities } from '../../activities/deadline.activities';
import {
  addWorkingDays,
  dayNumber,
  dayString,
  dueAtEndOfOfficeDay,
  shanghaiDayOf,
  workingDaysBetween,
  type CalendarYear,
} from '../../domain/working-days';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { loadWorkingCalendar } from '../../policy/calendar-files';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { DEPARTMENTS, type Department } from '../../domain/vocabulary';
import { supervisorActionUpdate, type WorkingDaySla } from '../../workflows/settlement-case/messages';
import { auditTrail, provideSupplement, untilState } from '../support/case-records';
import { testCapacities } from '../support/capacities';
import { awaitingDecision, caseInput, decide, startCase } from '../support/cases';
import { eventually, startStack, type TestStack } from '../support/stack';

const calendar = loadWorkingCalendar();
const WORKING_DAYS: WorkingDaySla = {
  officerDecision: Object.fromEntries(DEPARTMENTS.map((d) => [d, 5])) as Record<Department, number>,
  supplementResponse: 15,
  officeClose: '17:00',
};

describe('working-day deadlines (the statutory clock)', () => {
  describe('the calendar a case counts on', () => {
    it('when a case asks for the calendar, then it gets every file from this year on, as the loader reads them', async () => {
      const files = await createDeadlineActivities().loadWorkingCalendar({ fromYear: 2026 });
      assert.deepEqual(
        files.map((f) => f.year),
        [2026],
      );
      assert.ok(files[0]!.days.some((d) => d.name.includes('国庆')));
    });

    it('when a supplement is asked for on the day before the National Day holiday, then its deadline falls after the holiday, at 17:00 Beijing time', () => {
      // 2026-09-30 (Wednesday) 10:00 in Shanghai; 1–7 October are off, Saturday 10 October is worked.
      const due = dueAtEndOfOfficeDay(calendar, '2026-09-30T02:00:00.000Z', 15, '17:00');
      assert.equal(due.day, addWorkingDays(calendar, '2026-09-30', 15).day);
      // Counting weekdays only would have ended on 21 October: the holiday moved it.
      assert.ok(due.day > '2026-10-21', `due ${due.day} counts the holiday as off`);
      assert.equal(due.dueAt, `${due.day}T09:00:00.000Z`);
      assert.equal(due.provisional, false);
    });

    it('when the clock stops mid-deadline, then the working days left are those after today up to the due day', () => {
      // Off 1–7 Oct and Sunday 11 Oct; Thursday 8, Friday 9, Saturday 10 (make-up day) and Monday 12 are worked.
      assert.equal(workingDaysBetween(calendar, '2026-09-30', '2026-10-12').count, 4);
    });
  });

  describe('a case on the working-day clock', () => {
    let stack: TestStack;
    before(async () => {
      stack = await startStack('working_days');
    });
    after(async () => {
      await stack.close();
    });

    it('when housing awaits a decision, asks for material and gets it, then each deadline is the calendar’s and the officer gets back the days left', async () => {
      const base = caseInput(DEMO_PEOPLE.townOwner);
      const input = { ...base, sla: { ...base.sla, workingDays: WORKING_DAYS } };
      const handle = await startCase(stack, input);

      const waiting = await untilState(
        handle,
        (s) => (s.steps.housing?.status === 'awaiting_decision' && s.steps.housing.dueAt ? s.steps.housing : undefined),
        'housing awaits a decision',
      );
      const expected = dueAtEndOfOfficeDay(calendar, waiting.waitingSince!, 5, '17:00');
      assert.equal(waiting.dueAt, expected.dueAt, 'five working days, due at 17:00 Beijing time');
      assert.equal(waiting.dueProvisional ?? false, expected.provisional);

      const asked = (await decide(handle, 'housing', 'request_supplement', { missing: ['房屋产权证明'] })).supplement!;
      const supplementDue = dueAtEndOfOfficeDay(calendar, asked.requestedAt, 15, '17:00');
      assert.equal(asked.dueAt, supplementDue.dueAt, 'fifteen working days for the applicant');
      const stopped = await untilState(
        handle,
        (s) => (s.steps.housing?.workingDaysLeft !== undefined ? s.steps.housing : undefined),
        'the housing clock stopped',
      );
      const left = workingDaysBetween(calendar, shanghaiDayOf(asked.requestedAt), shanghaiDayOf(waiting.dueAt!)).count;
      assert.equal(stopped.workingDaysLeft, left);

      await provideSupplement(handle, input, 'housing', [{ name: '房屋产权证明', reference: 'upload-1' }]);
      const resumed = await untilState(
        handle,
        (s) =>
          s.steps.housing?.status === 'awaiting_decision' && s.steps.housing.waitingSince !== waiting.waitingSince
            ? s.steps.housing
            : undefined,
        'housing awaits a decision again',
      );
      assert.equal(resumed.dueAt, dueAtEndOfOfficeDay(calendar, resumed.waitingSince!, Math.max(1, left), '17:00').dueAt);
      assert.equal(resumed.workingDaysLeft, undefined);

      await decide(handle, 'housing');
      await decide(handle, 'police');
      assert.equal((await handle.result()).status, 'settled');
    });

    it('when a supervisor extends an officer deadline by working days, then it falls due that many working days after the old due day; a case on elapsed time refuses working days', async () => {
      const extend = (handle: Awaited<ReturnType<typeof startCase>>) => {
        const requestId = randomUUID();
        return handle.executeUpdate(supervisorActionUpdate, {
          updateId: requestId,
          args: [
            {
              requestId,
              supervisorId: 'supervisor-1',
              department: 'police',
              action: 'extend_deadline',
              extendByWorkingDays: 3,
              note: '派出所系统升级',
            },
          ],
        });
      };
      const base = caseInput(DEMO_PEOPLE.townOwner);
      const handle = await startCase(stack, { ...base, sla: { ...base.sla, workingDays: WORKING_DAYS } });
      const waiting = await untilState(
        handle,
        (s) => (s.steps.police?.status === 'awaiting_decision' && s.steps.police.dueAt ? s.steps.police : undefined),
        'police awaits a decision',
      );
      const extended = await extend(handle);
      assert.equal(extended.dueAt, dueAtEndOfOfficeDay(calendar, waiting.dueAt!, 3, '17:00').dueAt);
      await handle.terminate('test done');

      const elapsed = await startCase(stack, caseInput(DEMO_PEOPLE.townOwner));
      await awaitingDecision(elapsed, 'police');
      await assert.rejects(extend(elapsed), (err: Error) =>
        /elapsed time/.test(String((err.cause as Error | undefined)?.message)),
      );
      await elapsed.terminate('test done');
    });

    it('when the reminder’s share of an officer’s wait ends in the night, then the reminder waits for the office to open (patch reminders-in-office-hours)', async () => {
      const base = caseInput(DEMO_PEOPLE.townOwner);
      const started = Date.now();
      const due = Date.parse(dueAtEndOfOfficeDay(calendar, new Date(started).toISOString(), 5, '17:00').dueAt);
      // The share of the wait that ends at 02:00 Beijing time on the due day (a working day).
      const night = due - 15 * 3600_000;
      const reminderFraction = (night - started) / (due - started);
      const handle = await startCase(stack, {
        ...base,
        sla: { ...base.sla, reminderFraction, workingDays: { ...WORKING_DAYS, officeOpen: '09:00' } },
      });
      const waiting = await untilState(
        handle,
        (s) => (s.steps.housing?.status === 'awaiting_decision' && s.steps.housing.dueAt ? s.steps.housing : undefined),
        'housing awaits a decision',
      );
      assert.equal(Date.parse(waiting.dueAt!), due, 'the case counted the deadline the test did (not across midnight)');

      // The reminder's timer, read from the history: when it fires (started + its timeout).
      const fires = ((await handle.fetchHistory()).events ?? []).flatMap((e) =>
        e.timerStartedEventAttributes ? [tsToMs(e.eventTime) + tsToMs(e.timerStartedEventAttributes.startToFireTimeout)] : [],
      );
      const opening = due - 8 * 3600_000; // 09:00 Beijing time on the due day
      const at = (ms: number) => new Date(ms).toISOString();
      assert.ok(
        fires.some((f) => Math.abs(f - opening) < 60_000),
        `a reminder at the opening ${at(opening)}; timers fire at ${fires.map(at).join(', ')}`,
      );
      assert.ok(!fires.some((f) => Math.abs(f - night) < 3600_000), `none in the night (${at(night)})`);
      await handle.terminate('test done');
    });
  });

  describe('a long holiday starting tomorrow (a calendar folder of the test’s own)', () => {
    // Relative to the real day the test runs on, since the case counts from the real clock.
    const today = shanghaiToday();
    const holiday = Array.from({ length: 7 }, (_, i) => dayString(dayNumber(today) + 1 + i));
    const lastOff = holiday.at(-1)!;
    // No kindergarten place in the family's district: its child joins the waiting list.
    const capacities = testCapacities((t) => (t.schoolPlaces.yanta.kindergarten = 0));
    let dir: string;
    let stack: TestStack;

    /** Counted by hand: the weekdays after `from` up to `to`, holiday days skipped. */
    function countedWorkingDays(from: string, to: string): number {
      let counted = 0;
      for (let n = dayNumber(from) + 1; n <= dayNumber(to); n++) {
        const d = dayString(n);
        const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
        if (weekday !== 0 && weekday !== 6 && !holiday.includes(d)) counted++;
      }
      return counted;
    }

    /** One file per year from today's to well past the holiday, so nothing counted here is provisional. */
    function writeCalendar(): string {
      const folder = mkdtempSync(join(tmpdir(), 'hukou-calendar-'));
      const firstYear = Number(today.slice(0, 4));
      for (let year = firstYear; year <= Number(lastOff.slice(0, 4)) + 1; year++) {
        const days: CalendarYear['days'] = holiday
          .filter((d) => d.startsWith(`${year}-`))
          .map((date) => ({ name: '测试长假', date, isOffDay: true }));
        // A year's file needs at least one day: a Saturday said to be off changes nothing.
        const saturday = [...Array(7).keys()]
          .map((i) => `${year}-01-0${i + 1}`)
          .find((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 6)!;
        if (!days.some((d) => d.date === saturday)) days.push({ name: '周六', date: saturday, isOffDay: true });
        const file: CalendarYear = {
          year,
          sources: [{ title: `测试用${year}年节假日安排`, dated: `${year - 1}-11-01`, url: 'https://example.gov.cn/test' }],
          days,
        };
        writeFileSync(join(folder, `${year}.json`), JSON.stringify(file));
      }
      return folder;
    }

    before(async () => {
      dir = writeCalendar();
      stack = await startStack('working_days_holiday', { calendarDir: dir, capacityDir: capacities.dir });
    });
    after(async () => {
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('when an officer asks for material on the day before a 7-day holiday, then the applicant’s deadline falls after the holiday, at office close', async () => {
      const base = caseInput(DEMO_PEOPLE.townOwner);
      // Three working days for housing's requests (the per-department shape): without the holiday they would end inside it.
      const sla: WorkingDaySla = { ...WORKING_DAYS, supplementResponse: { police: 15, hrss: 15, housing: 3, education: 15 } };
      const handle = await startCase(stack, { ...base, sla: { ...base.sla, workingDays: sla } });
      await awaitingDecision(handle, 'housing');

      const asked = (await decide(handle, 'housing', 'request_supplement', { missing: ['房屋产权证明'] })).supplement!;
      assert.equal(
        shanghaiDayOf(asked.requestedAt),
        today,
        'asked on the day before the holiday (the test did not cross midnight)',
      );
      const dueDay = shanghaiDayOf(asked.dueAt);
      assert.ok(dueDay > lastOff, `due ${dueDay}, after the holiday ending ${lastOff}`);
      assert.equal(countedWorkingDays(today, dueDay), 3);
      assert.ok(
        ![0, 6].includes(new Date(`${dueDay}T00:00:00Z`).getUTCDay()) && !holiday.includes(dueDay),
        'due on a working day',
      );
      assert.equal(asked.dueAt, `${dueDay}T09:00:00.000Z`, '17:00 Beijing time');
      assert.equal(asked.dueProvisional, undefined, 'every year it reaches has a file');
      await handle.terminate('test done');
    });

    it('§21–23 when a child joins a full district’s waiting list before the holiday, then education’s deadline to place it counts working days after it, at office close', async () => {
      const base = caseInput(DEMO_PEOPLE.parentWithChildren);
      // Three working days for education to place the child: without the holiday they would end inside it.
      const sla: WorkingDaySla = { ...WORKING_DAYS, schoolPlacement: 3 };
      const handle = await startCase(stack, { ...base, sla: { ...base.sla, workingDays: sla } });
      await Promise.all((['police', 'hrss', 'housing', 'education'] as const).map((d) => decide(handle, d)));

      const child = await untilState(
        handle,
        (s) => s.schoolPlacements?.find((p) => p.status === 'waiting' && p.dueAt),
        'a child waiting for a kindergarten place',
      );
      assert.equal(shanghaiDayOf(child.waitingSince!), today);
      const dueDay = shanghaiDayOf(child.dueAt!);
      assert.ok(dueDay > lastOff, `due ${dueDay}, after the holiday ending ${lastOff}`);
      assert.equal(countedWorkingDays(today, dueDay), 3);
      assert.equal(child.dueAt, `${dueDay}T09:00:00.000Z`, '17:00 Beijing time');
      assert.equal(child.dueProvisional, undefined, 'every year it reaches has a file');
      // Elapsed time would have ended three days from now, inside the holiday.
      assert.notEqual(child.dueAt, new Date(Date.parse(child.waitingSince!) + base.sla.schoolPlacementMs).toISOString());
      // The audit line is written by the transition after the state the query shows: waited for.
      const listed = await eventually(
        async () => (await auditTrail(stack, base.caseId)).find((e) => e.type === 'school_place_waiting'),
        'the waiting line in the trail',
      );
      assert.equal(listed.data?.dueAt, child.dueAt, 'the trail records the deadline counted');
      await handle.terminate('test done');
    });
  });
});
