/**
 * The commit phase as a saga (DOMAIN.md "Case lifecycle"): each compensation is registered before
 * its step runs; commits run one at a time, each to completion even if the case is cancelled
 * meanwhile, so compensation never races a commit. A case that ends without settling undoes
 * every commit in reverse order, in a non-cancellable scope, retrying a failing compensation
 * and surfacing it to supervisors instead of swallowing it; then it tells the applicant (a
 * numbered decision letter for a refusal or termination) what ended the case and what was
 * released.
 */
import { ActivityFailure, ApplicationFailure, CancellationScope, condition, patched } from '@temporalio/workflow';
import { decisionNumberRequest } from '../../domain/authorities';
import { CAPACITY_EXHAUSTED, poolKey, type PoolRef, type ReserveInput, type ReserveResult } from '../../domain/capacity';
import type { Reservation, SchoolPlacement } from '../../domain/case-state';
import { childrenNeedingPlaces } from '../../domain/check-findings';
import type { RejectionReason, ReservationKind } from '../../domain/codes';
import { ownerOf } from '../../domain/departments';
import type { Department } from '../../domain/vocabulary';
import * as notices from './notices';
import type { SettlementCaseResult } from './messages';
import { commits, compensations, failureMessage, records, SYSTEM } from './activity-proxies';
import type { CaseRun, Ending } from './case-run';
import { createRefusedCommitRecovery } from './commit-incidents';

/** The pool had no room left: an answer about the case (rejected or waiting), not an incident. */
const isCapacityExhausted = (err: unknown): boolean =>
  err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === CAPACITY_EXHAUSTED;

/** One commit of the case, in the order taken: what to undo, and whether a slot is held. */
export interface CompensationEntry {
  reserve: ReserveInput;
  personIndex?: number;
  held: boolean;
}

/**
 * What the school-place part does with a school reservation's answer (placed or waiting). A
 * promise only when counting the child's deadline needs the calendar (patch
 * school-placement-working-days); histories recorded before it took the answer synchronously.
 */
export type SchoolPlaceHook = (
  entry: CompensationEntry,
  result: Exclude<ReserveResult, { status: 'released' }>,
) => 'hold' | 'waiting' | Promise<'waiting'>;

export interface Saga {
  /** Commits what `d`'s approval commits (the department table's `commits`). */
  commitFor(d: Department): Promise<void>;
  /**
   * Reserves a pool slot (a quota slot, say); resolves once committed or refused, with `released`
   * when the reservation had been released meanwhile (an admission round gives back a removed
   * entry's slot itself). A refusal for want of capacity ends the case, unless `onExhausted` is
   * given: then that is called instead.
   */
  commit(ref: PoolRef, item: string, personIndex?: number, onExhausted?: () => void): Promise<'released' | undefined>;
  /** Settles once every commit asked for so far has run. */
  committed(): Promise<void>;
  /** Records a held reservation in the state and the audit trail. */
  hold(entry: CompensationEntry): void;
  /** Undoes every commit in reverse order and ends the case as `e` says. */
  finishUnsettled(e: Ending): Promise<SettlementCaseResult>;
  /** Releases one commit, round after round until it succeeds (an incident while it fails). */
  undo(entry: CompensationEntry): Promise<void>;
}

