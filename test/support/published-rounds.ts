/**
 * A published admission round as the round workflow writes it (models/admission-ranking.model.ts),
 * for tests of what the public and supervisors read, before or without a running round.
 */
import type { Connection } from 'mongoose';
import type { PublishedEntry } from '../../domain/admission-rounds';
import { admissionRankingModel, type AdmissionRankingDoc } from '../../models/admission-ranking.model';
import type { RoundView } from '../../workflows/admission-round/messages';

export const OBJECTION_REASON = '该申请人社保年限有误，实际不足三年';
export const OBJECTOR_ID = 'objector-sub-7';
export const CLOSE_REASON = '指标提前用完，经局务会研究提前截止';

const entry = (
  district: PublishedEntry['district'],
  rank: number,
  score: number,
  status: PublishedEntry['status'],
  open = 0,
): PublishedEntry => ({
  entryId: `${district}-${rank}`,
  rank,
  district,
  maskedName: rank === 1 ? '张*' : '李**',
  maskedIdNumber: `610113********${String(rank).padStart(3, '0')}X`,
  score,
  breakdown: [
    { indicator: 'employment', points: 20 },
    { indicator: 'socialInsurance', points: score - 20 },
  ],
  status,
  openObjections: open,
});

/**
 * A round in its public-notice period: beilin ranked 3 for 2 places, one open objection against beilin-2.
 * Its notice ended on 29 May 2026: a stack that is to take objections seeds it with `NOTICE_RUNNING`.
 */
export function noticeRoundView(roundId = '2026-1', overrides: Partial<RoundView> = {}): RoundView {
  return {
    roundId,
    year: 2026,
    opensOn: '2026-01-05',
    closesOn: '2026-06-30',
    phase: 'public_notice',
    waiting: 0,
    closedAt: '2026-05-20T02:00:00.000Z',
    closedBy: { id: 'supervisor-1', role: 'supervisor' },
    noticeEndsAt: '2026-05-29T09:00:00.000Z',
    districts: [
      {
        district: 'beilin',
        available: 2,
        cutoff: 74,
        entries: [
          entry('beilin', 1, 81, 'admitted'),
          entry('beilin', 2, 74, 'admitted', 1),
          entry('beilin', 3, 70, 'not_admitted'),
        ],
      },
    ],
    objections: [
      {
        objectionId: '0123456789abcdef0123456789abcdef',
        entryId: 'beilin-2',
        lodgedBy: { id: OBJECTOR_ID, role: 'applicant' },
        lodgedAt: '2026-05-21T01:00:00.000Z',
        reason: OBJECTION_REASON,
        status: 'open',
      },
    ],
    events: [
      {
        at: '2026-05-20T02:00:00.000Z',
        type: 'closed',
        actor: { id: 'supervisor-1', role: 'supervisor' },
        what: 'closed early',
        why: CLOSE_REASON,
      },
      {
        at: '2026-05-21T01:00:00.000Z',
        type: 'objection_lodged',
        actor: { id: OBJECTOR_ID, role: 'applicant' },
        what: 'objection against beilin-2',
        why: OBJECTION_REASON,
        data: { entryId: 'beilin-2', objectionId: '0123456789abcdef0123456789abcdef' },
      },
    ],
    ...overrides,
  };
}

export function rankingDoc(view: RoundView, seq = 1): AdmissionRankingDoc {
  return { _id: view.roundId, seq, year: view.year, opensOn: view.opensOn, phase: view.phase, view, updatedAt: new Date() };
}

/** Writes the round's document as the workflow's activity would. */
/** A notice period that is still running (a year from now): the pages and the rounds take objections in it. */
export const NOTICE_RUNNING = (): Partial<RoundView> => ({ noticeEndsAt: new Date(Date.now() + 365 * 86_400_000).toISOString() });

export async function seedRanking(mongo: Connection, view: RoundView): Promise<void> {
  await admissionRankingModel(mongo).replaceOne({ _id: view.roundId }, rankingDoc(view), { upsert: true });
}
