/**
 * The activities a case calls, by how their failures are handled. Module-level proxies: they
 * issue no commands until called, so every part of the workflow shares them.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { Role } from '../../domain/vocabulary';

/** Writes to our own database: retried until they succeed (they are idempotent). */
export const records = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '20 seconds' },
});

/**
 * Writes to a department's register that a case commits (a reservation, the household
 * registration, the transfer's start; patch `commit-unavailable-incidents`): a bounded round of
 * retries (five attempts, 15 seconds of pauses between them; an attempt that hangs takes up to 30), after which the case records an incident and tries
 * again round by round (commit-incidents.ts). Under `records` a register down for hours kept the
 * case "under review" with nothing shown to anyone.
 */
export const commits = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * Department lookups: a bounded round of retries; the workflow then records the failure,
 * escalates if it persists, pauses and tries another round.
 */
export const lookups = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '300 ms', backoffCoefficient: 2, maximumInterval: '3 seconds', maximumAttempts: 3 },
});

/** Compensations: a bounded round of retries, then surfaced to supervisors and tried again. */
export const compensations = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 4 },
});

/** The actor of what the workflow does by itself. */
export const SYSTEM = { id: 'system', role: 'system' as Role };

/** The innermost message of an activity failure (the activity's own error, not the wrapper). */
export function failureMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  return cause instanceof Error ? cause.message : err.message;
}
