/**
 * Starting and steering admission rounds through Temporal (issue 13), for every process that
 * does: the worker (a case joining a round, the Schedules' trigger) and the API (a supervisor
 * closing a round early). A round's workflow id is derived from its id and never reused, so a
 * round runs once: starting it again finds the running one, and a finished round refuses to
 * start anew (a late case then joins the next round).
 */
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { findRound, type RoundsFile } from '../domain/admission-rounds';
import { shanghaiToday } from '../domain/shanghai-clock';
import type { Config } from '../config/config';
import { loadRoundsFiles, ROUNDS_DIR } from '../policy/round-files';
import type { AdmissionRoundInput, NoticeClock } from '../workflows/admission-round/messages';
import { admissionRoundWorkflowId } from '../workflows/admission-round/messages';

export const ROUND_TRIGGER_ACTIONS = ['open', 'close'] as const;
export type RoundTriggerAction = (typeof ROUND_TRIGGER_ACTIONS)[number];

/** What a process needs to start a round: the client, where the workers listen, and the notice clock. */
export interface RoundStarter {
  client: Client;
  taskQueue: string;
  /** The rounds files as they are now (policy/round-files.ts reads them afresh). */
  files: () => RoundsFile[];
  deadlineClock: 'working-days' | 'elapsed';
  officeClose: string;
  /** The public-notice period as elapsed time (tests, demos); undefined: the file's working days. */
  publicNoticeMs: number | undefined;
  /** A round closes this long after it starts, if before its date (demos, tests); undefined: at its date. */
  closeAfterMs?: number | undefined;
}

/** The round settings of a process from its configuration (worker and API alike). */
export function roundSettings(
  config: Pick<
    Config,
    'ROUNDS_DIR' | 'TEMPORAL_TASK_QUEUE' | 'DEADLINE_CLOCK' | 'OFFICE_CLOSE' | 'PUBLIC_NOTICE_MS' | 'ROUND_CLOSE_AFTER_MS'
  >,
): Omit<RoundStarter, 'client'> {
  const dir = config.ROUNDS_DIR ?? ROUNDS_DIR;
  return {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    files: () => loadRoundsFiles(dir),
    deadlineClock: config.DEADLINE_CLOCK,
    officeClose: config.OFFICE_CLOSE,
    publicNoticeMs: config.PUBLIC_NOTICE_MS,
    closeAfterMs: config.ROUND_CLOSE_AFTER_MS,
  };
}

/** A round's close: the end of the office day of `closesOn`, Asia/Shanghai (UTC+8, no DST). */
export function roundClosesAt(closesOn: string, officeClose: string): string {
  return new Date(`${closesOn}T${officeClose}:00+08:00`).toISOString();
}

export function admissionRoundInput(s: Omit<RoundStarter, 'client' | 'taskQueue'>, roundId: string): AdmissionRoundInput {
  const found = findRound(s.files(), roundId);
  if (!found) throw new RangeError(`no rounds file announces round ${roundId}`);
  // With plain elapsed deadlines (DEADLINE_CLOCK=elapsed) the file's working days count as whole days.
  const notice: NoticeClock =
    s.publicNoticeMs !== undefined
      ? { elapsedMs: s.publicNoticeMs }
      : s.deadlineClock === 'elapsed'
        ? { elapsedMs: found.file.noticeWorkingDays * 24 * 3_600_000 }
        : { workingDays: found.file.noticeWorkingDays, officeClose: s.officeClose };
  const onDate = roundClosesAt(found.round.closesOn, s.officeClose);
  const early = s.closeAfterMs !== undefined ? new Date(Date.now() + s.closeAfterMs).toISOString() : undefined;
  return { roundId, file: found.file, notice, closesAt: early && early < onDate ? early : onDate };
}

/**
 * The round's workflow, started if it is not running: `finished: true` (no handle) when it ran
 * and finished already (its ranking is final; it never starts again).
 */
export async function ensureAdmissionRound(
  s: RoundStarter,
  roundId: string,
): Promise<{ handle: WorkflowHandle; finished: false } | { finished: true }> {
  const workflowId = admissionRoundWorkflowId(roundId);
  try {
    const handle = await s.client.workflow.start('admissionRound', {
      taskQueue: s.taskQueue,
      workflowId,
      args: [admissionRoundInput(s, roundId)],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return { handle, finished: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { finished: true };
    throw err;
  }
}

/** The Schedule ids of a round: one opens it at the start of its first day, one closes it. */
export function roundScheduleId(roundId: string, action: RoundTriggerAction): string {
  return `admission-round-${roundId}-${action}`;
}

const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
] as const;

const calendarAt = (day: string, time: string) => {
  const [year, month, dayOfMonth] = day.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return { year, month: MONTHS[month - 1]!, dayOfMonth, hour, minute };
};

/**
 * A Temporal Schedule per round date still ahead (open at 00:00 of opensOn, close at the office
 * close of closesOn, Asia/Shanghai), each starting the trigger workflow. Idempotent: a Schedule
 * that exists is left as it is but for its task queue (keepOnTaskQueue). Returns the ids it created.
 */
export async function ensureRoundSchedules(s: RoundStarter, today = shanghaiToday()): Promise<string[]> {
  const created: string[] = [];
  for (const file of s.files()) {
    for (const round of file.rounds) {
      for (const action of ROUND_TRIGGER_ACTIONS) {
        const day = action === 'open' ? round.opensOn : round.closesOn;
        if (day < today) continue;
        const scheduleId = roundScheduleId(round.id, action);
        try {
          await s.client.schedule.create({
            scheduleId,
            spec: {
              calendars: [calendarAt(day, action === 'open' ? '00:00' : s.officeClose)],
              timezone: 'Asia/Shanghai',
            },
            action: {
              type: 'startWorkflow',
              workflowType: 'admissionRoundTrigger',
              args: [{ roundId: round.id, action }],
              taskQueue: s.taskQueue,
              workflowId: `${scheduleId}-trigger`,
            },
            policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '365 days' },
            memo: { round: round.id, file: file.version },
          });
          created.push(scheduleId);
        } catch (err) {
          if (!(err instanceof ScheduleAlreadyRunning)) throw err;
          await keepOnTaskQueue(s, scheduleId);
        }
      }
    }
  }
  return created;
}

/**
 * A Schedule made before TEMPORAL_TASK_QUEUE changed would start its trigger on a queue no worker
 * polls any more, and the round would never open or close: it is moved to the workers' queue.
 * Otherwise it is left as it is (paused by an operator stays paused).
 */
async function keepOnTaskQueue(s: RoundStarter, scheduleId: string): Promise<void> {
  const handle = s.client.schedule.getHandle(scheduleId);
  const { action } = await handle.describe();
  if (action.type !== 'startWorkflow' || action.taskQueue === s.taskQueue) return;
  await handle.update((prev) => ({ ...prev, action: { ...prev.action, taskQueue: s.taskQueue } }));
}
