/**
 * Keeps one child process of `npm start` running: when it exits on its own it is started again,
 * after a delay that doubles with every quick failure (a child that crashes at once must not
 * spin the machine's few cores) and starts over once a child has stayed up long enough to count
 * as healthy. Only stop() ends it: after that nothing is restarted. README "npm start".
 *
 * The processes themselves are spawnManaged() ones (./processes): logs, SIGTERM-then-SIGKILL
 * and the exit hook stay there; this module only decides when to start the next one.
 */
import { EventEmitter } from 'node:events';
import type { ManagedProcess } from './processes';

export interface BackoffOptions {
  /** Delay before the first restart of a run of failures. */
  initialMs: number;
  /** The doubling stops here. */
  maxMs: number;
  /** A child that was up at least this long was healthy: its exit starts again from initialMs. */
  resetAfterMs: number;
}

/** 1 s, 2 s, 4 s … 30 s; a minute up forgives the past. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The restart policy alone, without processes or timers, so it reads (and tests) on its own. */
export class Backoff {
  private failures = 0;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {}

  /** The delay before the next start, given how long the child that just exited had been up. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.opts.resetAfterMs) this.failures = 0;
    const delay = Math.min(this.opts.initialMs * 2 ** this.failures, this.opts.maxMs);
    if (delay < this.opts.maxMs) this.failures += 1; // at the cap already: no need to count on
    return delay;
  }
}

export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  uptimeMs: number;
  /** Set when a restart is scheduled; undefined once stop() was called. */
  restart?: { number: number; inMs: number };
}

export interface SupervisorEvents {
  /** A new incarnation was started (restart ≥ 1; the first one is not announced). */
  spawn: [proc: ManagedProcess, restart: number];
  exit: [exit: ChildExit];
}

export interface SuperviseOptions {
  name: string;
  /** Starts one incarnation of the child; called again for every restart. */
  spawn: () => ManagedProcess;
  /**
   * An incarnation the caller already started (and waited for until ready, e.g. startTemporal()):
   * supervised from now on, and spawn() is used only for restarts.
   */
  first?: ManagedProcess;
  backoff?: Partial<BackoffOptions>;
  /** Where the restart messages go; npm start prefixes them with `[start]`. */
  say?: (message: string) => void;
  /** Date.now unless a test moves time itself: uptimes then do not depend on the machine's load. */
  now?: () => number;
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly name: string;
  private proc: ManagedProcess;
  private restartCount = 0;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly spawnChild: () => ManagedProcess;
  private readonly say: (message: string) => void;
  private readonly now: () => number;

  constructor(opts: SuperviseOptions) {
    super();
    this.name = opts.name;
    this.spawnChild = opts.spawn;
    this.backoff = new Backoff({ ...DEFAULT_BACKOFF, ...opts.backoff });
    this.say = opts.say ?? ((m) => process.stderr.write(`[supervise] ${m}\n`));
    this.now = opts.now ?? Date.now;
    this.proc = opts.first ?? opts.spawn();
    this.watch(this.proc);
  }

  /** The incarnation running now (or the last one, while a restart is pending or after stop()). */
  get current(): ManagedProcess {
    return this.proc;
  }

  /** How many times the child was started again. */
  get restarts(): number {
    return this.restartCount;
  }

  /**
   * No restart from now on, without stopping the child. A launcher that shuts down calls this on
   * every supervisor first: a terminal's Ctrl-C sends SIGINT to all children at once, and none
   * of them may come back while the others are still being stopped in order.
   */
  stopRestarting(): void {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Disables restarts and stops the child (SIGTERM, SIGKILL after graceMs). */
  async stop(graceMs?: number): Promise<void> {
    this.stopRestarting();
    await this.proc.stop(graceMs);
  }

  private watch(proc: ManagedProcess): void {
    // Measured from here, not from the spawn: for `first` the real uptime is a little longer, so
    // at worst one restart waits longer than it had to, never shorter.
    const since = this.now();
    // Fire-and-forget: the exit is an event the supervisor reacts to, nobody waits on it here,
    // and `exited` never rejects (a spawn error resolves it too).
    void proc.exited.then(() => this.onExit(proc, this.now() - since));
  }

  private onExit(proc: ManagedProcess, uptimeMs: number): void {
    const exit: ChildExit = { name: this.name, code: proc.child.exitCode, signal: proc.child.signalCode, uptimeMs };
    if (!this.stopping) {
      const inMs = this.backoff.next(uptimeMs);
      const number = this.restartCount + 1;
      exit.restart = { number, inMs };
      // Scheduled before the event goes out, so a listener's stop() cancels this very restart.
      this.timer = setTimeout(() => this.restart(number), inMs);
      this.say(
        `${this.name} exited (code ${exit.code}, signal ${exit.signal}); restarting in ${formatDelay(inMs)} (restart ${number})`,
      );
    }
    this.emit('exit', exit);
  }

  private restart(number: number): void {
    this.timer = undefined;
    if (this.stopping) return;
    this.restartCount = number;
    this.proc = this.spawnChild();
    this.watch(this.proc);
    this.say(`${this.name} started again (pid ${this.proc.child.pid ?? '?'})`);
    this.emit('spawn', this.proc, number);
  }
}

export function supervise(opts: SuperviseOptions): Supervisor {
  return new Supervisor(opts);
}

/**
 * Stops a launcher's supervised children: restarts off everywhere at once, then each child in
 * the order given (API before worker before the databases they talk to).
 */
export async function stopSupervised(supervisors: readonly Supervisor[], graceMs?: number): Promise<void> {
  for (const s of supervisors) s.stopRestarting();
  for (const s of supervisors) await s.stop(graceMs);
}
