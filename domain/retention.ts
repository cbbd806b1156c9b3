/**
 * Retention (issue 15 part 5; README "Retention"): how long each kind of record is kept, when a
 * record has passed its period, and what of a case file is left once it has. Pure: the retention
 * workflow, its activities, config validation and the tests import it.
 *
 * Periods, with their sources (defaults; each is configurable, config/config.ts):
 * - A case file (read model, its notices, registrations, audit trail) of a settled case: 30 years;
 *   of a case that ended otherwise (rejected, withdrawn, terminated): 10 years. 《机关文书档案归档
 *   和保管期限规定》(国家档案局令第8号) sets the terms 永久 / 30 年 / 10 年; a city's own archive
 *   schedule (保管期限表) places each kind of file in one. PIPL art. 19 and 47: keep personal
 *   data no longer than the purpose needs, then delete or anonymise it.
 * - Access records (查询留痕): 3 years; never less than 180 days in production (网络安全法 art. 21
 *   and 等保 level 3 require network logs kept at least six months).
 * - Temporal history: the namespace's retention of closed workflows (30 days); the read model is
 *   the case file, the history only serves operators and replay.
 */
import type { CaseState, StepState, Supplement } from './case-state';
import { PERSONAL_KEYS, type CaseStatus, peopleOf } from './vocabulary';
import { shanghaiDay } from './shanghai-clock';

/** What an anonymised personal value reads as, in the read model and on every page that shows one. */
export const ANONYMISED = '已匿名';

export const CASE_RETENTION_CLASSES = ['case_file_settled', 'case_file_ended'] as const;
export type CaseRetentionClass = (typeof CASE_RETENTION_CLASSES)[number];
export const RETENTION_CLASSES = [...CASE_RETENTION_CLASSES, 'access_records', 'temporal_history'] as const;
export type RetentionClass = (typeof RETENTION_CLASSES)[number];

/** The periods in force (config/config.ts RETENTION_* and TEMPORAL_HISTORY_RETENTION_DAYS). */
export interface RetentionPeriods {
  caseFileSettledYears: number;
  caseFileEndedYears: number;
  accessRecordDays: number;
  temporalHistoryDays: number;
}

export const DEFAULT_RETENTION_PERIODS: RetentionPeriods = {
  caseFileSettledYears: 30,
  caseFileEndedYears: 10,
  accessRecordDays: 3 * 365,
  temporalHistoryDays: 30,
};

/** 网络安全法 art. 21, 等保 level 3: network logs kept no less than six months. */
export const MIN_ACCESS_RECORD_DAYS_IN_PRODUCTION = 180;

/** The class of a case file by how the case ended; undefined while it has not ended. */
export function caseRetentionClass(status: CaseStatus): CaseRetentionClass | undefined {
  if (status === 'settled') return 'case_file_settled';
  if (status === 'rejected' || status === 'withdrawn' || status === 'terminated') return 'case_file_ended';
  return undefined;
}

const yearsOf = (cls: CaseRetentionClass, p: RetentionPeriods) =>
  cls === 'case_file_settled' ? p.caseFileSettledYears : p.caseFileEndedYears;

/**
 * Calendar years later or earlier (UTC). 29 February in a common year becomes 1 March going
 * forward (an expiry falls on the later day) and 28 February going back (a cut-off falls on the
 * earlier day), so a file is never taken before its period has run.
 */
function addYears(iso: string, years: number): Date {
  const d = new Date(iso);
  const month = d.getUTCMonth();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  if (d.getUTCMonth() !== month) d.setUTCDate(years < 0 ? 0 : 1);
  return d;
}

/** When a case file of `cls` whose case ended at `endedAt` has passed its period. */
export function expiresAt(cls: CaseRetentionClass, endedAt: string, periods: RetentionPeriods): string {
  return addYears(endedAt, yearsOf(cls, periods)).toISOString();
}

/** Cases of `cls` that ended before this instant have passed their period at `asOf`. */
export function caseEndCutoff(cls: CaseRetentionClass, asOf: string, periods: RetentionPeriods): string {
  return addYears(asOf, -yearsOf(cls, periods)).toISOString();
}

/**
 * The first Asia/Shanghai day of access records still kept at `asOf`: the day `accessRecordDays`
 * before today. Whole days go (one hash chain per day), so what remains always verifies.
 */
export function firstAccessDayKept(asOf: string, periods: RetentionPeriods): string {
  const today = shanghaiDay(asOf);
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - periods.accessRecordDays);
  return d.toISOString().slice(0, 10);
}

/** The Asia/Shanghai month (YYYY-MM) of an instant: the month a case's `ended` dashboard fact is filed under. */
export function shanghaiMonth(iso: string): string {
  return shanghaiDay(iso).slice(0, 7);
}

