/**
 * The working-day calendar and its due-date arithmetic (domain/working-days.ts, its parser and
 * policy/calendar-files.ts): issue 13, "The statutory clock". Dates are the real ones of the
 * shipped State Council notices (policy/calendar/*.json), so a wrong file fails here too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import cal2023Json from '../../policy/calendar/2023.json';
import cal2026Json from '../../policy/calendar/2026.json';
import { CALENDAR_DIR, loadCalendarYears, loadWorkingCalendar } from '../../policy/calendar-files';
import { shanghaiDay } from '../../domain/shanghai-clock';
import {
  addWorkingDays,
  coverage,
  DEFAULT_OFFICE_CLOSE,
  dayNumber,
  dayString,
  dueAtEndOfOfficeDay,
  inOfficeHours,
  isProvisionalDay,
  isWorkingDay,
  MAX_WORKING_DAYS,
  NEXT_YEAR_REACHES_DECEMBER,
  shanghaiDayOf,
  workingCalendar,
  workingDaysBetween,
  type CalendarYear,
} from '../../domain/working-days';
import { parseCalendarYear } from '../../domain/working-days.parse';

const files = loadCalendarYears();
const cal = workingCalendar(files);
const SHIPPED_YEARS = [2020, 2021, 2022, 2023, 2024, 2025, 2026];

/** A deep copy of the real 2026 file as plain JSON, for breaking one field at a time. */
function file2026(): Record<string, any> {
  return JSON.parse(JSON.stringify(cal2026Json)) as Record<string, any>;
}

function rejects(json: unknown, pattern: RegExp): void {
  assert.throws(() => parseCalendarYear(json), pattern);
}

