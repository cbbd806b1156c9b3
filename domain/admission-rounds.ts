/**
 * Points admission by ranked rounds (§2 "总量控制、公开透明、有序办理、公平公正"; issue 13).
 *
 * A points case whose departments have approved it waits for its district's next round. At a
 * round's close the waiting cases of each district are ranked by score with the documented
 * tie-breaks, the top N within the district's quota are admitted, and the ranking is published,
 * masked, for a public-notice period (公示) during which objections may be lodged. Quotas are
 * per district per round, from the dated rounds files (policy/rounds/); within a year, places a
 * round leaves unfilled and slots freed by admitted cases that later fail pass to the next
 * round, never back into a closed one (see `availableInRound`).
 *
 * Pure: the round workflow, the case workflow and the API import this module.
 */
import { maskIdNumber, maskName } from './masking';
import type { PointsIndicator } from './points-policy';
import type { District } from './vocabulary';

/** One round of a year: when it accepts cases, when it closes, and each district's quota. */
export interface AdmissionRound {
  /** e.g. `2026-1`; unique across the files. */
  id: string;
  /** YYYY-MM-DD (Asia/Shanghai): the first day a case may join. */
  opensOn: string;
  /** YYYY-MM-DD (Asia/Shanghai): the round closes at the end of this office day and is ranked. */
  closesOn: string;
  /** Admissions this round may make per district, before what earlier rounds pass on. */
  quota: Record<District, number>;
}

/** A rounds file: one year's rounds, who set them and the public-notice period. */
export interface RoundsFile {
  /** e.g. `xian-rounds-2026`. */
  version: string;
  year: number;
  setBy: string;
  document?: string;
  notes?: string[];
  /** The public-notice period (公示) after a round's close, in working days. */
  noticeWorkingDays: number;
  rounds: AdmissionRound[];
}

/** What a case brings to a round: its score and the facts the tie-breaks look at. */
export interface RoundEntryInput {
  caseId: string;
  caseNumber: string;
  district: District;
  /** The applicant's name and ID number: only their masks are ever published. */
  name: string;
  idNumber: string;
  score: number;
  breakdown: { indicator: PointsIndicator; points: number }[];
  /** Tie-break 1: completed years of social insurance in the city (more ranks higher). */
  socialInsuranceYears: number;
  /** Tie-break 2: completed years of continuous residence (more ranks higher). */
  continuousResidenceYears: number;
  /** Tie-break 3: when the application was submitted (earlier ranks higher). */
  submittedAt: string;
}

/**
 * What the ranking shows of an entry, from its close on. `left`: the case ended (withdrawn,
 * terminated) after it was ranked; its place is not re-filled in this round (README "Admission
 * rounds": a slot given back passes to the next round).
 */
export type EntryStatus = 'admitted' | 'not_admitted' | 'removed' | 'left';

export interface RankedEntry {
  /** `<district>-<rank>`: stable for the round's life (a closed round is never re-ranked). */
  entryId: string;
  rank: number;
  caseId: string;
  district: District;
  score: number;
  status: EntryStatus;
  /** For a `left` entry: what the ranking had given it (its admission still sets the cut-off). */
  leftWhile?: 'admitted' | 'not_admitted';
}

/**
 * The documented order (README "Admission rounds"): score, then years of social insurance, then
 * years of continuous residence (all higher first), then submission time (earlier first); the
 * case number last, so that two identical entries still have one order on every replay.
 */
export function compareEntries(a: RoundEntryInput, b: RoundEntryInput, opts: RankOptions = {}): number {
  // Completed years, as the score counts them: 4.9 and 4.1 years are both 4, so the earlier
  // submission decides, as the published points (which show no fractions) can explain.
  const whole = opts.wholeYears === false ? (y: number) => y : Math.floor;
  return (
    b.score - a.score ||
    whole(b.socialInsuranceYears) - whole(a.socialInsuranceYears) ||
    whole(b.continuousResidenceYears) - whole(a.continuousResidenceYears) ||
    Date.parse(a.submittedAt) - Date.parse(b.submittedAt) ||
    (a.caseNumber < b.caseNumber ? -1 : a.caseNumber > b.caseNumber ? 1 : 0)
  );
}

/**
 * `wholeYears: false` compares the tie-break years as sent: how rounds closed before the
 * `whole-year-tiebreak` patch ranked (the round workflow says which).
 */
export interface RankOptions {
  wholeYears?: boolean;
}

/** One district's entries, ranked (1 = first), the top `available` admitted. */
export function rankDistrict(entries: readonly RoundEntryInput[], available: number, opts: RankOptions = {}): RankedEntry[] {
  return [...entries]
    .sort((a, b) => compareEntries(a, b, opts))
    .map((e, i) => ({
      entryId: `${e.district}-${i + 1}`,
      rank: i + 1,
      caseId: e.caseId,
      district: e.district,
      score: e.score,
      status: i < available ? 'admitted' : 'not_admitted',
    }));
}

/**
 * The lowest admitted score (分数线), or undefined when nobody is admitted. An admitted case that
 * left after the close still counts: the line was drawn with it, and moving it would tell the
 * next in line they came closer than they did.
 */
export function cutoffScore(ranked: readonly RankedEntry[]): number | undefined {
  const admitted = ranked.filter((e) => e.status === 'admitted' || e.leftWhile === 'admitted');
  return admitted.length === 0 ? undefined : Math.min(...admitted.map((e) => e.score));
}

/**
 * After an upheld objection removed an entry: the best-ranked entry not yet admitted, which the
 * freed place goes to, or undefined when the district's list is exhausted.
 */
