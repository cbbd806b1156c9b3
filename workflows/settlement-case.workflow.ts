/**
 * One settlement case (DOMAIN.md): department steps in parallel (automated lookup, then an
 * officer decision with an SLA), points scoring under the policy version of the submission,
 * compensable reservations committed as departments approve, and the final police
 * registration once all have. A case that ends without settling undoes every committed step
 * in reverse order, in a non-cancellable scope, retrying a failing compensation and surfacing
 * it to supervisors instead of swallowing it.
 *
 * Every state change is written to MongoDB by one `recordCaseTransition` activity (read model
 * + audit + notices), which keeps a points case's history well under 300 events.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NoticeRequest } from '../activities/case-record.activities';
import type { ReserveInput, ReserveResult } from '../activities/reservations.activities';
import type { AuditEntry } from '../domain/audit';
import { decisionNumberRequest } from '../domain/authorities';
import { poolKey, type Area, type PoolRef } from '../domain/capacity';
import type {
  CaseOutcomeInfo,
  CaseState,
  CheckRecord,
  Reservation,
  SchoolPlacement,
  StepDecision,
  StepState,
} from '../domain/case-view';
import { summarize } from '../domain/case-summary';
import { childrenNeedingPlaces, needsCollectiveHousehold, pointsInputsFrom } from '../domain/check-findings';
import { reasonApplies, type RejectionReason } from '../domain/codes';
import { scorePoints, type PointsPolicy } from '../domain/points-policy';
import { departmentsFor, type Department, type Role } from '../domain/vocabulary';
import * as notices from './case-notices';
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
} from './search-attributes';
import {
  assignSchoolPlaceUpdate,
  caseStatusQuery,
  decideUpdate,
  provideSupplementUpdate,
  supervisorActionUpdate,
  terminateUpdate,
  withdrawUpdate,
  type AssignSchoolPlaceInput,
  type DecideInput,
  type ProvideSupplementInput,
  type SupervisorActionInput,
  type SettlementCaseInput,
  type SettlementCaseResult,
} from './settlement-case.messages';

// Writes to our own database: retried until they succeed (they are idempotent).
const records = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '20 seconds' },
});
// Department lookups: a bounded round of retries; the workflow then records the failure,
// escalates if it persists, pauses and tries another round.
const lookups = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '300 ms', backoffCoefficient: 2, maximumInterval: '3 seconds', maximumAttempts: 3 },
});
// Compensations: a bounded round of retries, then surfaced to supervisors and tried again.
const compensations = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 4 },
});

const SYSTEM = { id: 'system', role: 'system' as Role };
/** Longest officer text (rejection reason, missing item) a notice carries (templates/schemas.ts). */
const NOTICE_TEXT_MAX = 200;
const SUPPLEMENT_MAX_ITEMS = 20;

interface Ending {
  status: CaseOutcomeInfo['status'];
  by: string;
  role: Role;
  reasons: CaseOutcomeInfo['reasons'];
  note?: string;
}

interface CompensationEntry {
  reserve: ReserveInput;
  personIndex?: number;
  held: boolean;
}

