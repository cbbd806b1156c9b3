/**
 * The case's messages: the status Query and the Updates (officer decisions, claims and releases,
 * supplements, withdrawal, termination, supervisor actions, school placements). Each Update's validator
 * refuses with a named refusal (the contract's `Refusal`) before anything changes, using the
 * same rules the API checks at its edge (domain/case-rules.ts); each request id has one effect,
 * however often it is delivered.
 */
import { ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import type { SchoolPlacement, StepDecision, StepState } from '../../domain/case-state';
import {
  actionProblemForStep,
  heldByOther,
  isOpenStep,
  SCHOOL_NAME_MAX,
  stepDecisionProblem,
  supplementAnswerProblem,
  WITHDRAWN_WITHOUT_REASON,
} from '../../domain/case-rules';
import { inScope, type OfficerScope } from '../../domain/officer-scope';
import type { Department, Role } from '../../domain/vocabulary';
import * as notices from './notices';
import {
  assignSchoolPlaceUpdate,
  caseStatusQuery,
  handledRequestQuery,
  claimStepUpdate,
  decideUpdate,
  provideSupplementUpdate,
  releaseStepUpdate,
  supervisorActionUpdate,
  terminateUpdate,
  withdrawUpdate,
  type AssignSchoolPlaceInput,
  type DecideInput,
  type ProvideSupplementInput,
  type Refusal,
  type StepHoldInput,
  type SupervisorActionInput,
  type TerminateInput,
  type WithdrawInput,
} from './messages';
import type { CaseRun } from './case-run';
import type { SchoolPlaces } from './school-places';

/** Refuses an Update: the caller gets `type` (the API maps it to an HTTP status) and `message`. */
/** Refuses an Update (validators only: a refusal leaves no history); `details` go to the caller. */
function refuse(type: Refusal, message: string, details?: Record<string, unknown>): never {
  throw ApplicationFailure.nonRetryable(message, type, ...(details ? [details] : []));
}

export function installHandlers(run: CaseRun, places: SchoolPlaces): void {
  const { input, state, now, step, audit, notify, flush, end, ended, decisionsIn, retryRequested } = run;
  const handled = new Map<string, unknown>();
  const snapshot = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  /** The answer to a request, kept so that the same request delivered again gets it unchanged. */
  const answered = <T>(requestId: string, v: T): T => {
    const result = snapshot(v);
    handled.set(requestId, result);
    return result;
  };
  const closedForChange = () => ended() || state.status === 'registering' || state.status === 'settled';
  /**
   * An officer outside the case's area learns nothing of it, not even a repeated request's answer:
   * refused before anything else, and the API answers it as a missing case.
   */
  const refuseOutOfScope = (o: { officerScope?: OfficerScope }): void => {
    if (o.officerScope && !inScope(o.officerScope, run.area || undefined)) refuse('NotInScope', 'No such case');
  };

  setHandler(caseStatusQuery, () => state);
  // A query adds nothing to the history: no patch (docs/replay-histories.md).
  setHandler(handledRequestQuery, (requestId) =>
    handled.get(requestId) !== undefined ? { answered: true, answer: handled.get(requestId) } : { answered: false },
  );

  setHandler(
    decideUpdate,
    async (d) => {
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
        refuseOutOfScope(d);
        if (handled.has(d.requestId)) return;
        const s = state.steps[d.department];
        if (!s) refuse('StepNotFound', `this case has no ${d.department} step`);
        if (d.officerDepartment !== d.department)
          refuse('WrongDepartment', `a ${d.officerDepartment} officer cannot decide the ${d.department} step`);
        if (ended() || s.status !== 'awaiting_decision')
          refuse('StepNotAwaitingDecision', `the ${d.department} step is ${s.status}, not awaiting a decision`);
        const holder = heldByOther(s, d.officerId);
        if (holder)
          refuse(
            'StepHeldByOther',
            `the ${d.department} step is held by ${holder}: only they decide it, until they release it or a supervisor reassigns it`,
            { holder },
          );
        // What reaches the applicant's notice must fit its template, or it could never be written.
        // A validator only (not re-run on replay), so a rule added here needs no patch (docs/replay-histories.md).
        const problem = stepDecisionProblem(d, input.application.route, d.department, s, {
          collectiveHousehold: state.collectiveHousehold,
        });
        if (problem) refuse(problem.kind === 'round_used' ? 'SupplementRoundUsed' : 'InvalidDecision', problem.message);
      },
    },
  );

  // Claim and release (issue 10). Their request ids are kept apart from the other Updates', so a
  // client reusing one key for a claim and then a decision gets two requests, not one replayed.
  const holdRefusal = (h: StepHoldInput, kind: 'claim' | 'release'): void => {
    const s = state.steps[h.department];
    if (!s) refuse('StepNotFound', `this case has no ${h.department} step`);
    if (h.officerDepartment !== h.department)
      refuse('WrongDepartment', `a ${h.officerDepartment} officer cannot ${kind} the ${h.department} step`);
    if (ended()) refuse('CaseNotOpen', 'the case has ended');
    if (!isOpenStep(s))
      refuse('StepNotAwaitingDecision', `the ${h.department} step is ${s.status}: it no longer needs its department`);
    if (kind === 'claim') {
      const holder = heldByOther(s, h.officerId);
      if (holder) refuse('StepHeldByOther', `the ${h.department} step is held by ${holder}`, { holder });
    } else if (!s.assignedOfficer) {
      refuse('StepNotHeld', `nobody holds the ${h.department} step`);
    } else if (s.assignedOfficer !== h.officerId) {
      refuse('StepHeldByOther', `the ${h.department} step is held by ${s.assignedOfficer}, not by you`, {
        holder: s.assignedOfficer,
      });
    }
  };

  setHandler(
    claimStepUpdate,
    async (h) => {
      const key = `claim:${h.requestId}`;
      if (handled.has(key)) return handled.get(key) as StepState;
      const s = step(h.department);
      // Claiming a step you already hold changes nothing and is not audited again.
      if (s.assignedOfficer === h.officerId) return answered(key, s);
      s.assignedOfficer = h.officerId;
      s.assignedAt = now();
      audit({
        type: 'step_claimed',
        actor: { id: h.officerId, role: 'officer', department: h.officerDepartment },
        department: h.department,
        what: 'claimed',
        why: h.note,
      });
      // Taken synchronously: a repeat of this request meanwhile gets it, a rival claim is refused.
      handled.set(key, snapshot(s));
      await flush();
      return answered(key, s);
    },
    {
      validator: (h: StepHoldInput) => {
        refuseOutOfScope(h);
        if (!handled.has(`claim:${h.requestId}`)) holdRefusal(h, 'claim');
      },
    },
  );

  setHandler(
    releaseStepUpdate,
    async (h) => {
      const key = `release:${h.requestId}`;
      if (handled.has(key)) return handled.get(key) as StepState;
      const s = step(h.department);
      delete s.assignedOfficer;
      delete s.assignedAt;
      audit({
        type: 'step_released',
        actor: { id: h.officerId, role: 'officer', department: h.officerDepartment },
        department: h.department,
        what: 'released',
        why: h.note,
      });
      handled.set(key, snapshot(s));
      await flush();
      return answered(key, s);
    },
    {
      validator: (h: StepHoldInput) => {
        refuseOutOfScope(h);
        if (!handled.has(`release:${h.requestId}`)) holdRefusal(h, 'release');
      },
    },
  );

  setHandler(
    provideSupplementUpdate,
    async (p) => {
      if (handled.has(p.requestId)) return handled.get(p.requestId) as StepState;
      const s = step(p.department);
      s.supplement!.providedAt = now();
      s.supplement!.provided = p.items.map((i) => ({ name: i.name, reference: i.reference }));
      const counter = p.receivedAtCounter;
      // Only a new kind of input takes the counter branch: no earlier history holds one, so the
      // applicant's path below replays unchanged (docs/replay-histories.md).
      audit(
        counter
          ? {
              type: 'supplement_provided',
              actor: { id: counter.officerId, role: 'officer', department: counter.officerDepartment },
              department: p.department,
              what: `${p.items.length} item(s) received at the counter`,
              data: { items: p.items.map((i) => i.name), counter: true },
            }
          : {
              type: 'supplement_provided',
              actor: { id: p.applicantUserId ?? '', role: 'applicant' },
              department: p.department,
              what: `${p.items.length} item(s) provided`,
              data: { items: p.items.map((i) => i.name) },
            },
      );
      return answered(p.requestId, s);
    },
    {
      validator: (p: ProvideSupplementInput) => {
        // Scope first, as for decisions: an officer outside the area learns nothing, not even a
        // repeated request's answer.
        const counter = p.receivedAtCounter;
        if (counter) refuseOutOfScope(counter);
        if (handled.has(p.requestId)) return;
        if (counter) {
          if (counter.officerDepartment !== p.department)
            refuse('WrongDepartment', `a ${counter.officerDepartment} officer cannot receive material for ${p.department}`);
        } else if (p.applicantUserId !== input.applicantUserId) refuse('NotApplicant', 'not the applicant of this case');
        const s = state.steps[p.department];
        if (ended() || !s || s.status !== 'supplement_requested' || s.supplement?.providedAt)
          refuse('NoSupplementAwaited', `no supplement is awaited for ${p.department}`);
        if (p.items.length === 0) refuse('InvalidSupplement', 'provide at least one item');
        // Only an accepted answer enters the history, so a stricter validator replays unchanged.
        const mismatch = supplementAnswerProblem(
          s.supplement?.missing ?? [],
          p.items.map((i) => i.name),
        );
        if (mismatch) refuse('InvalidSupplement', `answer each item asked for, once: ${mismatch}`);
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
          note: w.note ?? WITHDRAWN_WITHOUT_REASON,
        });
        handled.set(w.requestId, { status: 'withdrawn' });
      }
      return { status: 'withdrawn' as const };
    },
    {
      validator: (w: WithdrawInput) => {
        if (handled.has(w.requestId)) return;
        if (w.applicantUserId !== input.applicantUserId) refuse('NotApplicant', 'not the applicant of this case');
        if (closedForChange()) refuse('CaseNotOpen', `a ${state.status} case cannot be withdrawn`);
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
      validator: (t: TerminateInput) => {
        if (handled.has(t.requestId)) return;
        if (closedForChange()) refuse('CaseNotOpen', `a ${state.status} case cannot be terminated`);
      },
    },
  );

  setHandler(
    supervisorActionUpdate,
    async (a) => {
      if (handled.has(a.requestId)) return handled.get(a.requestId) as StepState;
      const s = step(a.department);
      const actor = { id: a.supervisorId, role: 'supervisor' as Role };
      switch (a.action) {
        case 'extend_deadline': {
          const target = s.status === 'supplement_requested' ? s.supplement! : s;
          let due: string;
          if (a.extendByWorkingDays !== undefined) {
            // Issue 13: counted on the calendar from the current due day, due at the office close.
            const extended = await run.workingDue(a.extendByWorkingDays, target.dueAt!);
            due = extended.dueAt;
            if (extended.provisional) target.dueProvisional = true;
            else delete target.dueProvisional;
          } else {
            due = new Date(Date.parse(target.dueAt!) + a.extendByMs!).toISOString();
          }
          target.dueAt = due;
          // The applicant is told the new deadline now, and reminded again before it. The notice
          // rides in the transition this action stores anyway: only that activity's input changes.
          if (s.supplement && target === s.supplement) {
            delete s.supplement.remindedAt;
            notify(
              notices.supplementReminder(
                state,
                a.department,
                s.supplement.missing,
                due,
                s.supplementRounds ?? 1,
                s.supplement.dueProvisional,
                true,
              ),
            );
          }
          if (Date.parse(due) > Date.now()) {
            s.overdue = false;
            delete s.escalatedAt;
            // The officer is reminded again before the new deadline, as before the first one
            // (at the SLA's fraction of the wait, counted from when it began).
            if (target === s && patched('extension-reminds-again')) delete s.remindedAt;
          }
          break;
        }
        case 'reassign':
          // Overrides any officer's claim: the new holder alone decides the step from now on.
          s.assignedOfficer = a.officerId!;
          s.assignedAt = now();
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
              // Said as the supervisor's escalation with their reason; before, the letter called
              // the case overdue from the moment of escalating (docs/replay-histories.md).
              patched('manual-escalation-notice') ? { reason: a.note ?? '' } : undefined,
            ),
          );
          break;
        case 'retry_check':
          retryRequested.add(a.department);
          break;
        case 'retry_compensation':
          run.compensationRetryRequested.add(a.department);
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
        data: { extendByMs: a.extendByMs, extendByWorkingDays: a.extendByWorkingDays, officerId: a.officerId },
      });
      await flush();
      return answered(a.requestId, s);
    },
    {
      validator: (a: SupervisorActionInput) => {
        if (handled.has(a.requestId)) return;
        const s = state.steps[a.department];
        if (!s) refuse('StepNotFound', `this case has no ${a.department} step`);
        if (a.action === 'retry_compensation') {
          // Compensations run after the case has ended: that is when they can fail. A commit the
          // department's register refuses (commit-incidents.ts) is retried by the same action.
          const failing = (f: { department: Department }) => f.department === a.department;
          if (!state.compensationFailures?.some(failing) && !state.commitFailures?.some(failing))
            refuse('InvalidAction', `no compensation or commit of the ${a.department} department is failing`);
          return;
        }
        if (ended()) refuse('CaseNotOpen', 'the case has ended');
        if (a.extendByWorkingDays !== undefined && !run.workingDays)
          refuse('InvalidAction', 'this case counts its deadlines in elapsed time: extend it by extendByMs');
        const problem = actionProblemForStep(a, a.department, s);
        if (problem) refuse('InvalidAction', problem);
        // A validator only: refused Updates leave no history, so this needs no patch.
        if (a.action === 'reassign' && a.officerScope && !inScope(a.officerScope, run.area || undefined))
          refuse('InvalidAction', `the officer does not act for this case's area (${run.area})`);
      },
    },
  );

  setHandler(
    assignSchoolPlaceUpdate,
    async (a) => {
      if (handled.has(a.requestId)) return handled.get(a.requestId) as SchoolPlacement;
      const placing = places.assign(a);
      // The placement changed synchronously: a repeat of this request meanwhile gets it.
      handled.set(a.requestId, snapshot(places.waitingChild(a.personIndex)!.placement));
      return answered(a.requestId, await placing);
    },
    {
      validator: (a: AssignSchoolPlaceInput) => {
        if (handled.has(a.requestId)) return;
        if (a.officerDepartment !== 'education') refuse('WrongDepartment', 'only an education officer assigns a school place');
        // A case ending without settling gives its places back: a child still listed as waiting
        // while that runs is no longer to be placed (a settled family's child is: ended() is false).
        if (ended()) refuse('CaseNotOpen', 'the case has ended');
        if (places.waitingChild(a.personIndex)?.placement.status !== 'waiting')
          refuse('NoPlacementAwaited', `child ${a.personIndex} is not waiting for a place`);
        if (!a.school.trim() || a.school.length > SCHOOL_NAME_MAX)
          refuse('InvalidAction', `the school name must be 1–${SCHOOL_NAME_MAX} characters`);
      },
    },
  );
}