export function nextInLine<E extends Pick<RankedEntry, 'status'>>(ranked: readonly E[]): E | undefined {
  return ranked.find((e) => e.status === 'not_admitted');
}

/**
 * The places a round may fill in a district: every quota of the year up to and including this
 * round, less the slots held by cases admitted earlier (settled ones keep theirs; a case that
 * failed after its admission gave its slot back). So what a round leaves unfilled, or frees,
 * passes to the next round of the year and never back into a closed one.
 */
export function availableInRound(file: RoundsFile, roundId: string, district: District, heldThisYear: number): number {
  return Math.max(0, cumulativeQuota(file, roundId, district) - heldThisYear);
}

/** The sum of the district's quotas over the year's rounds up to and including `roundId`. */
export function cumulativeQuota(file: RoundsFile, roundId: string, district: District): number {
  const upTo = file.rounds.findIndex((r) => r.id === roundId);
  if (upTo < 0) throw new RangeError(`round ${roundId} is not in ${file.version}`);
  return file.rounds.slice(0, upTo + 1).reduce((sum, r) => sum + (r.quota[district] ?? 0), 0);
}

/** The year's quota pool a round's admission takes its slot from. */
export function roundPoolKey(district: District, year: number): string {
  return `quota:${district}:${year}`;
}

/**
 * The round a case joins on `day` (YYYY-MM-DD, Asia/Shanghai): the one open that day, or else
 * the next to open; rounds in `closed` (closed early, or already ranked) are skipped. Undefined
 * when no file announces one yet.
 */
export function roundToJoin(
  files: readonly RoundsFile[],
  day: string,
  closed: ReadonlySet<string> = new Set(),
): { file: RoundsFile; round: AdmissionRound } | undefined {
  const all = files
    .flatMap((file) => file.rounds.map((round) => ({ file, round })))
    .filter(({ round }) => round.closesOn >= day && !closed.has(round.id))
    .sort((a, b) => (a.round.opensOn < b.round.opensOn ? -1 : a.round.opensOn > b.round.opensOn ? 1 : 0));
  return all[0];
}

/** An entry still in the ranking may be objected to; one removed, or whose case ended, not. */
export function objectable(status: EntryStatus): boolean {
  return status === 'admitted' || status === 'not_admitted';
}

/**
 * Marks the ranked entries of cases that ended after the close as `left`; an entry already
 * removed by an objection stays removed. Returns the entries it changed.
 */
export function markLeft(ranked: Iterable<RankedEntry>, endedCases: ReadonlySet<string>): RankedEntry[] {
  const changed: RankedEntry[] = [];
  for (const e of ranked) {
    if (!endedCases.has(e.caseId) || (e.status !== 'admitted' && e.status !== 'not_admitted')) continue;
    e.leftWhile = e.status;
    e.status = 'left';
    changed.push(e);
  }
  return changed;
}

/** The round with this id and its file, or undefined. */
export function findRound(
  files: readonly RoundsFile[],
  roundId: string,
): { file: RoundsFile; round: AdmissionRound } | undefined {
  for (const file of files) {
    const round = file.rounds.find((r) => r.id === roundId);
    if (round) return { file, round };
  }
  return undefined;
}

/** The round after `roundId` (the next to open), for the notice to those not admitted. */
export function roundAfter(files: readonly RoundsFile[], roundId: string): AdmissionRound | undefined {
  const current = findRound(files, roundId);
  if (!current) return undefined;
  return files
    .flatMap((f) => f.rounds)
    .filter((r) => r.opensOn > current.round.opensOn || (r.opensOn === current.round.opensOn && r.id > roundId))
    .sort((a, b) => (a.opensOn < b.opensOn ? -1 : a.opensOn > b.opensOn ? 1 : 0))[0];
}

/** A ranking line as the public sees it: masked name and ID number, score and its breakdown. */
export interface PublishedEntry {
  entryId: string;
  rank: number;
  district: District;
  maskedName: string;
  maskedIdNumber: string;
  score: number;
  breakdown: { indicator: PointsIndicator; points: number }[];
  status: EntryStatus;
  /** Objections lodged against the entry and not yet resolved (their text is not public). */
  openObjections: number;
}

export function publishEntry(e: RankedEntry, input: RoundEntryInput, openObjections: number): PublishedEntry {
  return {
    entryId: e.entryId,
    rank: e.rank,
    district: e.district,
    maskedName: maskName(input.name),
    maskedIdNumber: maskIdNumber(input.idNumber),
    score: e.score,
    breakdown: input.breakdown.map((b) => ({ indicator: b.indicator, points: b.points })),
    status: e.status,
    openObjections,
  };
}

/** Where a round is: accepting cases, in its public-notice period, or final. */
export const ROUND_PHASES = ['open', 'public_notice', 'final'] as const;
export type RoundPhase = (typeof ROUND_PHASES)[number];

/**
 * Whether a round takes objections now: during its public notice (公示期内) only. A round stays in
 * `public_notice` after the period while objections lodged in it are looked into; those are still
 * resolved, but a new one would keep the ranking from becoming final for as long as people kept
 * objecting.
 */
export function takesObjections(phase: string, noticeEndsAt: string | undefined, now: number): boolean {
  return phase === 'public_notice' && (noticeEndsAt === undefined || now < Date.parse(noticeEndsAt));
}

/** The Temporal workflow id of a round: one per round, never reused. */
export function admissionRoundWorkflowId(roundId: string): string {
  return `admission-round-${roundId}`;
}
