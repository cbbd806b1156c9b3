/**
 * A rounds folder of a test's own (ROUNDS_DIR): the shipped 2026 file and a 2099 file whose round
 * has not opened yet, so that tests see a round in every stage whatever today's date.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISTRICTS } from '../../domain/vocabulary';
import { ROUNDS_DIR } from '../../policy/round-files';

export const FUTURE_ROUND = '2099-1';

export function roundsDirWithFuture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rounds-'));
  copyFileSync(join(ROUNDS_DIR, 'xian-rounds-2026.json'), join(dir, 'xian-rounds-2026.json'));
  const quota = Object.fromEntries(DISTRICTS.map((d) => [d, 2]));
  writeFileSync(
    join(dir, 'test-rounds-2099.json'),
    JSON.stringify({
      version: 'test-rounds-2099',
      year: 2099,
      setBy: 'tests',
      noticeWorkingDays: 7,
      rounds: [{ id: FUTURE_ROUND, opensOn: '2099-01-05', closesOn: '2099-06-30', quota }],
    }),
  );
  return dir;
}
