/**
 * What admission rounds (issue 13) do outside their workflows: write the published ranking,
 * count the quota slots a year's admissions hold, tell cases what their round decided, and let
 * a case join (or leave) a round. All idempotent: a ranking write carries its sequence number
 * (an older one never replaces a newer), a Signal repeated is read as the same news by the case,
 * and joining twice is the same entry.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { trusted, type Connection } from 'mongoose';
import { admissionRoundWorkflowId, roundToJoin, type RoundEntryInput } from '../domain/admission-rounds';
import { shanghaiToday } from '../domain/shanghai-clock';
import { admissionRankingModel } from '../models/admission-ranking.model';
import { isDuplicateKey } from '../models/duplicate-key';
import { poolUse } from '../models/pool-use';
import { ensureAdmissionRound, type RoundStarter } from '../temporal/admission-rounds';
import {
  closeRoundUpdate,
  enrolUpdate,
  leaveRoundSignal,
  type RoundNews,
  type RoundView,
} from '../workflows/admission-round/messages';
import { roundNewsSignal, settlementCaseWorkflowId } from '../workflows/settlement-case/messages';

export interface AdmissionRoundDeps {
  mongo: Connection;
  temporal?: Client;
  /** How rounds are started (task queue, files, notice clock); the client is `temporal`. */
  rounds?: Omit<RoundStarter, 'client'>;
}

/** Cases told at once by one batch (Signals are small; the server takes them quickly). */
const SIGNAL_CONCURRENCY = 10;

/** The refusal type of a failed Update, when the workflow's validator refused it. */
function refusalOf(err: unknown): string | undefined {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause.type ?? undefined;
  return undefined;
}

export function createAdmissionRoundActivities({ mongo, temporal, rounds }: AdmissionRoundDeps) {
  const rankings = admissionRankingModel(mongo);
  const starter = (): RoundStarter => {
    if (!temporal || !rounds)
      throw ApplicationFailure.nonRetryable('admission rounds need the worker’s Temporal client and round settings');
    return { client: temporal, ...rounds };
  };

  return {
    /** Writes the round's view as of `seq`; a retried older write changes nothing. */
    async publishAdmissionRound(input: { seq: number; view: RoundView }): Promise<void> {
      const { view } = input;
      const doc = {
        _id: view.roundId,
        seq: input.seq,
        year: view.year,
        opensOn: view.opensOn,
        phase: view.phase,
        view,
        updatedAt: new Date(),
      };
      const replaced = await rankings.findOneAndReplace({ _id: view.roundId, seq: trusted({ $lt: input.seq }) }, doc).lean();
      if (replaced) return;
      try {
        await rankings.create(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // this write or a newer one is there already
      }
    },

    /** Slots held in each pool now (admitted cases of the year, settled or still going). */
    async quotaHeld(input: { pools: string[] }): Promise<Record<string, number>> {
      const counts = await Promise.all(input.pools.map(async (p) => [p, await poolUse(mongo, p)] as const));
      return Object.fromEntries(counts);
    },

    /** Signals each case its news; a case whose workflow has ended is skipped (it no longer waits). */
    async tellRoundCases(input: { news: { caseId: string; news: RoundNews }[] }): Promise<{ told: number; gone: string[] }> {
      const client = starter().client;
      const gone: string[] = [];
      let told = 0;
      for (let i = 0; i < input.news.length; i += SIGNAL_CONCURRENCY) {
        await Promise.all(
          input.news.slice(i, i + SIGNAL_CONCURRENCY).map(async ({ caseId, news }) => {
            try {
              await client.workflow.getHandle(settlementCaseWorkflowId(caseId)).signal(roundNewsSignal, news);
              told++;
            } catch (err) {
              if (!(err instanceof WorkflowNotFoundError)) throw err;
              gone.push(caseId);
            }
          }),
        );
      }
      return { told, gone };
    },

    /**
     * Joins the round open today, or else the next to open, skipping rounds that are closed or
     * finished and those in `skip` (rounds that already ranked this case). `joined: false` when
     * no rounds file announces one yet.
     */
    async joinAdmissionRound(input: {
      entry: RoundEntryInput;
      skip: string[];
    }): Promise<{ joined: true; roundId: string; opensOn: string; closesOn: string } | { joined: false }> {
      const s = starter();
      const closed = new Set(input.skip);
      for (;;) {
        const next = roundToJoin(s.files(), shanghaiToday(), closed);
        if (!next) return { joined: false };
        const started = await ensureAdmissionRound(s, next.round.id);
        if (started.finished) {
          closed.add(next.round.id);
          continue;
        }
        try {
          // One id per case and round: a retried attempt is the same join, never a second one.
          await started.handle.executeUpdate(enrolUpdate, {
            updateId: `enrol:${input.entry.caseId}:${next.round.id}`,
            args: [input.entry],
          });
        } catch (err) {
          if (refusalOf(err) !== 'RoundNotOpen') throw err;
          closed.add(next.round.id);
          continue;
        }
        return { joined: true, roundId: next.round.id, opensOn: next.round.opensOn, closesOn: next.round.closesOn };
      }
    },

    /** A case that ended while waiting leaves its round (a no-op once the round has closed). */
    async leaveAdmissionRound(input: { roundId: string; caseId: string }): Promise<void> {
      const { client } = starter();
      try {
        await client.workflow
          .getHandle(admissionRoundWorkflowId(input.roundId))
          .signal(leaveRoundSignal, { caseId: input.caseId });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },

    /** What a round's Schedule does: start the round (open), or close it unless already closed. */
    async triggerAdmissionRound(input: { roundId: string; action: 'open' | 'close' }): Promise<{ done: string }> {
      const started = await ensureAdmissionRound(starter(), input.roundId);
      if (started.finished) return { done: 'round already final' };
      if (input.action === 'open') return { done: 'round open' };
      try {
        await started.handle.executeUpdate(closeRoundUpdate, {
          args: [{ by: { id: 'schedule', role: 'system' }, reason: 'the round’s closing date (Temporal Schedule)' }],
        });
        return { done: 'round closed' };
      } catch (err) {
        if (refusalOf(err) !== 'RoundNotOpen') throw err;
        return { done: 'round was closed already' };
      }
    },
  };
}
