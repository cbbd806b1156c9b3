/**
 * A rounds folder of a test's own (ROUNDS_DIR): the shipped 2026 file, a round open only today
 * (Asia/Shanghai) and a 2099 file whose round has not opened yet, so that tests see a round in
 * every stage whatever today's date.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RoundsFile } from '../../domain/admission-rounds';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { DISTRICTS } from '../../domain/vocabulary';
import { dayNumber, dayString } from '../../domain/working-days';
import { ROUNDS_DIR } from '../../policy/round-files';

export const FUTURE_ROUND = '2099-1';
/** Opens and closes on the day the folder is written (Asia/Shanghai): open whenever the test runs, so it can be closed early. */
export const OPEN_ROUND = `${shanghaiToday().slice(0, 4)}-open-today`;

export function roundsDirWithFuture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rounds-'));
  const quota = Object.fromEntries(DISTRICTS.map((d) => [d, 2])) as RoundsFile['rounds'][number]['quota'];
  const write = (name: string, file: RoundsFile) => writeFileSync(join(dir, name), JSON.stringify(file));
  const today = shanghaiToday();
  const year = Number(today.slice(0, 4));
  const openToday = { id: OPEN_ROUND, opensOn: today, closesOn: today, quota };
  const shipped = JSON.parse(readFileSync(join(ROUNDS_DIR, 'xian-rounds-2026.json'), 'utf8')) as RoundsFile;
  if (shipped.year === year) {
    // One file per year: today's round joins the shipped one, whose round open today ends yesterday.
    const yesterday = dayString(dayNumber(today) - 1);
    const rounds = shipped.rounds.map((r) => (r.opensOn <= today && today <= r.closesOn ? { ...r, closesOn: yesterday } : r));
    write('xian-rounds-2026.json', {
      ...shipped,
      rounds: [...rounds, openToday].sort((a, b) => (a.opensOn < b.opensOn ? -1 : a.opensOn > b.opensOn ? 1 : 0)),
    });
  } else {
    write('xian-rounds-2026.json', shipped);
    write(`test-rounds-${year}.json`, {
      version: `test-rounds-${year}`,
      year,
      setBy: 'tests',
      noticeWorkingDays: 7,
      rounds: [openToday],
    });
  }
  write('test-rounds-2099.json', {
    version: 'test-rounds-2099',
    year: 2099,
    setBy: 'tests',
    noticeWorkingDays: 7,
    rounds: [{ id: FUTURE_ROUND, opensOn: '2099-01-05', closesOn: '2099-06-30', quota }],
  });
  return dir;
}