describe('shipped calendar files', () => {
  it('when every file is loaded, then 2020–2026 are covered and there is no 2027 file yet', () => {
    assert.deepEqual(coverage(cal), SHIPPED_YEARS);
    assert.deepEqual(
      readdirSync(CALENDAR_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort(),
      SHIPPED_YEARS.map((y) => `${y}.json`),
    );
    assert.deepEqual(coverage(loadWorkingCalendar()), SHIPPED_YEARS);
  });

  it('when a file is read, then it names its notice(s) and lists both holidays and make-up days', () => {
    for (const f of files) {
      assert.ok(f.sources.length >= 1, `${f.year}: a notice`);
      for (const s of f.sources) {
        assert.match(s.title, new RegExp(`^国务院办公厅关于.*${f.year}年.*的通知$`), `${f.year}: title`);
        assert.match(s.url, /^https?:\/\/www\.gov\.cn\//, `${f.year}: gov.cn address`);
        assert.ok(s.dated < `${f.year}-12-31`, `${f.year}: notice dated before the year ends`);
      }
      assert.ok(f.days.some((d) => d.isOffDay) && f.days.some((d) => !d.isOffDay), `${f.year}: both kinds`);
    }
  });

  it('when the 2026 file is read, then Spring Festival is 15–23 February with make-up Saturdays 14 and 28 February', () => {
    const spring = cal2026Json.days.filter((d) => d.name === '春节');
    assert.deepEqual(
      spring.filter((d) => d.isOffDay).map((d) => d.date),
      ['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => `2026-02-${d}`),
    );
    assert.deepEqual(
      spring.filter((d) => !d.isOffDay).map((d) => d.date),
      ['2026-02-14', '2026-02-28'],
    );
  });
});

describe('isWorkingDay', () => {
  it('when a day is an ordinary weekday or weekend, then weekdays work and weekends are off', () => {
    assert.equal(isWorkingDay(cal, '2026-03-09'), true); // Monday
    assert.equal(isWorkingDay(cal, '2026-03-13'), true); // Friday
    assert.equal(isWorkingDay(cal, '2026-03-07'), false); // Saturday
    assert.equal(isWorkingDay(cal, '2026-03-08'), false); // Sunday
  });

  it('when a weekday is a public holiday, then it is off; when a weekend day is a make-up day, then it works', () => {
    assert.equal(isWorkingDay(cal, '2026-02-16'), false); // Monday, 春节
    assert.equal(isWorkingDay(cal, '2026-10-01'), false); // Thursday, 国庆节
    assert.equal(isWorkingDay(cal, '2026-02-14'), true); // Saturday, 春节 make-up
    assert.equal(isWorkingDay(cal, '2026-09-20'), true); // Sunday, 国庆节 make-up
    assert.equal(isWorkingDay(cal, '2026-01-04'), true); // Sunday, 元旦 make-up
  });

  it('when the 2020 Spring Festival was extended, then the later notice wins: 1 February 2020 is off, not a make-up day', () => {
    assert.equal(isWorkingDay(cal, '2020-01-31'), false);
    assert.equal(isWorkingDay(cal, '2020-02-01'), false);
    assert.equal(isWorkingDay(cal, '2020-02-03'), true);
    assert.equal(addWorkingDays(cal, '2020-01-23', 1).day, '2020-02-03');
  });

  it('when a day is not a calendar day, then it is refused', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-2-16', '26-02-16', '2026-02-16T00:00', '', '2025-02-29'])
      assert.throws(() => isWorkingDay(cal, bad), RangeError, bad);
    assert.equal(isWorkingDay(cal, '2024-02-29'), true); // a leap day, Thursday
  });
});

describe('addWorkingDays', () => {
  it('when counting across a weekend, then Saturday and Sunday are skipped and the start day is not counted', () => {
    assert.deepEqual(addWorkingDays(cal, '2026-03-13', 1), { day: '2026-03-16', provisional: false }); // Fri → Mon
    assert.equal(addWorkingDays(cal, '2026-03-14', 1).day, '2026-03-16'); // from Saturday
    assert.equal(addWorkingDays(cal, '2026-03-15', 1).day, '2026-03-16'); // from Sunday
    assert.equal(addWorkingDays(cal, '2026-03-09', 5).day, '2026-03-16'); // Mon + 5 → next Mon
    assert.equal(addWorkingDays(cal, '2026-03-09', 1).day, '2026-03-10');
  });

  it('when a deadline crosses Spring Festival 2026, then the nine days off are skipped and both make-up Saturdays count', () => {
    // Thursday 12 February + 10: 13, 14 (Sat make-up), 24, 25, 26, 27, 28 (Sat make-up), 2, 3, 4 March.
    assert.deepEqual(addWorkingDays(cal, '2026-02-12', 10), { day: '2026-03-04', provisional: false });
    assert.equal(addWorkingDays(cal, '2026-02-13', 1).day, '2026-02-14');
    assert.equal(addWorkingDays(cal, '2026-02-13', 2).day, '2026-02-24');
    assert.equal(addWorkingDays(cal, '2026-02-27', 1).day, '2026-02-28');
    assert.equal(addWorkingDays(cal, '2026-02-27', 2).day, '2026-03-02');
  });

  it('when a supplement deadline is set on the last working day before Spring Festival, then it falls after the holiday', () => {
    assert.equal(addWorkingDays(cal, '2026-02-14', 1).day, '2026-02-24');
    assert.equal(addWorkingDays(cal, '2026-02-14', 5).day, '2026-02-28');
  });

  it('when the start day is itself a holiday, then counting starts on the next working day after it', () => {
    assert.equal(addWorkingDays(cal, '2026-02-17', 1).day, '2026-02-24'); // 春节 Tuesday
    assert.equal(addWorkingDays(cal, '2026-10-01', 1).day, '2026-10-08'); // 国庆节 Thursday
    assert.equal(addWorkingDays(cal, '2026-10-01', 3).day, '2026-10-10'); // Thu 8, Fri 9, Sat 10 (make-up)
  });

  it('when a deadline crosses Mid-Autumn and National Day 2026, then the make-up Sunday 20 September counts', () => {
    assert.equal(addWorkingDays(cal, '2026-09-18', 1).day, '2026-09-20'); // Fri → Sun (make-up)
    assert.equal(addWorkingDays(cal, '2026-09-24', 1).day, '2026-09-28'); // Thu → Mon over 中秋节 25–27
    // Wednesday 30 September + 7: 8, 9, 10 (Sat make-up), 12, 13, 14, 15 October.
    assert.deepEqual(addWorkingDays(cal, '2026-09-30', 7), { day: '2026-10-15', provisional: false });
  });

  it('when a deadline crosses National Day 2025 (merged with Mid-Autumn, eight days), then make-up Sunday 28 September and Saturday 11 October count', () => {
    assert.equal(addWorkingDays(cal, '2025-09-26', 1).day, '2025-09-28');
    assert.equal(addWorkingDays(cal, '2025-09-30', 1).day, '2025-10-09');
    assert.equal(addWorkingDays(cal, '2025-10-10', 1).day, '2025-10-11');
  });

  it('when a deadline crosses New Year 2026, then 1–3 January are off and Sunday 4 January is a working day', () => {
    assert.deepEqual(addWorkingDays(cal, '2025-12-31', 1), { day: '2026-01-04', provisional: false });
    assert.equal(addWorkingDays(cal, '2025-12-31', 2).day, '2026-01-05');
    assert.equal(addWorkingDays(cal, '2025-12-30', 2).day, '2026-01-04');
  });

  it('when the 2023 notice takes 31 December 2022 off, then that day comes from the 2023 file and nothing is provisional', () => {
    assert.equal(cal2023Json.days[0]?.date, '2022-12-31');
    assert.deepEqual(addWorkingDays(cal, '2022-12-30', 1), { day: '2023-01-03', provisional: false });
  });

  it('when a deadline runs into 2027, which has no file, then 2027 is counted on weekdays only and the result is provisional', () => {
    // Wed 30 Dec 2026 + 3: Thu 31, Fri 1 Jan (no notice yet: a plain weekday), Mon 4 Jan.
    assert.deepEqual(addWorkingDays(cal, '2026-12-30', 3), { day: '2027-01-04', provisional: true });
    assert.deepEqual(addWorkingDays(cal, '2027-03-05', 1), { day: '2027-03-08', provisional: true });
    assert.equal(isWorkingDay(cal, '2027-01-01'), true);
  });

  it('when a deadline reaches late December 2026, then it is still provisional: the 2027 notice may rearrange it', () => {
    // Thu 17 Dec + 5: Fri 18, Mon 21, Tue 22 (from here the 2027 notice may reach), Wed 23, Thu 24.
    assert.deepEqual(addWorkingDays(cal, '2026-12-17', 5), { day: '2026-12-24', provisional: true });
    assert.deepEqual(addWorkingDays(cal, '2025-12-17', 5), { day: '2025-12-24', provisional: false });
    assert.equal(isProvisionalDay(cal, `2026-12-${NEXT_YEAR_REACHES_DECEMBER}`), true);
    assert.equal(isProvisionalDay(cal, '2026-12-31'), true);
    assert.equal(isProvisionalDay(cal, '2025-12-31'), false);
  });

  it('when a deadline stays in early December 2026, then it is settled: no New Year arrangement reaches it (the earliest was 29 December)', () => {
    assert.deepEqual(addWorkingDays(cal, '2026-12-01', 5), { day: '2026-12-08', provisional: false });
    assert.deepEqual(addWorkingDays(cal, '2026-12-06', 5), { day: '2026-12-11', provisional: false });
    assert.equal(isProvisionalDay(cal, '2026-12-01'), false);
    assert.equal(isProvisionalDay(cal, `2026-12-${NEXT_YEAR_REACHES_DECEMBER - 1}`), false);
    assert.ok(NEXT_YEAR_REACHES_DECEMBER <= 29 - 7, 'a week before the earliest arrangement so far (2018-12-29)');
  });

  it('when a calendar is built for a history from before the late-December rule, then the whole of December waits on the next year, as it did', () => {
    const before = workingCalendar(files, { nextYearFrom: 1 });
    assert.deepEqual(addWorkingDays(before, '2026-12-01', 5), { day: '2026-12-08', provisional: true });
    assert.equal(isProvisionalDay(before, '2026-12-01'), true);
    assert.equal(isProvisionalDay(before, '2026-11-30'), false);
  });

  it('when only the start day lies in a year without a file, then the result is not provisional', () => {
    assert.deepEqual(addWorkingDays(cal, '2019-12-31', 1), { day: '2020-01-02', provisional: false }); // 1 Jan 2020 off
  });

  it('when the calendar has no files at all, then every weekday works and every result is provisional', () => {
    const bare = workingCalendar([]);
    assert.deepEqual(coverage(bare), []);
    assert.deepEqual(addWorkingDays(bare, '2026-02-13', 2), { day: '2026-02-17', provisional: true });
  });

  it('when the count is not a whole number from 1 up, then it is refused', () => {
    for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_WORKING_DAYS + 1])
      assert.throws(() => addWorkingDays(cal, '2026-03-09', n), RangeError, String(n));
    assert.throws(() => addWorkingDays(cal, '2026-02-30', 1), RangeError);
  });

  it('when a long count runs over many years, then it stays exact and fast', () => {
    const started = process.hrtime.bigint();
    const r = addWorkingDays(cal, '2020-01-01', 1000);
    assert.equal(workingDaysBetween(cal, '2020-01-01', r.day).count, 1000);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000, 'a thousand working days in well under a second');
  });
});

