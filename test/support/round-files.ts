/**
 * Rounds files of a test's own (issue 13), without the test stack: what test stacks, the chaos
 * suite and the benchmark point ROUNDS_DIR at. Round workflow ids are global in a Temporal
 * namespace, so round ids carry the caller's suffix. By default there is a one-day round for every
 * day from today to the end of next year, each with room for everyone (or `dailyQuota`); with
 * ROUND_CLOSE_AFTER_MS a round then ranks its cases a moment after the first joined, and a case
 * that comes later joins the next day's round.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdmissionRound, RoundsFile } from '../../domain/admission-rounds';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { DISTRICTS, type District } from '../../domain/vocabulary';

export interface TestRounds {
  dir: string;
  /** The ids of this stack's rounds, in order. */
  ids: string[];
}

/** Every district at `n` places. */
export const quotaOf = (n: number, overrides: Partial<Record<District, number>> = {}): Record<District, number> => ({
  ...(Object.fromEntries(DISTRICTS.map((d) => [d, n])) as Record<District, number>),
  ...overrides,
});

/**
 * A rounds folder: `rounds` in this year's file (ids `<suffix>-1`, `<suffix>-2`, … in the order
 * given), or by default the one-day rounds described above, 1000 places per district each.
 */
export function testRounds(
  suffix: string,
  rounds?: Array<Omit<AdmissionRound, 'id'>>,
  dailyQuota: Record<District, number> = quotaOf(1000),
): TestRounds {
  const today = shanghaiToday();
  const year = Number(today.slice(0, 4));
  const dir = mkdtempSync(join(tmpdir(), 'hukou-rounds-'));
  const ids: string[] = [];
  const write = (fileYear: number, list: Array<Omit<AdmissionRound, 'id'>>) => {
    const file: RoundsFile = {
      version: `test-rounds-${suffix}-${fileYear}`,
      year: fileYear,
      setBy: 'test',
      noticeWorkingDays: 7,
      rounds: list.map((r) => {
        const id = `${suffix}-${ids.length + 1}`;
        ids.push(id);
        return { id, ...r };
      }),
    };
    if (file.rounds.length > 0) writeFileSync(join(dir, `${file.version}.json`), JSON.stringify(file, null, 2));
  };
  if (rounds) {
    write(year, rounds);
    return { dir, ids };
  }
  const days = (from: string, to: string) => {
    const out: string[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
      out.push(new Date(t).toISOString().slice(0, 10));
    return out;
  };
  const daily = (d: string) => ({ opensOn: d, closesOn: d, quota: dailyQuota });
  write(year, days(today, `${year}-12-31`).map(daily));
  write(year + 1, days(`${year + 1}-01-01`, `${year + 1}-12-31`).map(daily));
  return { dir, ids };
}
