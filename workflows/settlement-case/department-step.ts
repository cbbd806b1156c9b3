/**
 * One department's step (DOMAIN.md "Departments and what each checks"): the automated lookup
 * through the department's system (rounds of retries, escalated when it keeps failing), then
 * the officer's decision with its SLA (reminder, escalation), supplement requests with the
 * applicant's deadline, and — on approval — the department's commits. The points score (§2) is
 * here too: HR decides on it.
 */
import { condition, isCancellation } from '@temporalio/workflow';
import type { CheckRecord, StepDecision } from '../../domain/case-state';
import { needsCollectiveHousehold, pointsInputsFrom } from '../../domain/check-findings';
import { scorePoints, type PointsPolicy } from '../../domain/points-policy';
import type { Department } from '../../domain/vocabulary';
import * as notices from './notices';
import { failureMessage, lookups, SYSTEM } from './activity-proxies';
import type { CaseRun } from './case-run';
import type { Saga } from './saga';
import { supplementWorkingDays } from './messages';

export interface DepartmentSteps {
  /** Runs `d`'s step to its end: approved (and committed), or the case ended. */
  runStep(d: Department): Promise<void>;
  /** Scores the points case once every lookup is in; a pass takes a quota slot (§2). */
  runScore(policy: PointsPolicy): Promise<void>;
}

/**
 * `admissionRounds`: a passing points case waits for its round (admission.ts) instead of taking
 * its quota slot as soon as it is scored (cases from before the patch `admission-rounds`).
 */
