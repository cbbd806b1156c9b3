/** Calendar folders of a test's own (the statutory clock, issue 13): one lacking a year, one not. */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALENDAR_DIR } from '../../policy/calendar-files';

/** A calendar folder with the shipped 2026 file and, when asked, a (test) 2027 one. */
export function calendarFolder(with2027: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'hukou-calendar-'));
  copyFileSync(join(CALENDAR_DIR, '2026.json'), join(dir, '2026.json'));
  if (with2027)
    writeFileSync(
      join(dir, '2027.json'),
      JSON.stringify({
        year: 2027,
        sources: [{ title: '测试用2027年节假日安排', dated: '2026-11-01', url: 'https://example.gov.cn/test' }],
        days: [{ name: '元旦', date: '2027-01-01', isOffDay: true }],
      }),
    );
  return dir;
}