export function createSaga(run: CaseRun, onSchoolPlace: SchoolPlaceHook): Saga {
  const { input, state, area, now, audit, notify, flush, end, ended } = run;
  const entries: CompensationEntry[] = [];
  let commitChain: Promise<void> = Promise.resolve();
  const recoverRefused = createRefusedCommitRecovery(run);

  const hold = (entry: CompensationEntry): void => {
    const r = entry.reserve;
    entry.held = true;
    const held: Reservation = { kind: r.kind, pool: r.pool, item: r.item, status: 'held', heldAt: now() };
    if (entry.personIndex !== undefined) held.personIndex = entry.personIndex;
    state.reservations.push(held);
    audit({
      type: 'commit',
      actor: SYSTEM,
      department: ownerOf(r.kind),
      what: `${r.kind} reserved`,
      data: { pool: r.pool, item: r.item },
    });
  };

  const commit = (
    ref: PoolRef,
    item: string,
    personIndex?: number,
    onExhausted?: () => void,
  ): Promise<'released' | undefined> => {
    const reserve: ReserveInput = { caseId: input.caseId, kind: ref.kind, pool: poolKey(ref), item, ref };
    const runCommit = async (): Promise<'released' | undefined> => {
      if (ended()) return;
      const entry: CompensationEntry = { reserve, personIndex, held: false };
      entries.push(entry);
      let result: ReserveResult | undefined;
      // A bounded round since `commit-unavailable-incidents`: a register that stays down is an incident.
      const writer = patched('commit-unavailable-incidents') ? commits : records;
      const attempt = () => CancellationScope.nonCancellable(() => writer.reserve(reserve));
      try {
        try {
          result = await attempt();
        } catch (err) {
          if (isCapacityExhausted(err)) throw err;
          // A register refusing the write: an incident until retried or the case ends (commit-incidents.ts).
          result = await recoverRefused(
            err,
            { label: `${reserve.kind}:${reserve.item}`, department: ownerOf(reserve.kind), kind: reserve.kind },
            attempt,
            { answer: isCapacityExhausted, abandonWhen: ended },
          );
        }
      } catch (err) {
        if (!isCapacityExhausted(err)) throw err;
        const code: RejectionReason = reserve.kind === 'quota_slot' ? 'quota_exhausted' : 'capacity_exhausted';
        audit({
          type: 'commit',
          actor: SYSTEM,
          what: `${reserve.kind} refused: no capacity`,
          why: code,
          data: { pool: reserve.pool },
        });
        if (onExhausted) {
          onExhausted();
          return;
        }
        end({ status: 'rejected', by: 'system', role: 'system', reasons: [{ code, department: ownerOf(reserve.kind) }] });
        return;
      }
      // Given up: the case ended while its register would not take the write (undone with the rest).
      if (!result) return;
      // Released before this commit answered: by an admission round that removed the entry (the
      // case itself releases only after its commits), or seen by an attempt nobody waits for.
      if (result.status === 'released') return 'released';
      if (ref.kind === 'school_place') {
        const placed = onSchoolPlace(entry, result);
        if ((typeof placed === 'string' ? placed : await placed) === 'waiting') return;
      }
      hold(entry);
    };
    const p = commitChain.then(runCommit);
    commitChain = p.then(
      () => undefined,
      () => undefined,
    );
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

  /**
   * Releases one commit, retrying round after round; a failing round is surfaced as an incident
   * (error, rounds), never swallowed. A supervisor's retry_compensation ends the pause at once.
   * (`condition` with a timeout starts the same timer `sleep` did: recorded histories replay.)
   */
  const undo = (entry: CompensationEntry): Promise<void> => {
    const r = entry.reserve;
    return undoWith(r.kind, r.item, () => compensations.release({ caseId: r.caseId, kind: r.kind, pool: r.pool, item: r.item }));
  };

  /** The round loop of `undo`, for any compensation of a reservation kind's department. */
  const undoWith = async (kind: ReservationKind, item: string, call: () => Promise<unknown>): Promise<void> => {
    const label = `${kind}:${item}`;
    const department = ownerOf(kind);
    for (let round = 1; ; round++) {
      try {
        await call();
        break;
      } catch (err) {
        if (!state.failingCompensations.includes(label)) state.failingCompensations.push(label);
        const error = failureMessage(err);
        const failures = (state.compensationFailures ??= []);
        const incident = failures.find((f) => f.label === label);
        if (incident) Object.assign(incident, { error, rounds: round, lastAt: now() });
        else failures.push({ label, kind, department, error, rounds: round, since: now(), lastAt: now() });
        audit({
          type: 'compensation_failed',
          actor: SYSTEM,
          department,
          what: `release ${kind} failed`,
          why: error,
          data: { round },
        });
        if (round === 1) notify(notices.escalation(state, department, now(), 'department_system', `compensation:${label}`));
        await flush({ watch: true });
        // A supervisor's retry, sent during this round or the pause, starts the next round now.
        await condition(() => run.compensationRetryRequested.has(department), run.retryPause(round));
        run.compensationRetryRequested.delete(department);
      }
    }
    state.failingCompensations = state.failingCompensations.filter((l) => l !== label);
    if (state.compensationFailures) state.compensationFailures = state.compensationFailures.filter((f) => f.label !== label);
  };

  const finishUnsettled = async (e: Ending): Promise<SettlementCaseResult> => {
    await commitChain;
    const compensated: string[] = [];
    const released: Reservation[] = [];
    // Places an education officer assigned elsewhere while the case was open are the family's no
    // more: undone at the education register, as a reservation is (patch `undo-assigned-place`).
    // Since `release-assigned-in-order` (asked only when there is one, so that no other history
    // records it) each is given back in its turn among the reservations, newest first as the ledger
    // says, and the family's letter of what was released names it; before, all came last, unnamed.
    const assigned = (state.schoolPlacements ?? []).filter((p) => p.status === 'placed' && p.assignedBy);
    const inOrder = assigned.length > 0 && patched('release-assigned-in-order');
    const pending = inOrder ? [...assigned].sort((a, b) => (b.placedAt ?? '').localeCompare(a.placedAt ?? '')) : [];
    const undoAssigned = async (p: SchoolPlacement): Promise<void> => {
      const item = `assigned-child-${p.personIndex}`;
      await undoWith('school_place', item, () =>
        compensations.undoAssignedSchoolPlace({ caseId: input.caseId, personIndex: p.personIndex }),
      );
      compensated.push(`school_place:${item}`);
      audit({
        type: 'compensation',
        actor: SYSTEM,
        department: 'education',
        what: 'school_place released',
        data: { item, school: p.school },
      });
      if (inOrder)
        released.push({
          kind: 'school_place',
          pool: `assigned:${p.area}:${p.level}`,
          item,
          personIndex: p.personIndex,
          status: 'released',
          heldAt: p.placedAt ?? now(),
          releasedAt: now(),
        });
    };
    /** The assigned places taken after `since` (all of them when undefined), newest first. */
    const undoAssignedAfter = async (since: string | undefined): Promise<void> => {
      while (pending.length > 0 && (since === undefined || (pending[0]!.placedAt ?? '') > since))
        await undoAssigned(pending.shift()!);
    };
    for (const entry of [...entries].reverse()) {
      const r = entry.reserve;
      const holding = () => state.reservations.find((x) => x.pool === r.pool && x.item === r.item && x.status === 'held');
      // An attempt never held is the newest of all (it was under way when the case ended).
      const heldAt = entry.held ? holding()?.heldAt : undefined;
      // Awaited only when there is one: an await of nothing still lets the case's other coroutines
      // run first, and would reorder the commands of a history recorded without this patch.
      if (heldAt !== undefined && pending.length > 0) await undoAssignedAfter(heldAt);
      await undo(entry);
      if (!entry.held) continue;
      const res = holding();
      if (res) {
        res.status = 'released';
        res.releasedAt = now();
        released.push(res);
      }
      compensated.push(`${r.kind}:${r.item}`);
      audit({
        type: 'compensation',
        actor: SYSTEM,
        department: ownerOf(r.kind),
        what: `${r.kind} released`,
        data: { pool: r.pool, item: r.item },
      });
    }
    if (pending.length > 0) await undoAssignedAfter(undefined);
    if (!inOrder)
      for (const p of assigned) {
        if (!patched('undo-assigned-place')) continue;
        await undoAssigned(p);
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
    if (released.length > 0 && e.status !== 'settled')
      notify(notices.reservationsReleased(state, released, e.status, state.outcome.at));
    await flush();
    return { status: e.status, compensated };
  };

  return { commitFor, commit, committed: () => commitChain, hold, finishUnsettled, undo };
}
