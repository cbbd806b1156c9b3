/**
 * What the public and supervisors see of an admission round (issue 13; §2 "公开透明"). Built from
 * the round's file and its published document (`admission_rankings`, the round workflow's
 * RoundView) and parsed through each audience's schema, which strips whatever it does not list —
 * as the case views do — so a field the workflow adds to its view is never published by accident.
 *
 * The public sees the masked ranking (PublishedEntry is masked already), the dates and the round's
 * events by type and time only: no actor ids, no close reason, and of objections nothing but the
 * per-entry count of open ones; the objection texts and who lodged them are for supervisors.
 */
import { z } from 'zod';
import { Instant } from './instant';
import type { AdmissionRound, EntryStatus, RoundsFile } from '../../domain/admission-rounds';
import { ROUND_PHASES } from '../../domain/admission-rounds';
import { POINTS_INDICATORS } from '../../domain/points-policy';
import { DISTRICTS, ROLES } from '../../domain/vocabulary';
import type { AdmissionRankingDoc } from '../../models/admission-ranking.model';
import type { RoundView } from '../../workflows/admission-round/messages';

/** Where a round stands: `upcoming` before its first day while nothing is published, then the workflow's phase. */
export const ROUND_STAGES = ['upcoming', ...ROUND_PHASES] as const;
export type RoundStage = (typeof ROUND_STAGES)[number];

export const ENTRY_STATUSES = ['admitted', 'not_admitted', 'removed', 'left'] as const satisfies readonly EntryStatus[];
const allEntryStatuses: EntryStatus extends (typeof ENTRY_STATUSES)[number] ? true : never = true;
void allEntryStatuses;

const RoundId = z.string();
const Day = z.string().meta({ description: 'YYYY-MM-DD, Asia/Shanghai' });

export const RankingEntry = z
  .object({
    entryId: z.string().meta({ description: '`<district>-<rank>`: what an objection names' }),
    rank: z.number().int(),
    district: z.enum(DISTRICTS),
    maskedName: z.string(),
    maskedIdNumber: z.string(),
    score: z.number(),
    breakdown: z.array(z.object({ indicator: z.enum(POINTS_INDICATORS), points: z.number() })),
    status: z.enum(ENTRY_STATUSES),
    openObjections: z.number().int().meta({ description: 'Objections lodged and not yet resolved (their text is not public)' }),
  })
  .meta({ id: 'RankingEntry', description: 'A line of a published ranking: masked name and ID number, score and its breakdown' });

const DistrictRanking = z
  .object({
    district: z.enum(DISTRICTS),
    available: z.number().int().meta({ description: 'Places this round could fill in the district' }),
    cutoff: z.number().optional().meta({ description: 'The lowest admitted score (分数线), when anybody was admitted' }),
    entries: z.array(RankingEntry),
  })
  .meta({ id: 'DistrictRanking' });

const RoundDates = {
  roundId: RoundId,
  year: z.number().int(),
  opensOn: Day,
  closesOn: Day,
  stage: z.enum(ROUND_STAGES),
  /** False until the round has closed and its ranking is out. */
  published: z.boolean(),
  waiting: z.number().int().meta({ description: 'Cases waiting in the round while it is open' }),
  closedAt: Instant.optional(),
  closedEarly: z.boolean().meta({ description: 'A supervisor closed the round before its date' }),
  noticeEndsAt: Instant.optional().meta({ description: 'End of the public-notice period (公示)' }),
  noticeEndsProvisional: z
    .boolean()
    .optional()
    .meta({ description: 'The notice end was counted into a year without its holiday calendar: it may move' }),
  finalisedAt: Instant.optional(),
};

export const RoundSummary = z
  .object({
    ...RoundDates,
    entries: z.number().int(),
    admitted: z.number().int(),
    openObjections: z.number().int(),
  })
  .meta({ id: 'RoundSummary' });
export type RoundSummary = z.infer<typeof RoundSummary>;

const PublicRoundEvent = z.object({
  at: Instant,
  type: z.string().meta({ description: 'opened, closed, published, objection_lodged, objection_upheld, …' }),
  entryId: z.string().optional(),
});

export const PublicRoundView = z
  .object({
    ...RoundDates,
    setBy: z.string().optional(),
    document: z.string().optional(),
    quota: z.record(z.enum(DISTRICTS), z.number().int()).optional(),
    districts: z.array(DistrictRanking),
    events: z.array(PublicRoundEvent),
  })
  .meta({
    id: 'PublicRoundView',
    description: 'An admission round as anyone may read it (公示): masked, without objection texts',
  });
export type PublicRoundView = z.infer<typeof PublicRoundView>;