describe('workingDaysBetween', () => {
  it('when counting (from, to], then the start day is excluded, the end day included, and holidays skipped', () => {
    // 14 (make-up Sat), 24, 25, 26, 27, 28 (make-up Sat).
    assert.deepEqual(workingDaysBetween(cal, '2026-02-13', '2026-02-28'), { count: 6, provisional: false });
    assert.deepEqual(workingDaysBetween(cal, '2026-02-13', '2026-02-13'), { count: 0, provisional: false });
    assert.equal(workingDaysBetween(cal, '2026-02-15', '2026-02-23').count, 0);
    assert.equal(workingDaysBetween(cal, '2026-03-06', '2026-03-09').count, 1);
  });

  it('when the end is before the start, then it is refused', () => {
    assert.throws(() => workingDaysBetween(cal, '2026-03-09', '2026-03-06'), RangeError);
  });

  it('when the range touches a year without a file, then the count is provisional', () => {
    assert.deepEqual(workingDaysBetween(cal, '2026-12-30', '2027-01-04'), { count: 3, provisional: true });
  });

  it('when a case waits on the applicant, then the deadline moves on by the working days it waited', () => {
    const due = addWorkingDays(cal, '2026-02-05', 10).day; // 6, 9–13, 14 (Sat make-up), 24, 25, 26
    assert.equal(due, '2026-02-26');
    const paused = workingDaysBetween(cal, '2026-02-12', '2026-02-25').count; // 13, 14, 24, 25
    assert.equal(paused, 4);
    assert.equal(addWorkingDays(cal, due, paused).day, '2026-03-03'); // 27, 28 (Sat make-up), 2, 3 March
  });
});

