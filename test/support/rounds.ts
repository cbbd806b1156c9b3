/**
 * Admission rounds of a test stack's own (issue 13). Round workflow ids are global in the Temporal
 * namespace, so every stack writes rounds files whose round ids carry its own suffix: cases of
 * one test file never join another's round (whose worker may be gone). By default there is a
 * one-day round for every day from today to the end of next year, each with room for everyone,
 * and the stack closes a round a second after its first case joined (ROUND_CLOSE_AFTER_MS): a
 * test about something else sees a points case admitted and settled without touching rounds,
 * and a case that comes later joins the next day's round.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { AdmissionRound, RoundsFile } from '../../domain/admission-rounds';
import type { CaseState } from '../../domain/case-state';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { DISTRICTS, type District } from '../../domain/vocabulary';
import { admissionRoundWorkflowId, closeRoundUpdate, type RoundView } from '../../workflows/admission-round/messages';
import { caseStatusQuery } from '../../workflows/settlement-case/messages';
import { eventually } from './stack';

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
export function testRounds(suffix: string, rounds?: Array<Omit<AdmissionRound, 'id'>>): TestRounds {
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
  const daily = (d: string) => ({ opensOn: d, closesOn: d, quota: quotaOf(1000) });
  write(year, days(today, `${year}-12-31`).map(daily));
  write(year + 1, days(`${year + 1}-01-01`, `${year + 1}-12-31`).map(daily));
  return { dir, ids };
}

/** Waits until the case has joined a round (it may be ranked already), and returns its state then. */
export async function untilInRound(handle: WorkflowHandle, timeoutMs = 60_000): Promise<CaseState> {
  return eventually(
    async () => {
      const s = await handle.query(caseStatusQuery);
      return s.round?.roundId ? s : undefined;
    },
    'the case joins an admission round',
    timeoutMs,
  );
}

/** Closes a round now, as a supervisor would (the round ranks and publishes at once). */
export async function closeRound(
  client: { workflow: { getHandle(id: string): WorkflowHandle } },
  roundId: string,
  by = { id: 'supervisor-test', role: 'supervisor' as const },
): Promise<RoundView> {
  return client.workflow
    .getHandle(admissionRoundWorkflowId(roundId))
    .executeUpdate(closeRoundUpdate, { args: [{ by, reason: 'closed by the test' }] });
}

/**
 * Waits for the case to join its round, then closes that round: the case is ranked (and, with
 * room for all, admitted; settled once the short test notice is over). A round that closed by
 * itself meanwhile is left as it is.
 */
export async function closeRoundOf(
  client: { workflow: { getHandle(id: string): WorkflowHandle } },
  handle: WorkflowHandle,
): Promise<void> {
  const s = await untilInRound(handle);
  if (s.round?.status !== 'waiting') return;
  try {
    await closeRound(client, s.round.roundId!);
  } catch (err) {
    const cause = (err as { cause?: { type?: string } }).cause;
    if (cause?.type !== 'RoundNotOpen') throw err;
  }
}
