/**
 * A points case between its approval and its registration (issue 13): it joins its district's
 * admission round and waits. At the close it hears its rank: admitted provisionally (it takes
 * its quota slot now, for the public-notice period) or not. An upheld objection may admit it
 * later in the period, or remove it (the case is refused). When the ranking is final an
 * admitted case goes on to registration; one not admitted joins the next round and is told when
 * that opens. It may be withdrawn or terminated at any time while it waits.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import type { RoundEntryInput } from '../../domain/admission-rounds';
import type { CaseRoundInfo } from '../../domain/case-state';
import { pointsInputsFrom } from '../../domain/check-findings';
import type { District } from '../../domain/vocabulary';
import type { RoundNews, RoundSlot } from '../admission-round/messages';
import { roundNewsSignal } from './messages';
import * as notices from './notices';
import { records, SYSTEM } from './activity-proxies';
import type { CaseRun } from './case-run';
import type { Saga } from './saga';

const DAY_MS = 24 * 3_600_000;

export interface Admission {
  /** Resolves once admitted for good, or when the case has ended. */
  awaitAdmission(): Promise<void>;
}

export function createAdmission(run: CaseRun, saga: Saga): Admission {
  const { input, state, audit, notify, flush, end, ended, departments, step } = run;
  const district = input.application.district as District;
  const news: RoundNews[] = [];
  setHandler(roundNewsSignal, (n) => void news.push(n));

  const entry = (): RoundEntryInput => {
    const facts = pointsInputsFrom(Object.fromEntries(departments.map((d) => [d, step(d).check])));
    const score = state.score!;
    return {
      caseId: input.caseId,
      caseNumber: input.caseNumber,
      district,
      name: input.application.applicant.name,
      idNumber: input.application.applicant.idNumber,
      score: score.total,
      breakdown: score.breakdown.map((b) => ({ indicator: b.indicator, points: b.points })),
      socialInsuranceYears: facts.hrss.socialInsuranceYears,
      continuousResidenceYears: facts.police.continuousResidenceYears,
      submittedAt: input.submittedAt,
    };
  };

  const slotHeld = (pool: string) => state.reservations.some((r) => r.pool === pool && r.status === 'held');

  /**
   * Takes the admitted case's slot: `held`; `refused` when the pool had none left after all (it
   * waits on); `released` when the round has already given it back (an upheld objection removed
   * the entry, and that news follows).
   */
  const takeSlot = async (roundId: string, slot: RoundSlot): Promise<'held' | 'refused' | 'released'> => {
    let refused = false;
    const outcome = await saga.commit(
      { kind: 'quota_slot', district, round: { id: roundId, year: slot.year, limit: slot.limit, version: slot.version } },
      'household',
      undefined,
      () => {
        refused = true;
      },
    );
    if (outcome === 'released') return 'released';
    // The case ended while the commit waited (an incident given up): no slot, but no refusal
    // either; nothing is audited or told, and the follow loop sees the end (patch quota-commit-ended).
    if (!refused && ended() && !slotHeld(slot.pool) && patched('quota-commit-ended')) return 'released';
    return !refused && slotHeld(slot.pool) ? 'held' : 'refused';
  };

  /** Follows one round to its end for this case: admitted, not admitted, or the case ended. */
  const follow = async (roundId: string): Promise<'admitted' | 'not_admitted' | 'ended'> => {
    const round = state.round!;
    let pool: string | undefined;
    /** A moved cut-off heard before the ranking itself (its batch was sent later): newer than the ranking's. */
    let laterCutoff: { cutoff?: number } | undefined;
    /** The line as the round now draws it; none when nobody is admitted any more. */
    const takeCutoff = (cutoff: number | undefined) => {
      if (cutoff === undefined) delete round.cutoff;
      else round.cutoff = cutoff;
    };
    for (;;) {
      await condition(() => ended() || news.some((n) => n.roundId === roundId));
      if (ended()) {
        // Ranked and still in the public notice: the round marks the entry as left, so the
        // published ranking stops showing an ended case as 拟落户 (patch `leave-ranked-round`;
        // before it only a case still waiting told the round).
        const inRound = ['waiting', 'admitted_provisionally', 'not_admitted'].includes(round.status);
        if (inRound && patched('leave-ranked-round')) {
          await records.leaveAdmissionRound({ roundId, caseId: input.caseId });
          round.status = 'left';
        } else if (round.status === 'waiting') await records.leaveAdmissionRound({ roundId, caseId: input.caseId });
        return 'ended';
      }
      const n = news.splice(
        news.findIndex((x) => x.roundId === roundId),
        1,
      )[0]!;
      if (n.kind === 'cutoff') {
        // Said only to a ranked case still in the notice; a letter states it with the final result.
        if (round.status === 'waiting') laterCutoff = { cutoff: n.cutoff };
        if (round.status !== 'admitted_provisionally' && round.status !== 'not_admitted') continue;
        takeCutoff(n.cutoff);
        await flush();
      } else if (n.kind === 'ranked' || n.kind === 'admitted') {
        // A Signal delivered twice (a retried batch) is the same news: taken once.
        if (n.kind === 'ranked' && round.status !== 'waiting') continue;
        if (n.kind === 'admitted' && round.status === 'admitted_provisionally') continue;
        Object.assign(round, { rank: n.rank }, n.cutoff !== undefined ? { cutoff: n.cutoff } : {});
        if (laterCutoff && n.kind === 'ranked') {
          takeCutoff(laterCutoff.cutoff);
          laterCutoff = undefined;
        }
        if (n.kind === 'ranked') {
          round.noticeEndsAt = n.noticeEndsAt;
          if (n.noticeEndsProvisional) round.noticeEndsProvisional = true;
        }
        const admitted = n.kind === 'admitted' || n.admitted;
        round.status = admitted ? 'admitted_provisionally' : 'not_admitted';
        audit({
          type: 'admission_round',
          actor: SYSTEM,
          department: 'hrss',
          what: admitted
            ? n.kind === 'admitted'
              ? `admitted in round ${roundId} after an upheld objection`
              : `ranked ${n.rank} in round ${roundId}: admitted, pending public notice`
            : `ranked ${n.rank} in round ${roundId}: not admitted`,
          data: { roundId, rank: n.rank, cutoff: n.cutoff, score: state.score?.total },
        });
        if (admitted) {
          pool = n.pool;
          const taken = await takeSlot(roundId, n);
          // Removed by an upheld objection before this news was taken: no letter of an admission
          // that no longer stands; the removal follows (a reserve answers `released` only then).
          if (taken === 'released') continue;
          if (taken === 'refused') {
            round.status = 'not_admitted';
            audit({ type: 'admission_round', actor: SYSTEM, department: 'hrss', what: `no quota slot left in round ${roundId}` });
          }
        }
        // A case that ended while its slot was being taken (the applicant withdrew) gets no
        // letter of its rank: its withdrawal letter is the last word (the slot is given back).
        if (!ended()) notify(notices.roundRanked(state, round));
        await flush();
      } else if (n.kind === 'removed') {
        round.status = 'removed';
        audit({
          type: 'admission_round',
          actor: { id: n.by.id, role: n.by.role },
          department: 'hrss',
          what: `removed from round ${roundId}: objection upheld`,
          why: n.note,
          data: { roundId, objectionId: n.objectionId },
        });
        end({
          status: 'rejected',
          by: n.by.id,
          role: n.by.role,
          reasons: [{ code: 'objection_upheld', department: 'hrss', note: n.note }],
        });
        return 'ended';
      } else {
        // The final cut-off, as the round publishes it: an upheld objection may have moved it since
        // this case was ranked. Only what the transition and the letter carry changes, so recorded
        // histories replay unchanged (docs/replay-histories.md).
        takeCutoff(n.cutoff);
        if (round.status === 'admitted_provisionally' && pool !== undefined && slotHeld(pool)) {
          round.status = 'admitted';
          audit({ type: 'admission_round', actor: SYSTEM, department: 'hrss', what: `admitted: round ${roundId} is final` });
          notify(notices.roundResult(state, round, undefined));
          await flush();
          return 'admitted';
        }
        round.status = 'not_admitted';
        return 'not_admitted';
      }
    }
  };

  const awaitAdmission = async (): Promise<void> => {
    state.status = 'awaiting_round';
    const skip: string[] = [];
    /** The round that just ranked the case without admitting it: told once the next is known. */
    let notAdmitted: CaseRoundInfo | undefined;
    for (;;) {
      if (ended()) return;
      const joined = await records.joinAdmissionRound({ entry: entry(), skip });
      if (!joined.joined) {
        if (notAdmitted || state.round?.status !== 'awaiting_announcement') {
          state.round = { status: 'awaiting_announcement' };
          audit({
            type: 'admission_round',
            actor: SYSTEM,
            department: 'hrss',
            what: 'waiting for the next round to be announced',
          });
          if (notAdmitted) notify(notices.roundResult(state, notAdmitted, undefined));
          notAdmitted = undefined;
          await flush();
        }
        // A rounds file added later is found on the next look.
        await condition(ended, DAY_MS);
        continue;
      }
      state.round = { roundId: joined.roundId, status: 'waiting', opensOn: joined.opensOn, closesOn: joined.closesOn };
      audit({
        type: 'admission_round',
        actor: SYSTEM,
        department: 'hrss',
        what: `joined round ${joined.roundId}`,
        data: { roundId: joined.roundId, closesOn: joined.closesOn },
      });
      // The first round joined is a letter of its own; a later one is named in the last result's.
      // Either rides in the transition flush() stores with the audit line above: only that
      // activity's input changes, so recorded histories replay unchanged (docs/replay-histories.md).
      if (notAdmitted) notify(notices.roundResult(state, notAdmitted, state.round));
      else notify(notices.roundJoined(state, state.round));
      notAdmitted = undefined;
      await flush();
      const outcome = await follow(joined.roundId);
      if (outcome !== 'not_admitted') return;
      notAdmitted = { ...state.round };
      (state.pastRounds ??= []).push(notAdmitted);
      skip.push(joined.roundId);
    }
  };

  return { awaitAdmission };
}
