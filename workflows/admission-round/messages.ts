/**
 * The contract of an admission round (issue 13), shared by the round workflow, the case
 * workflow, the activities, the application layer and the tests: input, the round's view (what
 * is published, masked, and what supervisors see), and its Updates and Query.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PublishedEntry, RankedEntry, RoundEntryInput, RoundPhase, RoundsFile } from '../../domain/admission-rounds';
import type { District, Role } from '../../domain/vocabulary';

export { admissionRoundWorkflowId } from '../../domain/admission-rounds';

/** How the public-notice period is counted: working days (default) or elapsed time (tests, demos). */
export type NoticeClock = { workingDays: number; officeClose: string } | { elapsedMs: number };

export interface AdmissionRoundInput {
  roundId: string;
  /** The round's file as it stood when the round started: its dates and every quota of its year. */
  file: RoundsFile;
  notice: NoticeClock;
  /** Instant (ISO) the round closes by itself if no schedule or supervisor closed it first. */
  closesAt: string;
}

/** Why a round's Update is refused: the ApplicationFailure type (the API maps it to a status). */
export const ROUND_REFUSALS = [
  'RoundNotOpen',
  'RoundNotInNotice',
  'EntryNotFound',
  'EntryNotObjectable',
  'ObjectionNotFound',
  'ObjectionAlreadyResolved',
  /** The same person already has an open objection to the entry (one answer each, not a pile). */
  'ObjectionAlreadyLodged',
  'WrongDistrict',
] as const;
export type RoundRefusal = (typeof ROUND_REFUSALS)[number];

export interface RoundActor {
  id: string;
  role: Role;
}

export interface Objection {
  objectionId: string;
  entryId: string;
  lodgedBy: RoundActor;
  lodgedAt: string;
  /** The objector's reason: shown to supervisors, never published. */
  reason: string;
  status: 'open' | 'upheld' | 'dismissed';
  resolvedBy?: RoundActor;
  resolvedAt?: string;
  resolutionNote?: string;
}

/** A line of the round's own audit trail (close, objections, admissions after an objection). */
export interface RoundEvent {
  at: string;
  type:
    | 'opened'
    | 'closed'
    | 'published'
    | 'objection_lodged'
    | 'objection_upheld'
    | 'objection_dismissed'
    | 'admitted_next'
    | 'finalised'
    | 'left';
  actor: RoundActor;
  what: string;
  why?: string;
  data?: Record<string, unknown>;
}

/** One district's part of a closed round. */
export interface DistrictRanking {
  district: District;
  /** Places this round could fill (its quota plus what earlier rounds of the year passed on). */
  available: number;
  /** The lowest admitted score, when anybody was admitted. */
  cutoff?: number;
  entries: PublishedEntry[];
}

/**
 * What the round publishes (read model `admission_rankings`, one document per round). The public
 * routes show `districts` and the phase; supervisors also see objections and events.
 */
export interface RoundView {
  roundId: string;
  year: number;
  opensOn: string;
  closesOn: string;
  phase: RoundPhase;
  /** Cases waiting in the round while it is open (no personal data). */
  waiting: number;
  closedAt?: string;
  closedBy?: RoundActor;
  noticeEndsAt?: string;
  /** True when the notice end was counted into a year without a calendar file. */
  noticeEndsProvisional?: boolean;
  finalisedAt?: string;
  districts: DistrictRanking[];
  objections: Objection[];
  events: RoundEvent[];
}

export interface CloseRoundInput {
  /** Who closes: `schedule` for the Temporal Schedule, or a supervisor. */
  by: RoundActor;
  reason: string;
}

export interface LodgeObjectionInput {
  /** The client's idempotency key: the same id twice is one objection. */
  objectionId: string;
  entryId: string;
  by: RoundActor;
  reason: string;
}

export interface ResolveObjectionInput {
  objectionId: string;
  outcome: 'upheld' | 'dismissed';
  by: RoundActor;
  note: string;
}

export interface EnrolResult {
  roundId: string;
  closesOn: string;
}

export const enrolUpdate = defineUpdate<EnrolResult, [RoundEntryInput]>('enrol');
/** A case that ended while waiting leaves the round before it is ranked (after, it stays as ranked). */
export const leaveRoundSignal = defineSignal<[{ caseId: string }]>('leave');
export const closeRoundUpdate = defineUpdate<RoundView, [CloseRoundInput]>('close');
export const lodgeObjectionUpdate = defineUpdate<Objection, [LodgeObjectionInput]>('lodgeObjection');
export const resolveObjectionUpdate = defineUpdate<Objection, [ResolveObjectionInput]>('resolveObjection');
export const roundViewQuery = defineQuery<RoundView>('round');

/** The round's ranked entries with the case each came from (kept in the workflow, not published). */
export interface RankedWithInput extends RankedEntry {
  input: RoundEntryInput;
}

/**
 * What a round tells a case (a Signal to the case workflow). `ranked` at the close, `admitted`
 * when an upheld objection gives it a place, `removed` when an objection against it is upheld,
 * `cutoff` to the district's other ranked cases when that moved the line,
 * `final` at the end of the public-notice period.
 */
/** The slot an admitted case reserves: the year's quota pool, its limit for this round, the file. */
export interface RoundSlot {
  pool: string;
  limit: number;
  year: number;
  version: string;
}

export type RoundNews =
  | ({
      kind: 'ranked';
      roundId: string;
      rank: number;
      admitted: boolean;
      cutoff?: number;
      noticeEndsAt: string;
      /** The notice end was counted into a year without a holiday calendar: it may move. */
      noticeEndsProvisional?: boolean;
    } & RoundSlot)
  | ({ kind: 'admitted'; roundId: string; rank: number; cutoff?: number } & RoundSlot)
  | { kind: 'removed'; roundId: string; rank: number; objectionId: string; note: string; by: RoundActor }
  /** An upheld objection moved the district's cut-off: the line its other ranked cases now show. */
  | { kind: 'cutoff'; roundId: string; cutoff?: number }
  | {
      kind: 'final';
      roundId: string;
      rank: number;
      admitted: boolean;
      cutoff?: number;
    };