describe('dueAtEndOfOfficeDay', () => {
  it('when an instant is late evening UTC, then its Shanghai day is already the next day and counting starts there', () => {
    // 16:30Z on Friday 13 February is 00:30 on Saturday 14 February (a make-up day) in Shanghai.
    assert.deepEqual(dueAtEndOfOfficeDay(cal, '2026-02-13T16:30:00Z', 1), {
      dueAt: '2026-02-24T09:00:00.000Z',
      day: '2026-02-24',
      provisional: false,
    });
    // One second before Shanghai midnight it is still Friday: the make-up Saturday is the first working day.
    assert.deepEqual(dueAtEndOfOfficeDay(cal, '2026-02-13T15:59:59Z', 1), {
      dueAt: '2026-02-14T09:00:00.000Z',
      day: '2026-02-14',
      provisional: false,
    });
  });

  it('when no closing time is given, then the due time is 17:00 Shanghai; a given one is used instead', () => {
    assert.equal(DEFAULT_OFFICE_CLOSE, '17:00');
    assert.equal(dueAtEndOfOfficeDay(cal, '2026-03-09T02:00:00Z', 1).dueAt, '2026-03-10T09:00:00.000Z');
    assert.equal(dueAtEndOfOfficeDay(cal, '2026-03-09T02:00:00Z', 1, '17:30').dueAt, '2026-03-10T09:30:00.000Z');
    assert.equal(dueAtEndOfOfficeDay(cal, '2026-03-09T10:00:00+08:00', 5, '18:00').dueAt, '2026-03-16T10:00:00.000Z');
    // Midnight-adjacent closing times stay on the due day in Shanghai.
    assert.equal(dueAtEndOfOfficeDay(cal, '2026-03-09T02:00:00Z', 1, '00:00').dueAt, '2026-03-09T16:00:00.000Z');
    assert.equal(dueAtEndOfOfficeDay(cal, '2026-03-09T02:00:00Z', 1, '23:59').dueAt, '2026-03-10T15:59:00.000Z');
  });

  it('when the deadline touches a year without a file, then the due time is provisional', () => {
    assert.deepEqual(dueAtEndOfOfficeDay(cal, '2026-12-30T01:00:00Z', 3), {
      dueAt: '2027-01-04T09:00:00.000Z',
      day: '2027-01-04',
      provisional: true,
    });
  });

  it('when the instant or the closing time is malformed, then it is refused', () => {
    for (const bad of [
      '2026-03-09T10:00:00',
      '2026-03-09',
      '2026-02-30T10:00:00Z',
      '2026-03-09T24:00:00Z',
      'yesterday',
      '1991-06-01T00:00:00Z',
    ])
      assert.throws(() => dueAtEndOfOfficeDay(cal, bad, 1), RangeError, bad);
    for (const close of ['24:00', '17:60', '5pm', '1700', '7:00'])
      assert.throws(() => dueAtEndOfOfficeDay(cal, '2026-03-09T02:00:00Z', 1, close), RangeError, close);
  });

  it('when instants are read as Shanghai days, then the fixed UTC+8 agrees with the time-zone database every 7 h 13 min from 2020 to 2028', () => {
    const step = (7 * 60 + 13) * 60_000;
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2028, 0, 1); t += step) {
      const iso = new Date(t).toISOString();
      assert.equal(shanghaiDayOf(iso), shanghaiDay(iso), iso);
    }
  });
});

