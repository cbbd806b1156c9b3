/**
 * The supervisor dashboard's facts about one case (issue 11, DOMAIN.md "Who uses it":
 * supervisors see dashboards), derived from the workflow's state alone, so the read-model
 * projection can write them without any change to the workflow (recorded histories replay).
 *
 * A fact is a dated, personal-data-free record: the case opened, ended, an officer decided a
 * department's step, a supplement round was asked. Each has a deterministic `_id`, so writing
 * the facts of a later state replaces the earlier version of the same fact and adds new ones —
 * never a counter (FerretDB v1 updates are not atomic). Pure; no clock.
 */
import type { CaseState, StepState, Supplement } from './case-state';
import { shanghaiDay } from './shanghai-clock';
import { DEPARTMENTS, peopleOf, type Department, type Route } from './vocabulary';

export const FACT_KINDS = ['opened', 'ended', 'decided', 'supplement'] as const;
export type FactKind = (typeof FACT_KINDS)[number];

export const ENDED_OUTCOMES = ['settled', 'rejected', 'withdrawn', 'terminated'] as const;
export type EndedOutcome = (typeof ENDED_OUTCOMES)[number];
export const DECIDED_OUTCOMES = ['approve', 'reject', 'request_supplement'] as const;
export type DecidedOutcome = (typeof DECIDED_OUTCOMES)[number];
/**
 * answered: the applicant supplied the material; lapsed: the deadline passed and the case was
 * withdrawn for it; closed: the case ended otherwise while it waited; open: still waiting.
 */
export const SUPPLEMENT_OUTCOMES = ['answered', 'lapsed', 'closed', 'open'] as const;
export type SupplementOutcome = (typeof SUPPLEMENT_OUTCOMES)[number];

export interface CaseFact {
  /** `<caseId>:<kind>[:<department>:<instant>]`: one document per fact, rewritten in place. */
  _id: string;
  caseId: string;
  kind: FactKind;
  route: Route;
  /** District (points route) or town (town route). */
  area: string;
  department?: Department;
  outcome?: EndedOutcome | DecidedOutcome | SupplementOutcome;
  /** When it happened (ISO): opened = submitted, decided = decision, supplement = asked. */
  at: string;
  /** YYYY-MM-DD and YYYY-MM in Asia/Shanghai: the dashboard reads a period month by month. */
  day: string;
  month: string;
  /** decided: from the start of the officer's wait to the decision. */
  ms?: number;
  /**
   * decided: the same in tenths of an hour (6 minutes), rounded: the resolution of the
   * dashboard's median and 90th percentile, so the database can count decisions per value
   * instead of sending every one.
   */
  tenths?: number;
  /** decided: no later than the step's deadline (as a supervisor may have extended it). */
  withinSla?: boolean;
  /**
   * opened and ended: the people the application names, the applicant and the family who settle
   * with them (§1): a report upward counts persons (人) as well as cases (件).
   */
  persons?: number;
}

function base(state: CaseState, kind: FactKind, at: string, key: string): CaseFact {
  const day = shanghaiDay(at);
  return {
    _id: `${state.caseId}:${key}`,
    caseId: state.caseId,
    kind,
    route: state.application.route,
    area: state.application.district ?? state.application.town ?? 'unknown',
    at,
    day,
    month: day.slice(0, 7),
  };
}

/**
 * An officer's decision on the wait that the step's `waitingSince` / `dueAt` still describe.
 * Earlier rounds' waits are overwritten when the next round begins, but their decisions were
 * written as facts when they were the latest. Automatic approvals (no wait, no SLA) are not
 * officer decisions and count nowhere.
 */
function decidedFact(state: CaseState, s: StepState): CaseFact | undefined {
  const d = s.decision;
  if (!d || d.role !== 'officer' || !s.waitingSince || !s.dueAt) return undefined;
  const decidedAt = Date.parse(d.at);
  const since = Date.parse(s.waitingSince);
  if (!(decidedAt >= since)) return undefined; // a decision older than the current wait: already recorded
  return {
    ...base(state, 'decided', d.at, `decided:${s.department}:${d.at}`),
    department: s.department,
    outcome: d.kind,
    ms: decidedAt - since,
    tenths: Math.round((decidedAt - since) / 360_000),
    withinSla: decidedAt <= Date.parse(s.dueAt),
  };
}

function supplementOutcome(state: CaseState, sup: Supplement): SupplementOutcome {
  if (sup.providedAt) return 'answered';
  if (!state.outcome) return 'open';
  return state.outcome.status === 'withdrawn' && state.outcome.role === 'system' ? 'lapsed' : 'closed';
}

/** Every dashboard fact a case's state shows, in a stable order. */
export function caseFacts(state: CaseState): CaseFact[] {
  const persons = peopleOf(state.application).length;
  const facts: CaseFact[] = [{ ...base(state, 'opened', state.submittedAt, 'opened'), persons }];
  if (state.outcome) facts.push({ ...base(state, 'ended', state.outcome.at, 'ended'), outcome: state.outcome.status, persons });
  for (const department of DEPARTMENTS) {
    const s = state.steps[department];
    if (!s) continue;
    const decided = decidedFact(state, s);
    if (decided) facts.push(decided);
    for (const sup of [...(s.pastSupplements ?? []), ...(s.supplement ? [s.supplement] : [])]) {
      facts.push({
        ...base(state, 'supplement', sup.requestedAt, `supplement:${department}:${sup.requestedAt}`),
        department,
        outcome: supplementOutcome(state, sup),
      });
    }
  }
  return facts;
}