/** The month after `month` (YYYY-MM). */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The periods' own problems: a production deployment may not keep access records under six months. */
export function retentionPeriodIssues(p: RetentionPeriods, production: boolean): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  if (production && p.accessRecordDays < MIN_ACCESS_RECORD_DAYS_IN_PRODUCTION)
    issues.push({
      path: 'RETENTION_ACCESS_RECORD_DAYS',
      message: `must be at least ${MIN_ACCESS_RECORD_DAYS_IN_PRODUCTION} days in production (网络安全法 art. 21, 等保 level 3: logs kept six months)`,
    });
  return issues;
}

/** Keys that hold a person's identity, at any depth, in case records: the ones every collection seals. */
export const IDENTIFYING_KEYS: ReadonlySet<string> = new Set(PERSONAL_KEYS);

/**
 * A copy of `value` with every value under an identifying key replaced by ANONYMISED (arrays
 * element-wise) and every other key kept: the shape pages and schemas read stays valid.
 */
export function anonymiseDeep(value: unknown, keys: ReadonlySet<string> = IDENTIFYING_KEYS): unknown {
  if (Array.isArray(value)) return value.map((v) => anonymiseDeep(v, keys));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      keys.has(k) && v !== null && v !== undefined
        ? Array.isArray(v)
          ? v.map(() => ANONYMISED)
          : ANONYMISED
        : anonymiseDeep(v, keys),
    ]),
  );
}

/** An officer's or applicant's free text may name anyone: it goes; codes and dates stay. */
function anonymiseSupplement(s: Supplement): Supplement {
  const { provided, missing, ...rest } = s;
  const kept = { ...rest, missing: missing.map(() => ANONYMISED) };
  return provided ? { ...kept, provided: provided.map(() => ({ name: ANONYMISED, reference: ANONYMISED })) } : kept;
}

function anonymiseStep(s: StepState): StepState {
  const { check, decision, supplement, pastSupplements, recommendation, lastCheckError, ...rest } = s;
  return {
    ...rest,
    internalNotes: [],
    // What a department's system said of a person (criminal and credit records, employer,
    // landlord) is personal data; the findings are codes and stay.
    ...(check ? { check: { at: check.at, results: [], findings: check.findings } } : {}),
    ...(decision
      ? {
          decision: {
            ...decision,
            ...(decision.reasonText ? { reasonText: ANONYMISED } : {}),
            ...(decision.missing ? { missing: decision.missing.map(() => ANONYMISED) } : {}),
          },
        }
      : {}),
    ...(supplement ? { supplement: anonymiseSupplement(supplement) } : {}),
    ...(pastSupplements ? { pastSupplements: pastSupplements.map(anonymiseSupplement) } : {}),
    ...(recommendation ? { recommendation: { ...recommendation, note: ANONYMISED } } : {}),
    ...(lastCheckError ? { lastCheckError: ANONYMISED } : {}),
  };
}

/**
 * The case file as it is kept once its period has passed: no one can be identified from it, and
 * everything the dashboard and statistics count stays — route, area, status, dates, steps and
 * their decisions' kinds and codes, reservations, score (points by indicator, no identity),
 * rounds, outcome. People stay as their relation (and school level) so counts by household
 * size still add up. The applicant's account id goes too: it names a person at the identity
 * provider.
 */
export function anonymiseCaseState<T extends CaseState>(c: T): T {
  const people = peopleOf(c.application).map((p) => ({
    ...p,
    idNumber: ANONYMISED,
    name: ANONYMISED,
  }));
  const steps = Object.fromEntries(Object.entries(c.steps).map(([d, s]) => [d, s ? anonymiseStep(s) : s]));
  const { outcome, socialInsuranceTransfer, compensationFailures, commitFailures } = c;
  // A register's error text may name the person (ID numbers are masked in it, names are not).
  const withoutError = <F extends { error: string }>(f: F): F => ({ ...f, error: ANONYMISED });
  return {
    ...c,
    applicantUserId: ANONYMISED,
    application: {
      ...c.application,
      applicant: people[0]!,
      family: people.slice(1),
      contact: { phone: ANONYMISED, locale: c.application.contact.locale },
    },
    steps,
    ...(outcome
      ? {
          outcome: {
            ...outcome,
            reasons: outcome.reasons.map(({ note, ...r }) => (note ? { ...r, note: ANONYMISED } : r)),
            ...(outcome.note ? { note: ANONYMISED } : {}),
          },
        }
      : {}),
    ...(socialInsuranceTransfer ? { socialInsuranceTransfer: (({ recordId: _r, ...t }) => t)(socialInsuranceTransfer) } : {}),
    ...(compensationFailures ? { compensationFailures: compensationFailures.map(withoutError) } : {}),
    ...(commitFailures ? { commitFailures: commitFailures.map(withoutError) } : {}),
  };
}

/** What one retention run did (the `retention_runs` record; GET /api/v1/retention-runs). */
export interface RetentionRunCounts {
  case_file_settled: number;
  case_file_ended: number;
  /** Access-record days deleted, and the records they held. */
  accessRecordDays: number;
  accessRecords: number;
}