describe('day numbers', () => {
  it('when converting days to numbers and back, then they round-trip and agree with Date.UTC from 1992 to 2100', () => {
    for (let t = Date.UTC(1992, 0, 1); t <= Date.UTC(2100, 11, 31); t += 86_400_000) {
      const iso = new Date(t).toISOString().slice(0, 10);
      const n = dayNumber(iso);
      assert.equal(n, t / 86_400_000, iso);
      assert.equal(dayString(n), iso);
    }
  });
});

/** An independent oracle from the raw JSON files: Date for weekdays, a Set for arranged days. */
function oracle(): { working: (day: string) => boolean; provisional: (day: string) => boolean } {
  const arranged = new Map<string, boolean>();
  const years = new Set<number>();
  for (const f of readdirSync(CALENDAR_DIR).filter((x) => x.endsWith('.json'))) {
    const json = JSON.parse(readFileSync(path.join(CALENDAR_DIR, f), 'utf8')) as CalendarYear;
    years.add(json.year);
    for (const d of json.days) arranged.set(d.date, d.isOffDay);
  }
  return {
    working: (day) => {
      const off = arranged.get(day);
      if (off !== undefined) return !off;
      const w = new Date(`${day}T00:00:00Z`).getUTCDay();
      return w !== 0 && w !== 6;
    },
    provisional: (day) => {
      const y = Number(day.slice(0, 4));
      return !years.has(y) || (day.slice(5, 7) === '12' && Number(day.slice(8)) >= 22 && !years.has(y + 1));
    },
  };
}

describe('property: addWorkingDays agrees with an independent count', () => {
  it('when starting on every day from December 2019 to March 2027 with n from 1 to 30, then the result is the first day with exactly n working days in (from, result]', () => {
    const o = oracle();
    const next = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    let checked = 0;
    for (let from = '2019-12-01'; from <= '2027-03-31'; from = next(from)) {
      // Walk once from `from`, noting each working day: the k-th one is the answer for n = k.
      let day = from;
      let provisional = false;
      for (let k = 1; k <= 30;) {
        day = next(day);
        provisional ||= o.provisional(day);
        if (!o.working(day)) continue;
        const got = addWorkingDays(cal, from, k);
        assert.deepEqual(got, { day, provisional }, `${from} + ${k}`);
        assert.equal(isWorkingDay(cal, got.day), true);
        assert.equal(workingDaysBetween(cal, from, got.day).count, k);
        checked += 1;
        k += 1;
      }
    }
    assert.ok(checked > 70_000, `checked ${checked} deadlines`);
  });
});

