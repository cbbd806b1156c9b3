/**
 * Every call the API makes to Temporal is bounded: past TEMPORAL_CALL_TIMEOUT_MS the request
 * answers 503 (Temporal unavailable, retry) instead of hanging while the client retries. An
 * Update that timed out may still be applied; retrying with the same Idempotency-Key is safe.
 */
import type { ApiDeps } from '../deps';

export function withTemporalDeadline<T>(deps: ApiDeps, fn: () => Promise<T>): Promise<T> {
  return deps.temporal.connection.withDeadline(Date.now() + deps.config.TEMPORAL_CALL_TIMEOUT_MS, fn);
}
