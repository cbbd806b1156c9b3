/**
 * A commit the department's register refuses outright, or does not take for a whole round of
 * retries. A refusal is one that retrying cannot change (a 4xx: `RegisterWriteRejected`,
 * activities/adapters/registers.client.ts). Before the patch `commit-incidents` such a refusal
 * failed the whole workflow: no compensation ran, what the case held stayed held, no letter went
 * out, and its open-case lock kept the family from applying again. Now it is an incident, like a
 * failing compensation: surfaced to supervisors (escalated once), audited per round, retried
 * after a pause that doubles, or at once on a supervisor's `retry_compensation` for that
 * department; and given up when the case ends meanwhile (its commits are then undone as usual).
 *
 * Since the patch `commit-unavailable-incidents` commits run on the `commits` proxy, whose
 * retries are bounded: a register that is down (5xx, timeouts) for a whole round comes here too,
 * instead of being retried silently for ever. It is escalated only once it persists (the SLA's
 * `checkFailuresBeforeEscalation` rounds, as a failing lookup), since an outage usually ends by
 * itself; a refusal is escalated at once, since someone has to fix its cause.
 */
import { ActivityFailure, ApplicationFailure, condition, isCancellation, patched } from '@temporalio/workflow';
import type { CommitFailureCause } from '../../domain/case-state';
import type { ReservationKind } from '../../domain/codes';
import type { Department } from '../../domain/vocabulary';
import * as notices from './notices';
import { failureMessage, SYSTEM } from './activity-proxies';
import type { CaseRun } from './case-run';

export interface CommitAttempt {
  /** `<reservation kind>:<item>`, or what the write registers. */
  label: string;
  department: Department;
  kind?: ReservationKind;
}

export interface CommitOptions {
  /** Failures that are an answer, not an incident (no capacity left): thrown to the caller. */
  answer?: (err: unknown) => boolean;
  /** Stop retrying once this holds (the case ended): resolves `undefined`. */
  abandonWhen?: () => boolean;
}

/** Whether the register answered that it will not take the write, rather than not answering. */
function causeOf(err: unknown): CommitFailureCause {
  const inner = err instanceof ActivityFailure ? err.cause : err;
  return inner instanceof ApplicationFailure && inner.nonRetryable ? 'refused' : 'unavailable';
}

/**
 * Takes over after a commit's first attempt failed with `first`: rethrows a cancellation, an
 * answer (or anything, in a history recorded before the patch), else waits and retries `call`
 * until it succeeds.
 * Only the failure path comes here — the caller awaits its first attempt itself — so a commit
 * that succeeds runs exactly the awaits it ran before the patch and recorded histories replay.
 */
export type RefusedCommitRecovery = <T>(
  first: unknown,
  attempt: CommitAttempt,
  call: () => Promise<T>,
  opts?: CommitOptions,
) => Promise<T | undefined>;

export function createRefusedCommitRecovery(run: CaseRun): RefusedCommitRecovery {
  const { input, state, audit, notify, flush, now } = run;
  const clear = (label: string) => {
    if (state.commitFailures) state.commitFailures = state.commitFailures.filter((f) => f.label !== label);
  };
  return async (first, attempt, call, opts = {}) => {
    const { label, department } = attempt;
    let err = first;
    let escalated = false;
    for (let round = 1; ; round++) {
      // Histories recorded before the patch failed the workflow here: they still do on replay.
      if (isCancellation(err) || opts.answer?.(err) || !patched('commit-incidents')) throw err;
      const error = failureMessage(err);
      const cause = causeOf(err);
      const failures = (state.commitFailures ??= []);
      const incident = failures.find((f) => f.label === label);
      if (incident) Object.assign(incident, { cause, error, rounds: round, lastAt: now() });
      else
        failures.push({
          label,
          department,
          ...(attempt.kind ? { kind: attempt.kind } : {}),
          cause,
          error,
          rounds: round,
          since: now(),
          lastAt: now(),
        });
      audit({ type: 'commit_failed', actor: SYSTEM, department, what: `${label} ${cause}`, why: error, data: { round } });
      if (!escalated && (cause === 'refused' || round >= input.sla.checkFailuresBeforeEscalation)) {
        escalated = true;
        notify(notices.escalation(state, department, now(), 'department_system', `commit:${label}`));
      }
      await flush({ watch: true });
      const abandon = () => opts.abandonWhen?.() === true;
      await condition(() => run.compensationRetryRequested.has(department) || abandon(), run.retryPause(round));
      run.compensationRetryRequested.delete(department);
      if (abandon()) {
        clear(label);
        return undefined;
      }
      try {
        const result = await call();
        clear(label);
        return result;
      } catch (next) {
        err = next;
      }
    }
  };
}