describe('parseCalendarYear', () => {
  it('when every shipped file is parsed, then each comes back unchanged', () => {
    assert.deepEqual(parseCalendarYear(cal2026Json), cal2026Json);
    assert.deepEqual(parseCalendarYear(cal2023Json), cal2023Json);
  });

  it('when a notice has no document number, then the file is still valid; when it has one, then it is kept', () => {
    const json = file2026();
    delete json.sources[0].number;
    assert.equal(parseCalendarYear(json).sources[0]?.number, undefined);
    json.sources[0].number = '国办发明电〔2025〕7号';
    assert.equal(parseCalendarYear(json).sources[0]?.number, '国办发明电〔2025〕7号');
  });

  it('when a date is malformed or does not exist, then the file is refused naming the entry', () => {
    for (const bad of ['2026-02-30', '2026-2-16', '2026/02/16', '2026-02-16T00:00:00Z', '']) {
      const json = file2026();
      json.days[5].date = bad;
      rejects(json, /invalid calendar year 2026: days\.5\.date/);
    }
  });

  it('when a date lies outside the file year (other than December of the year before), then the file is refused', () => {
    for (const bad of ['2027-01-01', '2025-11-30', '2024-12-31']) {
      const json = file2026();
      json.days[5].date = bad;
      rejects(json, new RegExp(`days\\.5\\.date: ${bad} is outside 2026`));
    }
    const json = file2026();
    json.days.unshift({ name: '元旦', date: '2025-12-31', isOffDay: true });
    assert.equal(parseCalendarYear(json).days[0]?.date, '2025-12-31');
  });

  it('when the year is wrong or not a whole number, then the file is refused', () => {
    const json = file2026();
    json.year = 2025; // every 2026 date is now outside the file's year
    rejects(json, /invalid calendar year 2025: days\.0\.date: 2026-01-01 is outside 2025/);
    json.year = 2026.5;
    rejects(json, /invalid calendar year 2026\.5: year: /);
    json.year = '2026';
    rejects(json, /invalid calendar year: year: /);
  });

  it('when a day is listed twice, then the file is refused', () => {
    const json = file2026();
    json.days.push({ ...json.days[3] });
    rejects(json, /2026-01-04 is listed twice/);
  });

  it('when a day is both a holiday and a make-up working day, then the file is refused', () => {
    const json = file2026();
    json.days.push({ name: '春节', date: '2026-02-14', isOffDay: true });
    rejects(json, /2026-02-14 is listed both as a day off and as a working day/);
  });

  it('when a file has no days or no notice (a placeholder such as holiday-cn 2027.json), then it is refused', () => {
    rejects({ year: 2027, sources: [], days: [] }, /sources: at least one notice.*days: no days/);
    const json = file2026();
    json.days = [];
    rejects(json, /days: no days/);
  });

  it('when a field is unknown, missing or of the wrong type, then the file is refused naming it', () => {
    const extra = file2026();
    extra.papers = [];
    rejects(extra, /papers: unknown field/);
    const dayExtra = file2026();
    dayExtra.days[0].isWorkDay = false;
    rejects(dayExtra, /days\.0\.isWorkDay: unknown field/);
    const noName = file2026();
    noName.days[0].name = '';
    rejects(noName, /days\.0\.name/);
    const offDay = file2026();
    offDay.days[0].isOffDay = 'true';
    rejects(offDay, /days\.0\.isOffDay/);
    const badUrl = file2026();
    badUrl.sources[0].url = 'ftp://www.gov.cn/x';
    rejects(badUrl, /sources\.0\.url/);
    const undated = file2026();
    delete undated.sources[0].dated;
    rejects(undated, /sources\.0\.dated/);
    rejects(null, /invalid calendar year: \(root\)/);
  });
});

describe('workingCalendar', () => {
  it('when two files claim one year, then the calendar is refused', () => {
    const f = parseCalendarYear(cal2026Json);
    assert.throws(() => workingCalendar([f, f]), /two calendar files for 2026/);
  });

  it('when two files list the same day, then the calendar is refused rather than depending on file order', () => {
    const y2022: CalendarYear = {
      year: 2022,
      sources: [{ title: 't', dated: '2021-10-25', url: 'https://www.gov.cn/x' }],
      days: [{ name: '元旦', date: '2022-12-31', isOffDay: true }],
    };
    assert.throws(
      () => workingCalendar([y2022, parseCalendarYear(cal2023Json)]),
      /2022-12-31 is listed twice \(in the 2022 file and the 2023 file\)/,
    );
  });
});