export function createDepartmentSteps(run: CaseRun, saga: Saga, admissionRounds = false): DepartmentSteps {
  const {
    input,
    state,
    departments,
    now,
    step,
    audit,
    notify,
    flush,
    end,
    ended,
    decisionsIn,
    retryRequested,
    retryPause,
    workingDays,
  } = run;

  const runLookup = async (d: Department): Promise<CheckRecord | undefined> => {
    const s = step(d);
    s.status = 'checking';
    for (;;) {
      try {
        return await lookups.runDepartmentCheck({
          caseId: input.caseId,
          department: d,
          application: input.application,
          ...(run.residenceArea ? { residenceArea: run.residenceArea } : {}),
        });
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
        await flush({ watch: true });
        await condition(() => retryRequested.has(d) || ended(), retryPause(s.checkFailures));
        if (ended()) return undefined;
        s.status = 'checking';
      }
    }
  };

  /** Waits for a decision on `s` with the SLA's reminder (80 %) and escalation (100 %). */
  const awaitDecision = async (d: Department, round: number): Promise<StepDecision | undefined> => {
    const s = step(d);
    let since: string | undefined;
    if (workingDays) {
      since = now();
      // After a supplement the officer gets back the working days left when the clock stopped
      // (at least one: the material arrived, someone must look at it).
      const days = s.workingDaysLeft !== undefined ? Math.max(1, s.workingDaysLeft) : workingDays.officerDecision[d];
      const due = await run.workingDue(days, since);
      s.dueAt = due.dueAt;
      s.dueProvisional = due.provisional;
      delete s.workingDaysLeft;
    } else {
      s.dueAt = new Date(Date.now() + input.sla.officerDecisionMs[d]).toISOString();
    }
    s.status = 'awaiting_decision';
    s.waitingSince = since ?? now();
    delete s.remindedAt;
    delete s.escalatedAt;
    s.overdue = false;
    await flush();
    while (!decisionsIn.has(d) && !ended()) {
      const since = Date.parse(s.waitingSince);
      const due = Date.parse(s.dueAt);
      let remindAt = since + input.sla.reminderFraction * (due - since);
      if (!s.remindedAt && run.remindersInOfficeHours()) remindAt = await run.inOfficeHours(remindAt, due);
      const t = Date.now();
      if (!s.remindedAt && t >= remindAt) {
        s.remindedAt = now();
        // Keyed by the deadline too: a reminder before an extended deadline is a notice of its own.
        notify(notices.officerReminder(state, d, s.dueAt, `${round}:${s.dueAt}`, s.dueProvisional));
        audit({ type: 'reminder', actor: SYSTEM, department: d, what: `${d} officer reminded`, data: { dueAt: s.dueAt } });
        await flush({ watch: true });
        continue;
      }
      // `overdue` marks the deadline's own escalation: a supervisor's manual escalation
      // (escalatedAt) before the deadline must not suppress it.
      if (!s.overdue && t >= due) {
        s.escalatedAt = now();
        s.overdue = true;
        notify(notices.escalation(state, d, s.dueAt, 'officer_decision', `decision:${round}:${s.dueAt}`));
        audit({ type: 'escalation', actor: SYSTEM, department: d, what: `${d} decision overdue`, data: { dueAt: s.dueAt } });
        await flush({ watch: true });
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
      let remindAt = since + input.sla.reminderFraction * (due - since);
      if (!sup.remindedAt && run.remindersInOfficeHours()) remindAt = await run.inOfficeHours(remindAt, due);
      if (!sup.remindedAt && t >= remindAt) {
        sup.remindedAt = now();
        notify(notices.supplementReminder(state, d, sup.missing, sup.dueAt, round, sup.dueProvisional));
        audit({
          type: 'reminder',
          actor: SYSTEM,
          department: d,
          what: 'applicant reminded of the supplement deadline',
          data: { dueAt: sup.dueAt },
        });
        await flush({ watch: true });
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
    if (d === 'housing') state.collectiveHousehold = needsCollectiveHousehold(check, run.residenceArea);
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
      // A score that reaches the line but is disqualified (a bad credit record under a policy
      // that bars it) is refused for that, not for too few points: the letter states its ground.
      // Only the recommendation (state, an activity's input) says so: recorded histories replay.
      s.recommendation = score.passed
        ? { decision: 'approve', note: `score ${score.total} ≥ threshold ${score.threshold}` }
        : score.total < score.threshold
          ? {
              decision: 'reject',
              reasonCode: 'insufficient_points',
              note: `score ${score.total} is below the threshold ${score.threshold}`,
            }
          : score.disqualifiedBy === 'credit'
            ? {
                decision: 'reject',
                reasonCode: 'credit_disqualified',
                note: `score ${score.total} reaches the threshold ${score.threshold}, but a bad credit record disqualifies it under ${score.policyVersion}`,
              }
            : {
                decision: 'reject',
                reasonCode: 'insufficient_points',
                note: `score ${score.total} does not qualify under ${score.policyVersion}`,
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
        const requestedAt = now();
        let dueAt: string;
        let dueProvisional: boolean | undefined;
        if (workingDays) {
          // The officer's clock stops while the case waits on the applicant (issue 13).
          s.workingDaysLeft = await run.workingDaysLeft(s.dueAt!);
          const due = await run.workingDue(supplementWorkingDays(workingDays, d), requestedAt);
          ({ dueAt, provisional: dueProvisional } = due);
        } else {
          dueAt = new Date(Date.now() + input.sla.supplementResponseMs).toISOString();
        }
        if (s.supplement) (s.pastSupplements ??= []).push(s.supplement);
        s.supplementRounds = (s.supplementRounds ?? 0) + 1;
        s.supplement = {
          requestedAt,
          dueAt,
          missing: decision.missing ?? [],
          ...(dueProvisional ? { dueProvisional } : {}),
        };
        state.status = 'supplement_requested';
        notify(notices.supplementRequested(state, d, s.supplement.missing, dueAt, round, dueProvisional));
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
    await saga.commitFor(d);
    await flush();
  };

  // ---- points score (§2) ---------------------------------------------------------------------
  const runScore = async (policy: PointsPolicy): Promise<void> => {
    await condition(() => ended() || departments.every((d) => step(d).check !== undefined));
    if (ended()) return;
    const score = scorePoints(
      policy,
      pointsInputsFrom(Object.fromEntries(departments.map((d) => [d, step(d).check!])), run.residenceArea),
    );
    state.score = score;
    audit({
      type: 'score_computed',
      actor: SYSTEM,
      what: `score ${score.total}/${score.threshold}`,
      data: { policyVersion: score.policyVersion, passed: score.passed },
    });
    // Below the threshold, HR's officer refuses on the recommendation (runStep); no slot is taken.
    if (!score.passed || admissionRounds) return;
    await saga.commit({ kind: 'quota_slot', district: input.application.district! }, 'household');
    await flush();
  };
  return { runStep, runScore };
}
