/** Start-up helper: keep trying to reach a dependency, logging each failure, instead of crashing. */
import type { Logger } from './logger';

export async function retryUntil<T>(what: string, logger: Logger, fn: () => Promise<T>, maxWaitMs = 120_000): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  let delay = 250;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() + delay > deadline) throw new Error(`${what} unreachable after ${maxWaitMs} ms: ${String(err)}`);
      logger.warn(
        { what, err: err instanceof Error ? err.message : String(err), retryInMs: delay },
        'dependency not reachable yet',
      );
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }
}