describe('loadCalendarYears', () => {
  function withDir(files: Record<string, unknown>, body: (dir: string) => void): void {
    const dir = mkdtempSync(path.join(tmpdir(), 'calendar-'));
    try {
      for (const [name, json] of Object.entries(files)) writeFileSync(path.join(dir, name), JSON.stringify(json));
      writeFileSync(path.join(dir, 'README.md'), 'not a year');
      body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('when a folder holds year files and a README, then the years load in order and the README is ignored', () => {
    withDir({ '2026.json': cal2026Json, '2023.json': cal2023Json }, (dir) => {
      assert.deepEqual(
        loadCalendarYears(dir).map((f) => f.year),
        [2023, 2026],
      );
      assert.deepEqual(coverage(loadWorkingCalendar(dir)), [2023, 2026]);
    });
  });

  it('when a file name does not match the year it declares, then loading is refused', () => {
    withDir({ '2025.json': cal2026Json }, (dir) => {
      assert.throws(() => loadCalendarYears(dir), /2025\.json declares the year 2026: it must be 2025/);
    });
  });

  it('when a file is not named after a year, then loading is refused', () => {
    withDir({ 'holidays-2026.json': cal2026Json }, (dir) => {
      assert.throws(() => loadCalendarYears(dir), /the name must be the year/);
    });
  });

  it('when a file is invalid, then loading is refused with the parser’s reason', () => {
    withDir({ '2027.json': { year: 2027, sources: [], days: [] } }, (dir) => {
      assert.throws(() => loadCalendarYears(dir), /invalid calendar year 2027/);
    });
  });
});

describe('reminders in office hours (inOfficeHours)', () => {
  // Found by a review of dates: a reminder at 80 % of a wait counted in elapsed time went out on a
  // Saturday at 05:48 (an officer's) or a Monday at 02:48 (an applicant's SMS).
  const at = (iso: string) => new Date(inOfficeHours(cal, Date.parse(iso))).toISOString();

  it('when a reminder falls in office hours of a working day, then it stays', () => {
    assert.equal(at('2026-03-09T02:00:00.000Z'), '2026-03-09T02:00:00.000Z', 'Monday 10:00 in Beijing');
  });

  it('when it falls before the office opens, after it closes, or on a rest day, then it moves to the next office day’s opening', () => {
    assert.equal(at('2026-03-08T18:48:00.000Z'), '2026-03-09T01:00:00.000Z', 'Monday 02:48 → Monday 09:00');
    assert.equal(at('2026-03-09T10:00:00.000Z'), '2026-03-10T01:00:00.000Z', 'Monday 18:00 → Tuesday 09:00');
    assert.equal(at('2026-03-09T09:00:00.000Z'), '2026-03-10T01:00:00.000Z', 'at the close itself: the next day');
    assert.equal(at('2026-03-06T21:48:00.000Z'), '2026-03-09T01:00:00.000Z', 'Saturday 05:48 → Monday 09:00');
  });

  it('when the next day is a holiday or a make-up working Saturday, then the calendar decides', () => {
    // 2026: Saturday 10 October is a make-up working day; 1 October a holiday.
    assert.equal(at('2026-10-09T20:00:00.000Z'), '2026-10-10T01:00:00.000Z', 'Saturday 04:00 on a working Saturday');
    const afterHoliday = at('2026-09-30T12:00:00.000Z');
    const day = shanghaiDayOf(afterHoliday);
    assert.ok(isWorkingDay(cal, day) && day > '2026-10-01', day);
    for (let d = dayNumber('2026-10-01'); d < dayNumber(day); d++) assert.ok(!isWorkingDay(cal, dayString(d)), dayString(d));
    assert.ok(afterHoliday.endsWith('T01:00:00.000Z'));
  });

  it('when the city’s office opens later, then a reminder before it waits for it', () => {
    assert.equal(
      new Date(inOfficeHours(cal, Date.parse('2026-03-09T01:00:00.000Z'), '17:00', '08:30')).toISOString(),
      '2026-03-09T01:00:00.000Z',
      '09:00 is in office hours when it opens at 08:30',
    );
    assert.equal(
      new Date(inOfficeHours(cal, Date.parse('2026-03-08T20:00:00.000Z'), '18:00', '09:30')).toISOString(),
      '2026-03-09T01:30:00.000Z',
      '04:00 → 09:30',
    );
  });

  it('when the office closes later, then the evening before that close is still office hours', () => {
    assert.equal(
      new Date(inOfficeHours(cal, Date.parse('2026-03-09T09:30:00.000Z'), '18:00')).toISOString(),
      '2026-03-09T09:30:00.000Z',
    );
  });
});
