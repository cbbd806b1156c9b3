/**
 * What `/readyz` warns of without failing readiness: the API answers, but someone must act.
 * - `no-workers`: no worker polls the case task queue, so cases are accepted and wait (a worker
 *   that will not start, say on a policy file it refuses). Temporal lists a poller for some
 *   minutes after its last poll, so a worker that just died is reported only after that.
 * - `policy-files-invalid`: a policy file the system reads while it runs (points, authorities,
 *   capacities, rounds, calendar) does not load: what uses it fails until it is mended.
 * Each is asked at most every CHECK_EVERY_MS, whatever the probes' rate.
 */
import { allAuthorities, allPointsPolicies, AUTHORITIES_DIR, POLICY_DIR } from '../policy/policy-files';
import { CAPACITY_DIR, loadCapacityTables } from '../policy/capacity-files';
import { CALENDAR_DIR, loadCalendarYears } from '../policy/calendar-files';
import { loadRoundsFiles, ROUNDS_DIR } from '../policy/round-files';
import { taskQueuePollers } from '../temporal/task-queue-pollers';
import type { ApiDeps } from './deps';

export interface ReadinessWarning {
  code: string;
  message: string;
}

const CHECK_EVERY_MS = 10_000;

export function readinessWarnings(deps: ApiDeps): () => Promise<ReadinessWarning[]> {
  let last: { at: number; warnings: Promise<ReadinessWarning[]> } | undefined;
  return () => {
    if (!last || Date.now() - last.at >= CHECK_EVERY_MS) last = { at: Date.now(), warnings: check(deps) };
    return last.warnings;
  };
}

async function check(deps: ApiDeps): Promise<ReadinessWarning[]> {
  const warnings: ReadinessWarning[] = [];
  for (const message of policyFilesProblems(deps)) warnings.push({ code: 'policy-files-invalid', message });
  if ((await pollers(deps)) === 0) {
    warnings.push({
      code: 'no-workers',
      message: `No worker polls the task queue "${deps.config.TEMPORAL_TASK_QUEUE}": cases are accepted but do not progress until one runs (see its log)`,
    });
  }
  return warnings;
}

/** Each policy folder that does not load, as its loader says (naming the file). */
function policyFilesProblems(deps: ApiDeps): string[] {
  const loads: Array<() => unknown> = [
    () => allPointsPolicies(deps.config.POINTS_DIR ?? POLICY_DIR),
    () => allAuthorities(deps.config.AUTHORITIES_DIR ?? AUTHORITIES_DIR),
    () => loadCapacityTables(deps.config.CAPACITY_DIR ?? CAPACITY_DIR),
    () => loadRoundsFiles(deps.config.ROUNDS_DIR ?? ROUNDS_DIR),
    () => loadCalendarYears(deps.config.CALENDAR_DIR ?? CALENDAR_DIR),
  ];
  return loads.flatMap((load) => {
    try {
      load();
      return [];
    } catch (err) {
      return [err instanceof Error ? err.message : String(err)];
    }
  });
}

/** How many workers poll the case task queue; undefined when Temporal does not answer (its own check says so). */
async function pollers(deps: ApiDeps): Promise<number | undefined> {
  const timeoutMs = Math.min(deps.config.TEMPORAL_CALL_TIMEOUT_MS, 3000);
  try {
    const pollers = await deps.temporal.connection.withDeadline(Date.now() + timeoutMs, () =>
      taskQueuePollers(deps.temporal, deps.config.TEMPORAL_NAMESPACE, deps.config.TEMPORAL_TASK_QUEUE),
    );
    return pollers.length;
  } catch {
    return undefined;
  }
}
