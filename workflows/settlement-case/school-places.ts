/**
 * Accompanying children's places (§21–23), arranged by the inflow area's education department
 * (以流入地为主). A full level never refuses the family: the child joins the area's waiting
 * list with its own deadline, reminder and escalation, the family settles, and the child is
 * placed when a place frees or when an education officer places it at a named school elsewhere
 * in the area.
 *
 * A place given back in the pool wakes the head of its waiting list (`schoolPlaceFreed`, patch
 * `waitlist-wake`); besides that the case asks again after waitlistRecheckMs, and since the patch
 * `waitlist-backoff` at intervals that double up to WAITLIST_BACKOFF_FACTOR of it (a raised
 * capacity file tells nobody, and positions move). Asking every hour for a school year came near
 * Temporal's history limit.
 */
import { CancellationScope, condition, isCancellation, patched, setHandler } from '@temporalio/workflow';
import type { SchoolPlacement } from '../../domain/case-state';
import { schoolPlaceFreedSignal, type AssignSchoolPlaceInput } from './messages';
import * as notices from './notices';
import { compensations, records, SYSTEM } from './activity-proxies';
import type { CaseRun } from './case-run';
import type { CompensationEntry, Saga, SchoolPlaceHook } from './saga';

interface Waiting {
  entry: CompensationEntry;
  placement: SchoolPlacement;
  /** A place of its pool was given back since it last asked: ask now. */
  freed?: boolean;
  /** Its waiting loop, when it started as the child joined the list (patch waitlist-before-settlement). */
  run?: Promise<void>;
}

/** The longest pause between two rechecks of a waiting child, in waitlistRecheckMs (patch waitlist-backoff). */
export const WAITLIST_BACKOFF_FACTOR = 24;

export interface SchoolPlaces {
  /** What the saga does with a school reservation's answer: hold it, or put the child on the list. */
  onReserved: SchoolPlaceHook;
  /** The child waiting at `personIndex`, if any. */
  waitingChild(personIndex: number): Waiting | undefined;
  /** An education officer places a waiting child elsewhere in the area (validated by the handler). */
  assign(a: AssignSchoolPlaceInput): Promise<SchoolPlacement>;
  /** After settlement: waits until every waiting child is placed (or the case is cancelled). */
  awaitAll(saga: Saga): Promise<void>;
  /** The case's saga, which a waiting loop started before settlement holds a place through. */
  bind(saga: Saga): void;
}

