/**
 * Synthetic cases for the supervisor dashboard (issue 11): `CaseState`s of a fixed, predictable
 * shape (decided late or in time, supplements answered or lapsed, every ending), written as the
 * projection writes them — the read model's document (caseDocOf) and the facts (caseFacts) — so
 * the bench and the browser test read what the worker would have written. No workflow runs.
 *
 * Case n's shape depends on n % 10: 0–3 settled (3 after an answered supplement), 4 rejected by
 * police, 5 withdrawn by the applicant, 6 withdrawn by the system (supplement lapsed), 7
 * terminated, 8–9 open (police awaiting a decision; overdue when n % 20 = 9). Police decide late
 * when n % 7 = 0. Points cases (n % 3 ≠ 0) have an HR decision too; housing approves itself.
 */
import type { Connection } from 'mongoose';
import { caseDocOf } from '../../activities/case-record.activities';
import { caseFacts } from '../../domain/case-facts';
import type { CaseState, StepState } from '../../domain/case-state';
import { DISTRICTS, TOWNS, type CaseStatus } from '../../domain/vocabulary';
import { caseModel } from '../../models/case.model';
import { caseFactModel } from '../../models/case-fact.model';
import { syntheticIdNumber } from './people';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function officerStep(
  department: 'police' | 'hrss',
  since: number,
  decideAfterMs: number | undefined,
  kind: 'approve' | 'reject',
  late: boolean,
): StepState {
  const dueAt = since + (late ? HOUR / 2 : 48 * HOUR);
  const base: StepState = {
    department,
    status: decideAfterMs === undefined ? 'awaiting_decision' : kind === 'approve' ? 'approved' : 'rejected',
    waitingSince: iso(since),
    dueAt: iso(dueAt),
    overdue: false,
    checkFailures: 0,
    internalNotes: [],
  };
  if (decideAfterMs === undefined) return base;
  const at = since + decideAfterMs;
  return { ...base, overdue: at > dueAt, decision: { kind, by: `officer-${department}`, role: 'officer', at: iso(at) } };
}

/**
 * The state of synthetic case n, submitted at `submittedMs`, as of `nowMs`. `ended`: shapes 0–7
 * only (an archive of past months holds no open cases).
 */
export function syntheticCaseState(n: number, submittedMs: number, nowMs: number, ended = false): CaseState {
  const points = n % 3 !== 0;
  // Spread over every area whatever the shape (n % 10) is.
  const spread = n + Math.floor(n / 10);
  const area = points ? DISTRICTS[spread % DISTRICTS.length]! : TOWNS[spread % TOWNS.length]!;
  const shape = ended ? n % 8 : n % 10;
  const open = shape >= 8;
  const since = submittedMs + HOUR / 6;
  const decideAfter = open ? undefined : (1 + (n % 6)) * HOUR;
  const police = officerStep('police', since, decideAfter, shape === 4 ? 'reject' : 'approve', n % 7 === 0);
  if (open && n % 20 === 9) police.dueAt = iso(Math.min(Date.parse(police.dueAt!), nowMs - HOUR));
  if (open) police.overdue = Date.parse(police.dueAt!) < nowMs;
  const housing: StepState = {
    department: 'housing',
    status: 'approved',
    overdue: false,
    checkFailures: 0,
    internalNotes: [],
    decision: { kind: 'approve', by: 'system', role: 'system', at: iso(since) },
  };
  if (shape === 3 || shape === 6) {
    const requestedAt = since + HOUR;
    housing.supplementRounds = 1;
    housing.supplement = {
      requestedAt: iso(requestedAt),
      dueAt: iso(requestedAt + 24 * HOUR),
      missing: ['房产证明'],
      ...(shape === 3 ? { providedAt: iso(requestedAt + 2 * HOUR) } : {}),
    };
  }
  const steps: CaseState['steps'] = { police, housing };
  if (points) steps.hrss = officerStep('hrss', since, open ? undefined : 2 * HOUR, 'approve', false);
  const endings: Record<number, Extract<CaseStatus, 'settled' | 'rejected' | 'withdrawn' | 'terminated'>> = {
    0: 'settled',
    1: 'settled',
    2: 'settled',
    3: 'settled',
    4: 'rejected',
    5: 'withdrawn',
    6: 'withdrawn',
    7: 'terminated',
  };
  const ending = endings[shape];
  const endedAt = submittedMs + 8 * HOUR;
  const caseId = `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
  return {
    caseId,
    caseNumber: `HK-DASH-${String(n).padStart(7, '0')}`,
    applicantUserId: `dash-applicant-${n}`,
    application: {
      route: points ? 'points' : 'town',
      ...(points ? { district: area as (typeof DISTRICTS)[number] } : { town: area as (typeof TOWNS)[number] }),
      applicant: { idNumber: syntheticIdNumber(200_000 + n, '610113'), name: '王看板', relation: 'applicant' },
      // Every fourth applicant settles with a spouse: the figures count people (人) as well as cases.
      family:
        n % 4 === 1 ? [{ idNumber: syntheticIdNumber(700_000 + n, '610113'), name: '李看板', relation: 'spouse' as const }] : [],
      contact: { phone: '13800138000', locale: 'zh-CN' },
    },
    status: ending ?? 'under_review',
    submittedAt: iso(submittedMs),
    lastProgressAt: iso(ending ? endedAt : since),
    ...(points ? { policyVersion: 'xian-2016-v1' } : {}),
    collectiveHousehold: false,
    steps,
    reservations: [],
    ...(ending
      ? {
          outcome: {
            status: ending,
            at: iso(endedAt),
            by: shape === 6 ? 'system' : shape === 7 ? 'supervisor-1' : 'officer-police',
            role: shape === 6 ? ('system' as const) : shape === 7 ? ('supervisor' as const) : ('officer' as const),
            reasons: [],
          },
        }
      : {}),
    failingCompensations: [],
  };
}

/**
 * Writes cases [from, to) with their facts; case n is submitted `daysAgo(n)` days (plus a few
 * hours) before `now`. Returns the states written (only when `keep` is set, for tests).
 */
export async function seedDashboardCases(
  conn: Connection,
  opts: {
    from: number;
    to: number;
    now: Date;
    daysAgo: (n: number) => number;
    /** Only cases that have ended (an archive). */
    ended?: boolean;
    keep?: boolean;
    batch?: number;
  },
  progress?: (done: number) => void,
): Promise<CaseState[]> {
  const kept: CaseState[] = [];
  const batch = opts.batch ?? 1000;
  await Promise.all([caseModel(conn).init(), caseFactModel(conn).init()]);
  const now = opts.now.getTime();
  for (let i = opts.from; i < opts.to; i += batch) {
    const states = Array.from({ length: Math.min(batch, opts.to - i) }, (_, k) => {
      const n = i + k;
      // Hours after midnight UTC, so that submission, decisions and ending stay before `now`.
      const submitted = now - opts.daysAgo(n) * 24 * HOUR - 12 * HOUR - (n % 4) * HOUR;
      return syntheticCaseState(n, submitted, now, opts.ended);
    });
    await caseModel(conn).collection.insertMany(states.map((s) => caseDocOf(5, s)) as never[], { ordered: false });
    // A fresh database: plain inserts (the projection's replace-by-_id is for rewrites).
    await caseFactModel(conn).collection.insertMany(states.flatMap(caseFacts) as never[], { ordered: false });
    if (opts.keep) kept.push(...states);
    progress?.(Math.min(i + batch, opts.to));
  }
  return kept;
}
