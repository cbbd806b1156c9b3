/**
 * One case's running state and its log: what every part of the workflow shares. The state is
 * what the status Query returns; `audit` and `notify` gather lines and notices, and `flush`
 * writes them with the state in one `recordCaseTransition` (read model + audit + notices) and
 * updates the search attributes supervisors filter on.
 */
import { ActivityFailure, ApplicationFailure, CancellationScope, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { AuditEntry } from '../../domain/audit';
import type { Area } from '../../domain/capacity';
import type { CaseOutcomeInfo, CaseState, StepDecision, StepState } from '../../domain/case-state';
import { caseParts, deltaBetween, READ_MODEL_BEHIND, stateOfParts, type CaseParts } from '../../domain/case-delta';
import { readModelFields, summarize, type ReadModelFields } from '../../domain/case-summary';
import type { NoticeRequest } from '../../domain/notice-request';
import { departmentsFor, type Department, type Role } from '../../domain/vocabulary';
import {
  dueAtEndOfOfficeDay,
  inOfficeHours,
  NEXT_YEAR_REACHES_DECEMBER,
  shanghaiDayOf,
  workingCalendar,
  workingDaysBetween,
  type WorkingCalendar,
} from '../../domain/working-days';
import {
  CaseAreaKey,
  CaseRouteKey,
  CaseStatusKey,
  FailingChecksKey,
  LastProgressAtKey,
  OverdueDepartmentsKey,
  OverdueKey,
  PendingDepartmentsKey,
  SupplementDueAtKey,
} from '../search-attributes';
import type { CaseStateTransition, CaseTransitionInput } from '../../activities/case-record.activities';
import type { SettlementCaseInput, WorkingDaySla } from './messages';
import { records } from './activity-proxies';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How a case ends without settling, as the first of its enders decided. */
export interface Ending {
  status: CaseOutcomeInfo['status'];
  by: string;
  role: Role;
  reasons: CaseOutcomeInfo['reasons'];
  note?: string;
}

export interface CaseRun {
  readonly input: SettlementCaseInput;
  readonly state: CaseState;
  readonly departments: Department[];
  /** The district (points route) or town (town route). */
  readonly area: Area;
  /**
   * The area a home must be in to count (domain/check-findings.ts `residenceIn`): `area` for cases
   * started since `residence-in-area`; undefined before, when a home in any area counted.
   */
  readonly residenceArea: Area | undefined;
  now(): string;
  step(d: Department): StepState;
  audit(e: Omit<AuditEntry, 'at'> & { at?: string }): void;
  notify(n: NoticeRequest): void;
  /**
   * Writes the state with the lines and notices gathered since the last flush; settles once
   * stored. `{ watch: true }`: what changed is the system watching the case (a reminder, a
   * deadline's escalation, a failed lookup), not progress, so `lastProgressAt` stays.
   */
  flush(opts?: { watch: true }): Promise<void>;
  /** Ends the case (the first ending wins); `ending()` tells how, `ended()` whether. */
  end(e: Ending): void;
  ending(): Ending | undefined;
  ended(): boolean;
  /** Pause before another round of a failing lookup or compensation. */
  retryPause(round: number): number;
  /** The working-day clock's settings, or undefined when this case counts elapsed time. */
  readonly workingDays: WorkingDaySla | undefined;
  /** The end of the office day `days` working days after `from` (an instant), on the calendar files (working-day clock only). */
  workingDue(days: number, from: string): Promise<{ dueAt: string; provisional: boolean }>;
  /** Working days after today up to a due time's day (working-day clock only). */
  workingDaysLeft(dueAt: string): Promise<number>;
  /**
   * Whether reminders go out in office hours (the working-day clock, since the patch
   * `reminders-in-office-hours`): asked before awaiting `inOfficeHours`, so that a case without
   * the patch awaits nothing new.
   */
  remindersInOfficeHours(): boolean;
  /**
   * A reminder due at `atMs` (a fraction of the wait in elapsed time, nights and rest days
   * included), moved into office hours of a working day; left where it was when that would reach
   * the deadline `dueMs`. An applicant's SMS at 02:48, an officer's on a Saturday, came of it.
   */
  inOfficeHours(atMs: number, dueMs: number): Promise<number>;
  /** Officer decisions accepted by the Update handler and not yet taken up by their step. */
  readonly decisionsIn: Map<Department, StepDecision>;
  /** Departments whose failing lookup a supervisor asked to retry now. */
  readonly retryRequested: Set<Department>;
  /** Departments whose failing compensation (undoing their commit) a supervisor asked to retry now. */
  readonly compensationRetryRequested: Set<Department>;
}

export function startCaseRun(input: SettlementCaseInput): CaseRun {
  const now = (): string => new Date().toISOString();
  const departments = departmentsFor(input.application);
  const state: CaseState = {
    caseId: input.caseId,
    caseNumber: input.caseNumber,
    applicantUserId: input.applicantUserId,
    application: input.application,
    status: 'under_review',
    submittedAt: input.submittedAt,
    lastProgressAt: input.submittedAt,
    policyVersion: input.policyVersion,
    collectiveHousehold: false,
    steps: Object.fromEntries(
      departments.map((d): [Department, StepState] => [
        d,
        { department: d, status: 'pending', overdue: false, checkFailures: 0, internalNotes: [] },
      ]),
    ),
    reservations: [],
    failingCompensations: [],
  };
  const area = (input.application.district ?? input.application.town ?? '') as Area;

  /**
   * Cases started since `lean-transitions` write transitions flushed while a write is in flight
   * together (below) and move LastProgressAt only when another search attribute changes or it is
   * an hour behind; cases started before keep one write and one upsert per transition. (Writing
   * transitions by local activity was tried and dropped: a replay could interleave the local
   * activity's result with an Update differently from the first run; docs/replay-histories.md.)
   */
  const lean = patched('lean-transitions');
  /**
   * Cases started since `delta-transitions` send each transition but their first as what changed
   * since the one before (domain/case-delta.ts), not the whole state: most of a history's weight
   * was the state sent again with every transition.
   */
  const delta = lean && patched('delta-transitions');
  // Only cases submitted with working-day settings take the patch (and its marker).
  const workingDays = input.sla.workingDays && patched('working-day-deadlines') ? input.sla.workingDays : undefined;
  // Only late December waits on the next year's holiday notice (domain/working-days.ts); cases
  // started before count the whole month so, since a provisional due date asks for a fresh calendar.
  const nextYearFrom = workingDays && patched('late-december-provisional') ? NEXT_YEAR_REACHES_DECEMBER : 1;
  // Decided once, at the start, so a case's collective household and its score agree on it.
  const residenceArea = patched('residence-in-area') ? area : undefined;
  /**
   * Cases started since `watch-is-not-progress` keep `lastProgressAt` at the last real step when
   * the system reminds or escalates: before, an escalation made the most overdue cases look the
   * most recently active and took them off the supervisors' "no progress" list.
   */
  const watchIsNotProgress = patched('watch-is-not-progress');
  let seq = 0;
  let pendingAudit: AuditEntry[] = [];
  let pendingNotices: NoticeRequest[] = [];
  let lastSearchAttributes = '';
  let lastProgressUpserted = 0;
  const syncSearchAttributes = (sum = summarize(state)): void => {
    const attrs = {
      status: state.status,
      pending: sum.pendingDepartments,
      overdueDepartments: sum.overdueDepartments,
      failing: sum.failingChecks,
      overdue: sum.overdue,
      supplementDueAt: sum.supplementDueAt,
    };
    // LastProgressAt is for finding stale cases (days without progress): to the hour is enough,
    // and upserting it with every transition would cost the server a visibility write each.
    const progress = Date.parse(state.lastProgressAt);
    const key = JSON.stringify(lean ? attrs : { ...attrs, lastProgressAt: state.lastProgressAt });
    if (key === lastSearchAttributes && (!lean || progress - lastProgressUpserted < HOUR_MS)) return;
    lastSearchAttributes = key;
    lastProgressUpserted = progress;
    upsertSearchAttributes([
      { key: CaseStatusKey, value: state.status },
      { key: CaseRouteKey, value: input.application.route },
      { key: CaseAreaKey, value: area },
      { key: PendingDepartmentsKey, value: sum.pendingDepartments },
      { key: OverdueDepartmentsKey, value: sum.overdueDepartments },
      { key: FailingChecksKey, value: sum.failingChecks },
      { key: OverdueKey, value: sum.overdue },
      { key: LastProgressAtKey, value: new Date(state.lastProgressAt) },
      { key: SupplementDueAtKey, value: sum.supplementDueAt ? new Date(sum.supplementDueAt) : null },
    ]);
  };

  /** A joined write takes the time of the newest flush in it: its own when not lastProgressAt's. */
  const redate = (write: { at?: string }, dated: { at?: string }): void => {
    delete write.at;
    Object.assign(write, dated);
  };
  const datedAs = (w: { at?: string }): { at?: string } => (w.at ? { at: w.at } : {});

  /**
   * Transitions are written one at a time, in `seq` order: parallel department steps flush
   * concurrently, and a store without atomic conditional updates (FerretDB v1) would otherwise
   * let an older snapshot overwrite a newer one. Under `lean-transitions`, a transition flushed
   * while another waits behind the write in flight joins the waiting one (its state replaces the
   * older snapshot, its lines and notices are added): one write instead of several when the
   * departments' lookups or decisions land together, and each caller still resumes only once a
   * state at least as new as its own is stored.
   */
  let flushChain: Promise<void> = Promise.resolve();
  let waiting: { batch: CaseStateTransition; written: Promise<void> } | undefined;
  const flush = (opts?: { watch: true }): Promise<void> => {
    seq += 1;
    const at = now();
    if (!(opts?.watch && watchIsNotProgress)) state.lastProgressAt = at;
    // The audit lines' and notices' date when it is not lastProgressAt's (case-record.activities.ts).
    const dated = at === state.lastProgressAt ? {} : { at };
    if (delta) return flushChanges(dated);
    syncSearchAttributes();
    const snapshot = JSON.parse(JSON.stringify(state)) as CaseState;
    const [audit, notices] = [pendingAudit, pendingNotices];
    pendingAudit = [];
    pendingNotices = [];
    if (lean && waiting) {
      waiting.batch.seq = seq;
      waiting.batch.state = snapshot;
      redate(waiting.batch, dated);
      waiting.batch.audit.push(...audit);
      waiting.batch.notices.push(...notices);
      return waiting.written;
    }
    const batch: CaseStateTransition = { seq, state: snapshot, audit, notices, ...dated };
    const written = flushChain.then(() => {
      if (waiting?.batch === batch) waiting = undefined;
      return CancellationScope.nonCancellable(() => records.recordCaseTransition(batch));
    });
    if (lean) waiting = { batch, written };
    flushChain = written.catch(() => undefined);
    return written;
  };

  /**
   * `delta-transitions`: a write holds the state's parts at its `seq` and is sent, when the chain
   * reaches it, as its changes from the write before it (or whole, for the case's first). Joining
   * works as above. A projection that cannot take the changes (the read model restored from an
   * older backup) answers `ReadModelBehind`, and the same transition is sent whole.
   */
  interface PendingWrite {
    seq: number;
    parts: CaseParts;
    fields: ReadModelFields;
    lastProgressAt: string;
    at?: string;
    audit: AuditEntry[];
    notices: NoticeRequest[];
  }
  let pendingWrite: { write: PendingWrite; written: Promise<void> } | undefined;
  let lastWrite: PendingWrite | undefined;
  const wholeOf = (w: PendingWrite): CaseStateTransition => ({
    seq: w.seq,
    state: stateOfParts(w.parts),
    audit: w.audit,
    notices: w.notices,
    ...datedAs(w),
  });
  const sendWrite = async (w: PendingWrite, base: PendingWrite | undefined): Promise<void> => {
    if (!base) return records.recordCaseTransition(wholeOf(w));
    const changes: CaseTransitionInput = {
      caseId: state.caseId,
      seq: w.seq,
      baseSeq: base.seq,
      changes: deltaBetween(base.parts, w.parts),
      fields: w.fields,
      lastProgressAt: w.lastProgressAt,
      ...datedAs(w),
      ...(w.notices.length > 0 ? { contact: state.application.contact } : {}),
      audit: w.audit,
      notices: w.notices,
    };
    try {
      await records.recordCaseTransition(changes);
    } catch (err) {
      if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === READ_MODEL_BEHIND))
        throw err;
      await records.recordCaseTransition(wholeOf(w));
    }
  };
  const flushChanges = (dated: { at?: string }): Promise<void> => {
    const sum = summarize(state);
    syncSearchAttributes(sum);
    const parts = caseParts(state);
    const fields = readModelFields(state, sum);
    const [audit, notices] = [pendingAudit, pendingNotices];
    pendingAudit = [];
    pendingNotices = [];
    if (pendingWrite) {
      Object.assign(pendingWrite.write, { seq, parts, fields, lastProgressAt: state.lastProgressAt });
      redate(pendingWrite.write, dated);
      pendingWrite.write.audit.push(...audit);
      pendingWrite.write.notices.push(...notices);
      return pendingWrite.written;
    }
    const write: PendingWrite = { seq, parts, fields, lastProgressAt: state.lastProgressAt, audit, notices, ...dated };
    // The write before this one is in flight or done, so its parts are final: the changes' base.
    const base = lastWrite;
    lastWrite = write;
    const written = flushChain.then(() => {
      if (pendingWrite?.write === write) pendingWrite = undefined;
      return CancellationScope.nonCancellable(() => sendWrite(write, base));
    });
    pendingWrite = { write, written };
    flushChain = written.catch(() => undefined);
    return written;
  };

  /**
   * The calendar files, fetched when a deadline is first counted (an activity: the history keeps
   * what it was counted on). A provisional count (a year without its file) asks again, at most
   * once a day, so a file added meanwhile reaches the case's next deadline.
   */
  let calendar: { cal: WorkingCalendar; fetchedAt: number } | undefined;
  const calendarFor = async (provisionalBefore: boolean): Promise<WorkingCalendar> => {
    if (!calendar || (provisionalBefore && Date.now() - calendar.fetchedAt >= DAY_MS)) {
      const files = await records.loadWorkingCalendar({ fromYear: Number(shanghaiDayOf(now()).slice(0, 4)) });
      calendar = { cal: workingCalendar(files, { nextYearFrom }), fetchedAt: Date.now() };
    }
    return calendar.cal;
  };
  const workingDue = async (days: number, from: string) => {
    const close = workingDays!.officeClose;
    let due = dueAtEndOfOfficeDay(await calendarFor(false), from, days, close);
    if (due.provisional) due = dueAtEndOfOfficeDay(await calendarFor(true), from, days, close);
    return { dueAt: due.dueAt, provisional: due.provisional };
  };
  const workingDaysLeft = async (dueAt: string) => {
    const [from, to] = [shanghaiDayOf(now()), shanghaiDayOf(dueAt)];
    return to <= from ? 0 : workingDaysBetween(await calendarFor(false), from, to).count;
  };

  const remindersInOfficeHours = () => workingDays !== undefined && patched('reminders-in-office-hours');
  const inOfficeHoursOf = async (atMs: number, dueMs: number) => {
    const moved = inOfficeHours(await calendarFor(false), atMs, workingDays!.officeClose, workingDays!.officeOpen);
    return moved < dueMs ? moved : atMs;
  };

  let ending: Ending | undefined;
  return {
    input,
    state,
    departments,
    area,
    residenceArea,
    now,
    step: (d) => state.steps[d]!,
    audit: (e) => {
      pendingAudit.push({ at: now(), ...e });
    },
    notify: (n) => {
      pendingNotices.push(n);
    },
    flush,
    end: (e) => {
      ending ??= e;
    },
    ending: () => ending,
    ended: () => ending !== undefined,
    /**
     * Doubling from checkRetryPauseMs up to checkRetryMaxPauseMs, so a long outage keeps the
     * history short (every round adds events; Temporal caps a history's size).
     */
    retryPause: (round) => {
      const first = input.sla.checkRetryPauseMs;
      const max = input.sla.checkRetryMaxPauseMs ?? first * 64;
      return Math.max(first, Math.min(max, first * 2 ** Math.min(Math.max(round - 1, 0), 30)));
    },
    workingDays,
    workingDue,
    workingDaysLeft,
    remindersInOfficeHours,
    inOfficeHours: inOfficeHoursOf,
    decisionsIn: new Map(),
    retryRequested: new Set(),
    compensationRetryRequested: new Set(),
  };
}