export function createSchoolPlaces(run: CaseRun): SchoolPlaces {
  const { input, state, area, now, audit, notify, flush } = run;
  const waiting: Waiting[] = [];
  let saga: Saga | undefined;
  setHandler(schoolPlaceFreedSignal, ({ pool }) => {
    for (const w of waiting) if (w.entry.reserve.pool === pool && w.placement.status === 'waiting') w.freed = true;
  });

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

  const onReserved: SchoolPlaceHook = (entry, result) => {
    const ref = entry.reserve.ref;
    const level = ref.kind === 'school_place' ? ref.level : 'primary';
    if (result.status === 'held') {
      newPlacement(entry.personIndex!, level).placedAt = now();
      return 'hold';
    }
    const since = now();
    const waitingFrom = (dueAt: string) =>
      Object.assign(newPlacement(entry.personIndex!, level), {
        status: 'waiting' as const,
        waitingSince: since,
        position: result.position,
        dueAt,
      });
    // On the working-day clock the deadline is counted on the calendar like an officer's, due at
    // the office close; cases started before it (or on elapsed time) count schoolPlacementMs.
    // The count may fetch the calendar: the child appears, waiting, only once it has its deadline
    // (nothing reads a waiting child without one, and the handlers find it listed).
    const days = run.workingDays?.schoolPlacement;
    if (days !== undefined && patched('school-placement-working-days')) {
      return run.workingDue(days, since).then(({ dueAt, provisional }) => {
        const p = waitingFrom(dueAt);
        if (provisional) p.dueProvisional = true;
        return listed(entry, p, level, result.position);
      });
    }
    return listed(entry, waitingFrom(new Date(Date.now() + input.sla.schoolPlacementMs).toISOString()), level, result.position);
  };

  /** The child joins the case's waiting children, and the trail says so with its deadline. */
  const listed = (
    entry: CompensationEntry,
    p: SchoolPlacement,
    level: SchoolPlacement['level'],
    position: number | undefined,
  ) => {
    const w: Waiting = { entry, placement: p };
    waiting.push(w);
    audit({
      type: 'school_place_waiting',
      actor: SYSTEM,
      department: 'education',
      what: `child ${entry.personIndex} waits for a ${level} place`,
      data: { pool: entry.reserve.pool, position, dueAt: p.dueAt, ...(p.dueProvisional ? { dueProvisional: true } : {}) },
    });
    // Since `waitlist-notice` the family is told that day, with the deadline (written with the
    // step's commits): before, a points case's parent learnt it from the case page, or weeks later
    // from the settled letter. Not for a case that ended while the pool was asked: its ending
    // letter follows, and no later notice would say the child left the list.
    if (patched('waitlist-notice') && !run.ended()) notify(notices.schoolPlaceWaiting(state, p));
    // Since `waitlist-before-settlement` the child waits for its place from now, not from the
    // family's settlement: a case at the head of the list that had not settled (a points case waits
    // weeks for its round) left a freed place empty and every child behind it waiting, and its own
    // deadline ran out with no reminder. The loop runs in the review's scope: a case that ends
    // unsettled cancels it and gives the entry back itself; awaitAll takes it over at settlement.
    if (saga && patched('waitlist-before-settlement')) {
      w.run = awaitPlace(saga, w);
      w.run.catch(() => undefined); // observed by awaitAll; before that, an ending's cancellation
    }
    return 'waiting' as const;
  };

  const release = (entry: CompensationEntry, via = records) => {
    const r = entry.reserve;
    return via.release({ caseId: r.caseId, kind: r.kind, pool: r.pool, item: r.item });
  };

  const assign = async (a: AssignSchoolPlaceInput): Promise<SchoolPlacement> => {
    const w = waiting.find((x) => x.placement.personIndex === a.personIndex)!;
    const p = w.placement;
    // Taken synchronously, so the waiting loop stops asking the pool for this child.
    p.status = 'placed';
    p.school = a.school;
    p.assignedBy = a.officerId;
    p.placedAt = now();
    delete p.position;
    p.overdue = false;
    await release(w.entry);
    // Issue 14: the place is written to the education register too, like a planned place.
    const written = patched('assigned-school-register')
      ? await records.registerAssignedSchoolPlace({
          caseId: state.caseId,
          personIndex: a.personIndex,
          area: p.area,
          level: p.level,
          school: a.school,
        })
      : undefined;
    audit({
      type: 'school_place_confirmed',
      actor: { id: a.officerId, role: 'officer', department: 'education' },
      department: 'education',
      what: `child ${a.personIndex} placed at a school elsewhere in the area`,
      why: a.note,
      data: { school: a.school, ...(written ? { departmentRecordId: written.recordId } : {}) },
    });
    // Ended while the place was being written (the family withdrew): the place is undone with the
    // rest (undo-assigned-place), so no letter confirms it. Placed before the family settled: the
    // settled letter names the place (a letter now would say "enrol" for a case that may yet fail).
    if (!run.ended() && state.status === 'settled') notify(notices.schoolPlaceConfirmed(state, p));
    await flush();
    return p;
  };

  /**
   * Asks the pool again every waitlistRecheckMs (a place freed, or the capacity was raised),
   * reminds the education department at the SLA's reminder fraction and escalates to
   * supervisors at its deadline.
   */
  const awaitPlace = async (saga: Saga, w: Waiting): Promise<void> => {
    const { entry, placement: p } = w;
    // A worker of the code before this patch ignores the signal: a history it wrote must replay
    // without the recheck the signal now starts, so the reaction is patched, not the handler.
    const wakes = patched('waitlist-wake');
    const woken = () => wakes && w.freed === true;
    const recheck = input.sla.waitlistRecheckMs;
    let pause = recheck;
    let nextTry = Date.now() + recheck;
    while (p.status === 'waiting') {
      const t = Date.now();
      if (t >= nextTry || woken()) {
        w.freed = false;
        // Each recheck that finds no place waits twice as long for the next, up to the cap.
        if (patched('waitlist-backoff')) pause = Math.min(pause * 2, recheck * WAITLIST_BACKOFF_FACTOR);
        nextTry = t + pause;
        // Not cut short by a cancellation: the release that follows one must come after this
        // attempt, or a late reserve would take a place or list the child again for a case that
        // released them (patch recheck-completes).
        const completes = patched('recheck-completes');
        const result = completes
          ? await CancellationScope.nonCancellable(() => records.reserve(entry.reserve))
          : await records.reserve(entry.reserve);
        // An officer placed the child elsewhere while the pool was being asked, and the release
        // that followed found this attempt's slot or listing too: given back already.
        if (result.status === 'released') return;
        if (result.status === 'held') {
          // An officer placed the child while the pool was being asked: give the slot back.
          if (p.status !== 'waiting')
            return void (await (completes ? CancellationScope.nonCancellable(() => release(entry)) : release(entry)));
          p.status = 'placed';
          p.placedAt = now();
          p.overdue = false;
          delete p.position;
          saga.hold(entry);
          audit({
            type: 'school_place_confirmed',
            actor: SYSTEM,
            department: 'education',
            what: `child ${p.personIndex} placed from the waiting list`,
            data: { pool: entry.reserve.pool },
          });
          // Before the family settled, its settled letter names the place (as for an officer's).
          if (state.status === 'settled') notify(notices.schoolPlaceConfirmed(state, p));
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
      let remindAt = since + input.sla.reminderFraction * (due - since);
      if (!p.remindedAt && run.remindersInOfficeHours()) remindAt = await run.inOfficeHours(remindAt, due);
      if (!p.remindedAt && t >= remindAt) {
        p.remindedAt = now();
        notify(notices.officerReminder(state, 'education', p.dueAt!, `place-${p.personIndex}`, p.dueProvisional));
        audit({
          type: 'reminder',
          actor: SYSTEM,
          department: 'education',
          what: `education reminded: child ${p.personIndex} waits for a place`,
          data: { dueAt: p.dueAt },
        });
        await flush({ watch: true });
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
        await flush({ watch: true });
        continue;
      }
      const wakeAt = Math.min(nextTry, p.remindedAt ? Infinity : remindAt, p.overdue ? Infinity : due);
      await condition(() => p.status !== 'waiting' || woken(), Math.max(1, wakeAt - t));
    }
  };

  const awaitAll = async (saga: Saga): Promise<void> => {
    const runs = waiting.map((w) => w.run ?? awaitPlace(saga, w));
    try {
      await Promise.all(runs);
    } catch (err) {
      if (!isCancellation(err)) throw err;
      // Cancelled by an operator: the children leave the waiting list, and the record says so.
      await CancellationScope.nonCancellable(async () => {
        // Another child's recheck may still be asking the pool (it runs to its end): its answer
        // first, then the release (patch recheck-completes).
        if (patched('recheck-completes')) await Promise.allSettled(runs);
        // Since the patch `cancel-release-rounds` with the compensations' round loop: a pool or
        // register down now is an incident retried until it answers, not a failed workflow.
        const rounds = patched('cancel-release-rounds');
        for (const w of waiting.filter((x) => x.placement.status === 'waiting')) {
          await (rounds ? saga.undo(w.entry) : release(w.entry, compensations));
          w.placement.status = 'cancelled';
          w.placement.overdue = false;
        }
        await flush();
      });
    }
  };

  return {
    onReserved,
    waitingChild: (i) => waiting.find((w) => w.placement.personIndex === i),
    assign,
    awaitAll,
    bind: (s) => {
      saga = s;
    },
  };
}