export async function settlementCase(input: SettlementCaseInput): Promise<SettlementCaseResult> {
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
  const step = (d: Department): StepState => state.steps[d]!;
  /**
   * Pause before another round of a failing lookup or compensation: doubling from
   * checkRetryPauseMs up to checkRetryMaxPauseMs, so a long outage keeps the history short
   * (every round adds events; Temporal caps a history's size).
   */
  const retryPause = (round: number): number => {
    const first = input.sla.checkRetryPauseMs;
    const max = input.sla.checkRetryMaxPauseMs ?? first * 64;
    return Math.max(first, Math.min(max, first * 2 ** Math.min(Math.max(round - 1, 0), 30)));
  };
  const area = (input.application.district ?? input.application.town ?? '') as Area;

  // ---- recording ---------------------------------------------------------------------------
  let seq = 0;
  let pendingAudit: AuditEntry[] = [];
  let pendingNotices: NoticeRequest[] = [];
  const audit = (e: Omit<AuditEntry, 'at'> & { at?: string }): void => {
    pendingAudit.push({ at: now(), ...e });
  };
  const notify = (n: NoticeRequest): void => {
    pendingNotices.push(n);
  };
  let lastSearchAttributes = '';
  const syncSearchAttributes = (): void => {
    const sum = summarize(state);
    const attrs = {
      status: state.status,
      pending: sum.pendingDepartments,
      overdueDepartments: sum.overdueDepartments,
      failing: sum.failingChecks,
      overdue: sum.overdue,
      supplementDueAt: sum.supplementDueAt,
      lastProgressAt: state.lastProgressAt,
    };
    const key = JSON.stringify(attrs);
    if (key === lastSearchAttributes) return;
    lastSearchAttributes = key;
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
  /**
   * Writes the current state, the audit lines and notices gathered since the last flush.
   * Transitions are written one at a time, in `seq` order: parallel department steps flush
   * concurrently, and a store without atomic conditional updates (FerretDB v1) would otherwise
   * let an older snapshot overwrite a newer one. The returned promise settles once this
   * transition (and so every earlier one) is stored.
   */
  let flushChain: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    seq += 1;
    state.lastProgressAt = now();
    syncSearchAttributes();
    const batch = { seq, state: JSON.parse(JSON.stringify(state)) as CaseState, audit: pendingAudit, notices: pendingNotices };
    pendingAudit = [];
    pendingNotices = [];
    const written = flushChain.then(() => CancellationScope.nonCancellable(() => records.recordCaseTransition(batch)));
    flushChain = written.catch(() => undefined);
    return written;
  };

  // ---- ending --------------------------------------------------------------------------------
  let ending: Ending | undefined;
  const end = (e: Ending): void => {
    ending ??= e;
  };
  const ended = (): boolean => ending !== undefined;

  // ---- commits (saga) ----------------------------------------------------------------------
  // Each compensation is registered before its step runs; commits run one at a time, each to
  // completion even if the case is cancelled meanwhile, so compensation never races a commit.
  const saga: CompensationEntry[] = [];
  let commitChain: Promise<void> = Promise.resolve();
  const commit = (ref: PoolRef, item: string, personIndex?: number): Promise<void> => {
    const reserve: ReserveInput = { caseId: input.caseId, kind: ref.kind, pool: poolKey(ref), item, ref };
    const run = async (): Promise<void> => {
      if (ended()) return;
      const entry: CompensationEntry = { reserve, personIndex, held: false };
      saga.push(entry);
      let result: ReserveResult;
      try {
        result = await CancellationScope.nonCancellable(() => records.reserve(reserve));
      } catch (err) {
        const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
        if (failure?.type !== 'CapacityExhausted') throw err;
        const code: RejectionReason = reserve.kind === 'quota_slot' ? 'quota_exhausted' : 'capacity_exhausted';
        audit({
          type: 'commit',
          actor: SYSTEM,
          what: `${reserve.kind} refused: no capacity`,
          why: code,
          data: { pool: reserve.pool },
        });
        end({
          status: 'rejected',
          by: 'system',
          role: 'system',
          reasons: [{ code, department: departmentOfReservation(reserve.kind) }],
        });
        return;
      }
      if (ref.kind === 'school_place') {
        const p = newPlacement(personIndex!, ref.level);
        if (result.status === 'waiting') {
          // §21–23: a full level never refuses the family; the child waits for a place.
          Object.assign(p, {
            status: 'waiting',
            waitingSince: now(),
            position: result.position,
            dueAt: new Date(Date.now() + input.sla.schoolPlacementMs).toISOString(),
          });
          waitingPlaces.push({ entry, placement: p });
          audit({
            type: 'school_place_waiting',
            actor: SYSTEM,
            department: 'education',
            what: `child ${personIndex} waits for a ${ref.level} place`,
            data: { pool: reserve.pool, position: result.position, dueAt: p.dueAt },
          });
          return;
        }
        p.placedAt = now();
      }
      holdReservation(entry);
    };
    const p = commitChain.then(run);
    commitChain = p.catch(() => undefined);
    return p;
  };

  const holdReservation = (entry: CompensationEntry): void => {
    const r = entry.reserve;
    entry.held = true;
    const held: Reservation = { kind: r.kind, pool: r.pool, item: r.item, status: 'held', heldAt: now() };
    if (entry.personIndex !== undefined) held.personIndex = entry.personIndex;
    state.reservations.push(held);
    audit({
      type: 'commit',
      actor: SYSTEM,
      department: departmentOfReservation(r.kind),
      what: `${r.kind} reserved`,
      data: { pool: r.pool, item: r.item },
    });
  };

  // ---- school places (§21–23) -----------------------------------------------------------------
  const waitingPlaces: Array<{ entry: CompensationEntry; placement: SchoolPlacement }> = [];
  const newPlacement = (personIndex: number, level: SchoolPlacement['level']): SchoolPlacement => {
    const inSchool = level !== 'kindergarten';
    const p: SchoolPlacement = {
      personIndex,
      area,
      level,
      status: 'placed',
      overdue: false,
      feeWaiver: inSchool,
      examEligible: inSchool,
    };
    (state.schoolPlacements ??= []).push(p);
    return p;
  };

  const commitFor = async (d: Department): Promise<void> => {
    if (d === 'housing') {
      if (state.collectiveHousehold) await commit({ kind: 'collective_household_slot', area }, 'household');
      else await commit({ kind: 'residence_confirmation', area }, 'household');
    } else if (d === 'education') {
      for (const { personIndex, person } of childrenNeedingPlaces(input.application)) {
        await commit({ kind: 'school_place', area, level: person.schoolLevel! }, `child-${personIndex}`, personIndex);
      }
    } else if (d === 'police') {
      await commit({ kind: 'provisional_registration' }, 'household');
    }
  };

  // ---- message handlers ----------------------------------------------------------------------
  const handled = new Map<string, unknown>();
  const decisionsIn = new Map<Department, StepDecision>();
  const retryRequested = new Set<Department>();
  const snapshot = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  /** The answer to a request, kept so that the same request delivered again gets it unchanged. */
  const answered = <T>(requestId: string, v: T): T => {
    const result = snapshot(v);
    handled.set(requestId, result);
    return result;
  };

  setHandler(caseStatusQuery, () => state);

  setHandler(
    decideUpdate,
    async (d: DecideInput) => {
      if (handled.has(d.requestId)) return (handled.get(d.requestId) as StepState | undefined) ?? snapshot(step(d.department));
      const s = step(d.department);
      const decision: StepDecision = { kind: d.decision, by: d.officerId, role: 'officer', at: now() };
      if (d.reasonCode) decision.reasonCode = d.reasonCode;
      if (d.reasonText) decision.reasonText = d.reasonText;
      if (d.missing) decision.missing = d.missing;
      if (d.internalNote) s.internalNotes.push(d.internalNote);
      // Taken synchronously, so a concurrent second decision fails validation (exactly one wins).
      s.status = d.decision === 'approve' ? 'approved' : d.decision === 'reject' ? 'rejected' : 'supplement_requested';
      s.decision = decision;
      // Audited here, not where the step goes on: a decision accepted in the same task in which
      // another department ended the case is never picked up by its step, yet it was taken.
      audit({
        type: 'decision',
        actor: { id: decision.by, role: decision.role, department: d.department },
        department: d.department,
        what: decision.kind,
        why: decision.reasonCode ?? decision.reasonText,
        data: decision.missing ? { missing: decision.missing } : undefined,
      });
      decisionsIn.set(d.department, decision);
      handled.set(d.requestId, undefined);
      await condition(() => !decisionsIn.has(d.department) || ended());
      return answered(d.requestId, s);
    },
    {
      validator: (d: DecideInput) => {
        if (handled.has(d.requestId)) return;
        const s = state.steps[d.department];
        if (!s) throw ApplicationFailure.nonRetryable(`this case has no ${d.department} step`, 'StepNotFound');
        if (d.officerDepartment !== d.department) {
          throw ApplicationFailure.nonRetryable(
            `a ${d.officerDepartment} officer cannot decide the ${d.department} step`,
            'WrongDepartment',
          );
        }
        if (ended() || s.status !== 'awaiting_decision') {
          throw ApplicationFailure.nonRetryable(
            `the ${d.department} step is ${s.status}, not awaiting a decision`,
            'StepNotAwaitingDecision',
          );
        }
        const refuse = (why: string) => {
          throw ApplicationFailure.nonRetryable(why, 'InvalidDecision');
        };
        // What reaches the applicant's notice must fit its template (templates/schemas.ts), or
        // the notice could never be written.
        const fits = (t: string | undefined) => t === undefined || (t.trim().length > 0 && t.length <= NOTICE_TEXT_MAX);
        if (d.decision === 'approve' && s.recommendation?.decision === 'reject' && s.recommendation.reasonCode) {
          // §2: a score below the threshold cannot be approved; the officer refuses on it.
          refuse(`cannot approve: ${s.recommendation.note}`);
        }
        if (d.decision === 'reject') {
          if (!d.reasonCode) refuse('a rejection needs a reason code');
          if (!reasonApplies(input.application.route, d.department, d.reasonCode!))
            refuse(`the ${d.department} department cannot refuse a ${input.application.route} case for ${d.reasonCode}`);
          if (d.reasonCode === 'other' && !d.reasonText) refuse('a rejection for "other" reasons needs a reason text');
          if (!fits(d.reasonText)) refuse(`the reason text must be 1–${NOTICE_TEXT_MAX} characters`);
        }
        if (d.decision === 'request_supplement') {
          // 一次性告知: everything missing is listed at once; a second round needs a supervisor.
          if ((s.supplementRounds ?? 0) >= (s.supplementRoundsAllowed ?? 1))
            throw ApplicationFailure.nonRetryable(
              `the ${d.department} department has already asked for material once; a supervisor must authorise another round`,
              'SupplementRoundUsed',
            );
          if (!d.missing?.length) refuse('a supplement request must list the missing material');
          if (d.missing!.length > SUPPLEMENT_MAX_ITEMS) refuse(`list at most ${SUPPLEMENT_MAX_ITEMS} missing items`);
          if (!d.missing!.every((m) => m !== undefined && fits(m)))
            refuse(`each missing item must be 1–${NOTICE_TEXT_MAX} characters`);
        }
      },
    },
  );

  setHandler(
    provideSupplementUpdate,
    async (p: ProvideSupplementInput) => {
      if (handled.has(p.requestId)) return handled.get(p.requestId) as StepState;
      const s = step(p.department);
      s.supplement!.providedAt = now();
      s.supplement!.provided = p.items.map((i) => ({ name: i.name, reference: i.reference }));
      audit({
        type: 'supplement_provided',
        actor: { id: p.applicantUserId, role: 'applicant' },
        department: p.department,
        what: `${p.items.length} item(s) provided`,
        data: { items: p.items.map((i) => i.name) },
      });
      return answered(p.requestId, s);
    },
    {
      validator: (p: ProvideSupplementInput) => {
        if (handled.has(p.requestId)) return;
        if (p.applicantUserId !== input.applicantUserId)
          throw ApplicationFailure.nonRetryable('not the applicant of this case', 'NotApplicant');
        const s = state.steps[p.department];
        if (ended() || !s || s.status !== 'supplement_requested' || s.supplement?.providedAt) {
          throw ApplicationFailure.nonRetryable(`no supplement is awaited for ${p.department}`, 'NoSupplementAwaited');
        }
        if (p.items.length === 0) throw ApplicationFailure.nonRetryable('provide at least one item', 'InvalidSupplement');
      },
    },
  );

  setHandler(
    withdrawUpdate,
    (w) => {
      if (!handled.has(w.requestId)) {
        end({
          status: 'withdrawn',
          by: w.applicantUserId,
          role: 'applicant',
          reasons: [],
          note: w.note ?? 'withdrawn by the applicant',
        });
        handled.set(w.requestId, { status: 'withdrawn' });
      }
      return { status: 'withdrawn' as const };
    },
    {
      validator: (w) => {
        if (handled.has(w.requestId)) return;
        if (w.applicantUserId !== input.applicantUserId)
          throw ApplicationFailure.nonRetryable('not the applicant of this case', 'NotApplicant');
        if (ended() || state.status === 'registering' || state.status === 'settled') {
          throw ApplicationFailure.nonRetryable(`a ${state.status} case cannot be withdrawn`, 'CaseNotOpen');
        }
      },
    },
  );

  setHandler(
    terminateUpdate,
    (t) => {
      if (!handled.has(t.requestId)) {
        end({ status: 'terminated', by: t.supervisorId, role: 'supervisor', reasons: [], note: t.note });
        handled.set(t.requestId, { status: 'terminated' });
      }
      return { status: 'terminated' as const };
    },
    {
      validator: (t) => {
        if (handled.has(t.requestId)) return;
        if (ended() || state.status === 'registering' || state.status === 'settled') {
          throw ApplicationFailure.nonRetryable(`a ${state.status} case cannot be terminated`, 'CaseNotOpen');
        }
      },
    },
  );

  setHandler(
    supervisorActionUpdate,
    async (a: SupervisorActionInput) => {
      if (handled.has(a.requestId)) return handled.get(a.requestId) as StepState;
      const s = step(a.department);
      const actor = { id: a.supervisorId, role: 'supervisor' as Role };
      switch (a.action) {
        case 'extend_deadline': {
          const target = s.status === 'supplement_requested' ? s.supplement! : s;
          const due = new Date(Date.parse(target.dueAt!) + a.extendByMs!).toISOString();
          target.dueAt = due;
          // The applicant is reminded again before the new deadline.
          if (s.supplement && target === s.supplement) delete s.supplement.remindedAt;
          if (Date.parse(due) > Date.now()) {
            s.overdue = false;
            delete s.escalatedAt;
          }
          break;
        }
        case 'reassign':
          s.assignedOfficer = a.officerId!;
          break;
        case 'escalate':
          s.escalatedAt = now();
          notify(
            notices.escalation(
              state,
              a.department,
              now(),
              s.status === 'supplement_requested' ? 'applicant_supplement' : 'officer_decision',
              `manual:${a.requestId}`,
            ),
          );
          break;
        case 'retry_check':
          retryRequested.add(a.department);
          break;
        case 'authorise_supplement_round':
          s.supplementRoundsAllowed = (s.supplementRoundsAllowed ?? 1) + 1;
          break;
      }
      audit({
        type: 'supervisor_action',
        actor,
        department: a.department,
        what: a.action,
        why: a.note,
        data: { extendByMs: a.extendByMs, officerId: a.officerId },
      });
      await flush();
      return answered(a.requestId, s);
    },
    {
      validator: (a: SupervisorActionInput) => {
        if (handled.has(a.requestId)) return;
        const s = state.steps[a.department];
        if (!s) throw ApplicationFailure.nonRetryable(`this case has no ${a.department} step`, 'StepNotFound');
        if (ended()) throw ApplicationFailure.nonRetryable('the case has ended', 'CaseNotOpen');
        if (a.action === 'extend_deadline') {
          if (!a.extendByMs || a.extendByMs <= 0)
            throw ApplicationFailure.nonRetryable('extendByMs must be positive', 'InvalidAction');
          const waiting =
            s.status === 'awaiting_decision' ? s.dueAt : s.status === 'supplement_requested' ? s.supplement?.dueAt : undefined;
          if (!waiting)
            throw ApplicationFailure.nonRetryable(`the ${a.department} step has no running deadline`, 'InvalidAction');
        }
        if (a.action === 'reassign' && !a.officerId)
          throw ApplicationFailure.nonRetryable('reassign needs officerId', 'InvalidAction');
        if (a.action === 'retry_check' && s.status !== 'check_failed') {
          throw ApplicationFailure.nonRetryable(`the ${a.department} lookup is not failing`, 'InvalidAction');
        }
        if (a.action === 'authorise_supplement_round') {
          if (!a.note?.trim())
            throw ApplicationFailure.nonRetryable('authorising another supplement round needs a reason', 'InvalidAction');
          if ((s.supplementRounds ?? 0) < (s.supplementRoundsAllowed ?? 1))
            throw ApplicationFailure.nonRetryable(
              `the ${a.department} department may still ask once; no authorisation is needed`,
              'InvalidAction',
            );
        }
      },
    },
  );

  setHandler(
    assignSchoolPlaceUpdate,
    async (a: AssignSchoolPlaceInput) => {
      if (handled.has(a.requestId)) return handled.get(a.requestId) as SchoolPlacement;
      const w = waitingPlaces.find((x) => x.placement.personIndex === a.personIndex)!;
      const p = w.placement;
      // Taken synchronously, so the waiting loop stops asking the pool for this child.
      p.status = 'placed';
      p.school = a.school;
      p.assignedBy = a.officerId;
      p.placedAt = now();
      delete p.position;
      p.overdue = false;
      handled.set(a.requestId, snapshot(p));
      const r = w.entry.reserve;
      await records.release({ caseId: r.caseId, kind: r.kind, pool: r.pool, item: r.item });
      audit({
        type: 'school_place_confirmed',
        actor: { id: a.officerId, role: 'officer', department: 'education' },
        department: 'education',
        what: `child ${a.personIndex} placed at a school elsewhere in the area`,
        why: a.note,
        data: { school: a.school },
      });
      notify(notices.schoolPlaceConfirmed(state, p));
      await flush();
      return answered(a.requestId, p);
    },
    {
      validator: (a: AssignSchoolPlaceInput) => {
        if (handled.has(a.requestId)) return;
        if (a.officerDepartment !== 'education')
          throw ApplicationFailure.nonRetryable('only an education officer assigns a school place', 'WrongDepartment');
        const w = waitingPlaces.find((x) => x.placement.personIndex === a.personIndex);
        if (!w || w.placement.status !== 'waiting')
          throw ApplicationFailure.nonRetryable(`child ${a.personIndex} is not waiting for a place`, 'NoPlacementAwaited');
        if (!a.school.trim() || a.school.length > NOTICE_TEXT_MAX / 2)
          throw ApplicationFailure.nonRetryable(`the school name must be 1–${NOTICE_TEXT_MAX / 2} characters`, 'InvalidAction');
      },
    },
  );

  // ---- department steps --------------------------------------------------------------------
  const runLookup = async (d: Department): Promise<CheckRecord | undefined> => {
    const s = step(d);
    s.status = 'checking';
    for (;;) {
      try {
        return await lookups.runDepartmentCheck({ caseId: input.caseId, department: d, application: input.application });
      } catch (err) {
        if (isCancellation(err)) throw err;
        s.checkFailures += 1;
        s.status = 'check_failed';
        s.lastCheckError = failureMessage(err);
        audit({
          type: 'check_failed',
          actor: SYSTEM,
          department: d,
          what: `${d} lookup failed`,
          why: s.lastCheckError,
          data: { round: s.checkFailures },
        });
        if (s.checkFailures === input.sla.checkFailuresBeforeEscalation) {
          s.escalatedAt = now();
          notify(notices.escalation(state, d, now(), 'department_system', 'lookup'));
          audit({
            type: 'escalation',
            actor: SYSTEM,
            department: d,
            what: `${d} lookup keeps failing`,
            data: { rounds: s.checkFailures },
          });
        }
        // Cleared before the flush: a supervisor's retry_check arriving meanwhile is kept.
        retryRequested.delete(d);
        await flush();
        await condition(() => retryRequested.has(d) || ended(), retryPause(s.checkFailures));
        if (ended()) return undefined;
        s.status = 'checking';
      }
    }
  };

  /** Waits for a decision on `s` with the SLA's reminder (80 %) and escalation (100 %). */
  const awaitDecision = async (d: Department, round: number): Promise<StepDecision | undefined> => {
    const s = step(d);
    const sla = input.sla.officerDecisionMs[d];
    s.status = 'awaiting_decision';
    s.waitingSince = now();
    s.dueAt = new Date(Date.now() + sla).toISOString();
    delete s.remindedAt;
    delete s.escalatedAt;
    s.overdue = false;
    await flush();
    while (!decisionsIn.has(d) && !ended()) {
      const since = Date.parse(s.waitingSince);
      const due = Date.parse(s.dueAt);
      const remindAt = since + input.sla.reminderFraction * (due - since);
      const t = Date.now();
      if (!s.remindedAt && t >= remindAt) {
        s.remindedAt = now();
        notify(notices.officerReminder(state, d, s.dueAt, round));
        audit({ type: 'reminder', actor: SYSTEM, department: d, what: `${d} officer reminded`, data: { dueAt: s.dueAt } });
        await flush();
        continue;
      }
      // `overdue` marks the deadline's own escalation: a supervisor's manual escalation
      // (escalatedAt) before the deadline must not suppress it.
      if (!s.overdue && t >= due) {
        s.escalatedAt = now();
        s.overdue = true;
        notify(notices.escalation(state, d, s.dueAt, 'officer_decision', `decision:${round}:${s.dueAt}`));
        audit({ type: 'escalation', actor: SYSTEM, department: d, what: `${d} decision overdue`, data: { dueAt: s.dueAt } });
        await flush();
        continue;
      }
      const next = !s.remindedAt ? remindAt : !s.overdue ? due : undefined;
      const seenDue = s.dueAt;
      const wake = () => decisionsIn.has(d) || ended() || s.dueAt !== seenDue;
      if (next === undefined) await condition(wake);
      else await condition(wake, Math.max(1, next - t));
    }
    return decisionsIn.get(d);
  };

  /**
   * Waits for the applicant's supplement until its deadline, reminding them at the same fraction
   * of the wait as officers are reminded; false when the deadline passed.
   */
  const awaitSupplement = async (d: Department, round: number): Promise<boolean> => {
    const sup = step(d).supplement!;
    while (!sup.providedAt && !ended()) {
      const seenDue = sup.dueAt;
      const t = Date.now();
      const due = Date.parse(seenDue);
      if (due - t <= 0) return false;
      const since = Date.parse(sup.requestedAt);
      const remindAt = since + input.sla.reminderFraction * (due - since);
      if (!sup.remindedAt && t >= remindAt) {
        sup.remindedAt = now();
        notify(notices.supplementReminder(state, d, sup.missing, sup.dueAt, round));
        audit({
          type: 'reminder',
          actor: SYSTEM,
          department: d,
          what: 'applicant reminded of the supplement deadline',
          data: { dueAt: sup.dueAt },
        });
        await flush();
        continue;
      }
      const next = sup.remindedAt ? due : remindAt;
      await condition(() => sup.providedAt !== undefined || ended() || sup.dueAt !== seenDue, Math.max(1, next - t));
    }
    return sup.providedAt !== undefined;
  };

  const runStep = async (d: Department): Promise<void> => {
    const s = step(d);
    const check = await runLookup(d);
    if (!check) return;
    s.check = check;
    s.checkFailures = 0;
    delete s.lastCheckError;
    if (d === 'housing') state.collectiveHousehold = needsCollectiveHousehold(check);
    audit({
      type: 'check_completed',
      actor: SYSTEM,
      department: d,
      what: `${d} lookup completed`,
      data: { persons: check.results.length, findings: check.findings },
    });

    if (d === 'hrss' && input.application.route === 'points') {
      // §2: HR decides on the score, so it waits for all four lookups and the system's
      // recommendation; a score below the threshold is refused by the officer, with its breakdown.
      await condition(() => state.score !== undefined || ended());
      if (ended()) return;
      const score = state.score!;
      s.recommendation = score.passed
        ? { decision: 'approve', note: `score ${score.total} ≥ threshold ${score.threshold}` }
        : {
            decision: 'reject',
            reasonCode: 'insufficient_points',
            note:
              score.total < score.threshold
                ? `score ${score.total} is below the threshold ${score.threshold}`
                : `score ${score.total} does not qualify under ${score.policyVersion}`,
          };
    }

    if (input.autoApproveClean.includes(d) && check.findings.length === 0 && s.recommendation?.decision !== 'reject') {
      s.status = 'approved';
      s.decision = { kind: 'approve', by: 'system', role: 'system', at: now() };
      audit({
        type: 'decision',
        actor: SYSTEM,
        department: d,
        what: 'approve',
        why: 'clean automated result (auto-approval policy)',
      });
    } else {
      for (let round = 1; ; round++) {
        const decision = await awaitDecision(d, round);
        if (!decision || ended()) return;
        decisionsIn.delete(d);
        const actor = { id: decision.by, role: decision.role, department: d };
        if (decision.kind === 'approve') break;
        if (decision.kind === 'reject') {
          end({
            status: 'rejected',
            by: decision.by,
            role: 'officer',
            reasons: [
              {
                code: decision.reasonCode ?? 'other',
                department: d,
                ...(decision.reasonText ? { note: decision.reasonText } : {}),
              },
            ],
          });
          return;
        }
        // request_supplement
        const dueAt = new Date(Date.now() + input.sla.supplementResponseMs).toISOString();
        if (s.supplement) (s.pastSupplements ??= []).push(s.supplement);
        s.supplementRounds = (s.supplementRounds ?? 0) + 1;
        s.supplement = { requestedAt: now(), dueAt, missing: decision.missing ?? [] };
        state.status = 'supplement_requested';
        notify(notices.supplementRequested(state, d, s.supplement.missing, dueAt, round));
        audit({
          type: 'supplement_requested',
          actor,
          department: d,
          what: 'supplement requested',
          data: { missing: s.supplement.missing, dueAt },
        });
        await flush();
        const provided = await awaitSupplement(d, round);
        if (!provided) {
          if (!ended()) {
            // The case's own `withdrawn` line follows when it ends; this says why, for the step.
            audit({
              type: 'supplement_expired',
              actor: SYSTEM,
              department: d,
              what: 'supplement deadline passed',
              data: { dueAt: s.supplement.dueAt },
            });
            end({ status: 'withdrawn', by: 'system', role: 'system', reasons: [], note: notices.SUPPLEMENT_DEADLINE_PASSED });
          }
          return;
        }
        if (!Object.values(state.steps).some((x) => x.status === 'supplement_requested' && x.department !== d))
          state.status = 'under_review';
      }
    }
    await commitFor(d);
    await flush();
  };

  // ---- points score (§2) ---------------------------------------------------------------------
  const runScore = async (policy: PointsPolicy): Promise<void> => {
    await condition(() => ended() || departments.every((d) => step(d).check !== undefined));
    if (ended()) return;
    const score = scorePoints(policy, pointsInputsFrom(Object.fromEntries(departments.map((d) => [d, step(d).check!]))));
    state.score = score;
    audit({
      type: 'score_computed',
      actor: SYSTEM,
      what: `score ${score.total}/${score.threshold}`,
      data: { policyVersion: score.policyVersion, passed: score.passed },
    });
    // Below the threshold, HR's officer refuses on the recommendation (runStep); no slot is taken.
    if (!score.passed) return;
    await commit({ kind: 'quota_slot', district: input.application.district! }, 'household');
    await flush();
  };

  // ---- the case --------------------------------------------------------------------------------
  let outcome: SettlementCaseResult | undefined;
  const reviewScope = new CancellationScope();
  try {
    audit({
      type: 'submitted',
      actor: { id: input.applicantUserId, role: 'applicant' },
      what: `${input.application.route} application submitted`,
      data: { departments, policyVersion: input.policyVersion },
    });
    notify(notices.caseReceived(state, departments));
    await flush();

    const policy =
      input.application.route === 'points' ? await records.loadPointsPolicy({ version: input.policyVersion! }) : undefined;
    const review = reviewScope.run(() => Promise.all([...departments.map(runStep), ...(policy ? [runScore(policy)] : [])]));
    review.catch(() => undefined); // observed below; avoid an unhandled rejection when cancelled
    await Promise.race([review, condition(ended)]);
    if (!ended()) await review;
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The note reaches the termination letter: in the letters' first language.
    end({ status: 'terminated', by: 'supervisor', role: 'supervisor', reasons: [], note: '经督办决定终止办理' });
  }

  if (!ending) {
    // Synchronously, so that from here on a withdrawal or termination is refused by validation.
    state.status = 'registering';
    outcome = await CancellationScope.nonCancellable(async () => {
      await commitChain;
      audit({ type: 'decision', actor: SYSTEM, what: 'all departments approved' });
      await flush();
      const { householdType } = await records.registerHousehold({
        caseId: input.caseId,
        application: input.application,
        collectiveHousehold: state.collectiveHousehold,
      });
      audit({
        type: 'commit',
        actor: SYSTEM,
        department: 'police',
        what: `household registered as ${householdType}`,
        data: { collectiveHousehold: state.collectiveHousehold },
      });
      // §25: after settlement, HR starts the social-insurance transfer.
      await records.startSocialInsuranceTransfer({ caseId: input.caseId, idNumber: input.application.applicant.idNumber, area });
      state.socialInsuranceTransfer = { status: 'started', at: now() };
      audit({ type: 'social_insurance_transfer', actor: SYSTEM, department: 'hrss', what: 'social-insurance transfer started' });
      state.status = 'settled';
      state.outcome = { status: 'settled', at: now(), by: 'system', role: 'system', reasons: [] };
      audit({ type: 'settled', actor: SYSTEM, what: 'case settled' });
      notify(notices.settled(state, now()));
      await flush();
      return { status: 'settled' as const, compensated: [] };
    });
    // The family has settled; a child still waiting for a place goes on waiting (§21–23).
    await awaitPlaces();
  } else {
    reviewScope.cancel();
    outcome = await CancellationScope.nonCancellable(() => finishUnsettled(ending!));
  }
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  return outcome;

  // ---- children waiting for a place after settlement (§21–23) ------------------------------------
  async function awaitPlaces(): Promise<void> {
    try {
      await Promise.all(waitingPlaces.map(awaitPlace));
    } catch (err) {
      if (!isCancellation(err)) throw err;
      // Cancelled by an operator: the children leave the waiting list, and the record says so.
      await CancellationScope.nonCancellable(async () => {
        for (const w of waitingPlaces.filter((x) => x.placement.status === 'waiting')) {
          const r = w.entry.reserve;
          await compensations.release({ caseId: r.caseId, kind: r.kind, pool: r.pool, item: r.item });
          w.placement.status = 'cancelled';
          w.placement.overdue = false;
        }
        await flush();
      });
    }
  }

  /**
   * Asks the pool again every waitlistRecheckMs (a place freed, or the capacity was raised),
   * reminds the education department at the SLA's reminder fraction and escalates to
   * supervisors at its deadline; an education officer may place the child elsewhere meanwhile.
   */
  async function awaitPlace({ entry, placement: p }: (typeof waitingPlaces)[number]): Promise<void> {
    const recheck = input.sla.waitlistRecheckMs;
    let nextTry = Date.now() + recheck;
    while (p.status === 'waiting') {
      const t = Date.now();
      if (t >= nextTry) {
        nextTry = t + recheck;
        const result = await records.reserve(entry.reserve);
        if (result.status === 'held') {
          if (p.status !== 'waiting') {
            // An officer placed the child while the pool was being asked: give the slot back.
            const r = entry.reserve;
            await records.release({ caseId: r.caseId, kind: r.kind, pool: r.pool, item: r.item });
            return;
          }
          p.status = 'placed';
          p.placedAt = now();
          p.overdue = false;
          delete p.position;
          holdReservation(entry);
          audit({
            type: 'school_place_confirmed',
            actor: SYSTEM,
            department: 'education',
            what: `child ${p.personIndex} placed from the waiting list`,
            data: { pool: entry.reserve.pool },
          });
          notify(notices.schoolPlaceConfirmed(state, p));
          await flush();
          return;
        }
        if (result.position !== p.position) {
          p.position = result.position;
          await flush();
        }
        continue;
      }
      const since = Date.parse(p.waitingSince!);
      const due = Date.parse(p.dueAt!);
      const remindAt = since + input.sla.reminderFraction * (due - since);
      if (!p.remindedAt && t >= remindAt) {
        p.remindedAt = now();
        notify(notices.officerReminder(state, 'education', p.dueAt!, `place-${p.personIndex}`));
        audit({
          type: 'reminder',
          actor: SYSTEM,
          department: 'education',
          what: `education reminded: child ${p.personIndex} waits for a place`,
          data: { dueAt: p.dueAt },
        });
        await flush();
        continue;
      }
      if (!p.overdue && t >= due) {
        p.overdue = true;
        p.escalatedAt = now();
        notify(notices.escalation(state, 'education', p.dueAt!, 'school_place', `place:${p.personIndex}`));
        audit({
          type: 'escalation',
          actor: SYSTEM,
          department: 'education',
          what: `child ${p.personIndex} still waits for a place`,
          data: { dueAt: p.dueAt },
        });
        await flush();
        continue;
      }
      const wakeAt = Math.min(nextTry, p.remindedAt ? Infinity : remindAt, p.overdue ? Infinity : due);
      await condition(() => p.status !== 'waiting', Math.max(1, wakeAt - t));
    }
  }

  // ---- ending without settling -----------------------------------------------------------------
  async function finishUnsettled(e: Ending): Promise<SettlementCaseResult> {
    await commitChain;
    const compensated: string[] = [];
    const released: Reservation[] = [];
    for (const entry of [...saga].reverse()) {
      const r = entry.reserve;
      for (let round = 1; ; round++) {
        try {
          await compensations.release({ caseId: r.caseId, kind: r.kind, pool: r.pool, item: r.item });
          break;
        } catch (err) {
          const label = `${r.kind}:${r.item}`;
          if (!state.failingCompensations.includes(label)) state.failingCompensations.push(label);
          audit({
            type: 'compensation_failed',
            actor: SYSTEM,
            department: departmentOfReservation(r.kind),
            what: `release ${r.kind} failed`,
            why: failureMessage(err),
            data: { round },
          });
          if (round === 1)
            notify(
              notices.escalation(state, departmentOfReservation(r.kind), now(), 'department_system', `compensation:${label}`),
            );
          await flush();
          await sleep(retryPause(round));
        }
      }
      state.failingCompensations = state.failingCompensations.filter((l) => l !== `${r.kind}:${r.item}`);
      if (!entry.held) continue;
      const res = state.reservations.find((x) => x.pool === r.pool && x.item === r.item && x.status === 'held');
      if (res) {
        res.status = 'released';
        res.releasedAt = now();
        released.push(res);
      }
      compensated.push(`${r.kind}:${r.item}`);
      audit({
        type: 'compensation',
        actor: SYSTEM,
        department: departmentOfReservation(r.kind),
        what: `${r.kind} released`,
        data: { pool: r.pool, item: r.item },
      });
    }
    for (const s of Object.values(state.steps)) {
      if (!['approved', 'rejected'].includes(s.status)) s.status = 'cancelled';
      s.overdue = false;
    }
    for (const p of state.schoolPlacements ?? []) {
      // Every place and waiting-list entry was given back above; none is the family's any more.
      p.status = 'cancelled';
      p.overdue = false;
    }
    state.status = e.status;
    state.outcome = {
      status: e.status,
      at: now(),
      by: e.by,
      role: e.role,
      reasons: e.reasons,
      ...(e.note ? { note: e.note } : {}),
    };
    audit({
      type: e.status,
      actor: { id: e.by, role: e.role },
      what: `case ${e.status}`,
      why: e.reasons.map((r) => r.code).join(',') || e.note,
    });
    // A refusal or a termination is an administrative decision: a numbered letter (文号) with its
    // legal basis and appeal rights. The number is issued idempotently, once per case and kind.
    const letter = decisionNumberRequest(state.caseId, state.outcome);
    if (letter) state.outcome.documentNumber = (await records.issueDecisionNumber(letter)).documentNumber;
    if (e.status === 'rejected') notify(notices.rejected(state, state.outcome));
    if (e.status === 'terminated') notify(notices.terminated(state, state.outcome));
    if (e.status === 'withdrawn') notify(notices.withdrawn(state, state.outcome.at));
    if (released.length > 0)
      notify(
        notices.reservationsReleased(state, released, e.status as 'rejected' | 'withdrawn' | 'terminated', state.outcome.at),
      );
    await flush();
    return { status: e.status, compensated };
  }
}

function departmentOfReservation(kind: ReserveInput['kind']): Department {
  switch (kind) {
    case 'school_place':
      return 'education';
    case 'residence_confirmation':
      return 'housing';
    default:
      // Quota (§2), collective households (§16) and registrations are the police's (lead department).
      return 'police';
  }
}

/** The innermost message of an activity failure (the activity's own error, not the wrapper). */
function failureMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  return cause instanceof Error ? cause.message : err.message;
}