const RoundActorView = z.object({ id: z.string(), role: z.enum(ROLES) });

export const ObjectionView = z
  .object({
    objectionId: z.string(),
    entryId: z.string(),
    lodgedBy: RoundActorView,
    lodgedAt: Instant,
    reason: z.string(),
    status: z.enum(['open', 'upheld', 'dismissed']),
    resolvedBy: RoundActorView.optional(),
    resolvedAt: Instant.optional(),
    resolutionNote: z.string().optional(),
  })
  .meta({ id: 'Objection' });
export type ObjectionView = z.infer<typeof ObjectionView>;

export const SupervisorRoundView = PublicRoundView.extend({
  workflowId: z.string(),
  closedBy: RoundActorView.optional(),
  objections: z.array(ObjectionView),
  events: z.array(
    z.object({
      at: Instant,
      type: z.string(),
      actor: RoundActorView,
      what: z.string(),
      why: z.string().optional(),
      data: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
}).meta({ id: 'SupervisorRoundView', description: 'An admission round in full: objections with their reasons, the audit lines' });
export type SupervisorRoundView = z.infer<typeof SupervisorRoundView>;

/** A round as its file announces it and, once the workflow has written it, as it was published. */
export interface RoundSource {
  found?: { file: RoundsFile; round: AdmissionRound };
  doc?: Pick<AdmissionRankingDoc, '_id' | 'year' | 'opensOn' | 'view'>;
}

/**
 * A round's workflow writes its view from the first case that joins it. A round no case joined
 * has none: it is upcoming, open, or — past its closing day — over with nobody to rank.
 */
function stageOf(view: RoundView | undefined, opensOn: string, closesOn: string, today: string): RoundStage {
  // A round's workflow starts with the first case that joins it, which may be before its first
  // day (the round before closed early): until that day it is upcoming, with that case waiting.
  if (view && (view.phase !== 'open' || today >= opensOn)) return view.phase;
  if (today < opensOn) return 'upcoming';
  return closesOn !== '' && today > closesOn ? 'final' : 'open';
}

function dates(src: RoundSource, today: string) {
  const view = src.doc?.view;
  const round = src.found?.round;
  const opensOn = view?.opensOn ?? round?.opensOn ?? src.doc?.opensOn ?? '';
  const closesOn = view?.closesOn ?? round?.closesOn ?? '';
  return {
    roundId: view?.roundId ?? round?.id ?? src.doc?._id ?? '',
    year: view?.year ?? src.found?.file.year ?? src.doc?.year ?? 0,
    opensOn,
    closesOn,
    stage: stageOf(view, opensOn, closesOn, today),
    published: view !== undefined && view.phase !== 'open',
    // Ranked cases are no longer waiting (the workflow keeps its count of the last open day).
    waiting: view?.phase === 'open' ? view.waiting : 0,
    closedAt: view?.closedAt,
    closedEarly: view?.closedBy?.role === 'supervisor',
    noticeEndsAt: view?.noticeEndsAt,
    noticeEndsProvisional: view?.noticeEndsProvisional,
    finalisedAt: view?.finalisedAt,
  };
}

const entryIdOf = (data: Record<string, unknown> | undefined): string | undefined =>
  typeof data?.entryId === 'string' ? data.entryId : undefined;

export function roundSummary(src: RoundSource, today: string): RoundSummary {
  const entries = (src.doc?.view.districts ?? []).flatMap((d) => d.entries);
  return RoundSummary.parse({
    ...dates(src, today),
    entries: entries.length,
    admitted: entries.filter((e) => e.status === 'admitted').length,
    openObjections: entries.reduce((n, e) => n + e.openObjections, 0),
  });
}

export function publicRoundView(src: RoundSource, today: string): PublicRoundView {
  const view = src.doc?.view;
  return PublicRoundView.parse({
    ...dates(src, today),
    setBy: src.found?.file.setBy,
    document: src.found?.file.document,
    quota: src.found?.round.quota,
    // While a round is open nothing is ranked: the list of districts waits for the close.
    districts: view && view.phase !== 'open' ? view.districts : [],
    // Who did what stays with supervisors: the public sees that it happened, when, and to which entry.
    events: (view?.events ?? []).map((e) => {
      const entryId = entryIdOf(e.data);
      return { at: e.at, type: e.type, ...(entryId ? { entryId } : {}) };
    }),
  });
}

export function supervisorRoundView(src: RoundSource, today: string, workflowId: string): SupervisorRoundView {
  const view = src.doc?.view;
  return SupervisorRoundView.parse({
    ...publicRoundView(src, today),
    workflowId,
    closedBy: view?.closedBy,
    objections: view?.objections ?? [],
    events: view?.events ?? [],
  });
}
