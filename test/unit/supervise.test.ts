/**
 * The restart supervision behind `npm start` (scripts/lib/supervise.ts), with real child
 * processes (`node -e`) and short backoff options. Nothing here asserts how fast anything is:
 * the test waits on the supervisor's events, and delays are checked as the values it chose.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnManaged } from '../../scripts/lib/processes';
import {
  Backoff,
  DEFAULT_BACKOFF,
  supervise,
  type ChildExit,
  type SuperviseOptions,
  type Supervisor,
} from '../../scripts/lib/supervise';

const dir = mkdtempSync(join(tmpdir(), 'supervise-test-'));
// A child's log stream opens asynchronously; a child killed at once may leave its open pending
// when the last test ends. Let it finish before the folder goes, or the open fails (ENOENT).
after(async () => {
  await new Promise((resolve) => setTimeout(resolve, 300));
  rmSync(dir, { recursive: true, force: true });
});

const CRASH_AFTER_100_MS = 'setTimeout(() => process.exit(1), 100)';
const STAY_UP = 'setInterval(() => {}, 1000)';

/**
 * A supervisor over `node -e <script>`, one script per incarnation (the last one repeats), with
 * 20 ms doubling to 80 ms; its messages are collected instead of printed.
 */
function superviseScripts(name: string, scripts: string[], opts: Partial<SuperviseOptions> = {}) {
  let incarnation = 0;
  const messages: string[] = [];
  const sup = supervise({
    name,
    spawn: () => {
      const script = scripts[Math.min(incarnation++, scripts.length - 1)]!;
      return spawnManaged({ name, command: process.execPath, args: ['-e', script], logFile: join(dir, `${name}.log`) });
    },
    backoff: { initialMs: 20, maxMs: 80, resetAfterMs: 60_000 },
    say: (m) => messages.push(m),
    ...opts,
  });
  return { sup, messages };
}

/**
 * Resolves with the first `count` exits. With `stop`, calls sup.stop() synchronously on the last
 * one (before its restart could run) and resolves once the stop finished, so no child outlives
 * the test and a failing stop fails it.
 */
function exits(sup: Supervisor, count: number, opts: { stop?: boolean } = {}): Promise<ChildExit[]> {
  const seen: ChildExit[] = [];
  return new Promise((resolve, reject) => {
    const listener = (exit: ChildExit) => {
      seen.push(exit);
      if (seen.length < count) return;
      sup.off('exit', listener);
      if (!opts.stop) return resolve(seen);
      sup.stop().then(() => resolve(seen), reject);
    };
    sup.on('exit', listener);
  });
}

/** Longer than any restart delay used here: a restart that was going to happen has happened. */
const LONGER_THAN_ANY_DELAY_MS = 500;

describe('supervise: npm start restarts a crashed child', () => {
  it('when a child keeps crashing, then it is restarted with doubling delays up to the cap, and each restart is announced', async () => {
    const { sup, messages } = superviseScripts('crasher', [CRASH_AFTER_100_MS]);
    const spawned: number[] = [];
    sup.on('spawn', (_proc, restart) => spawned.push(restart));

    // stop() inside the 4th exit event: its restart was scheduled and must be cancelled.
    const seen = await exits(sup, 4, { stop: true });

    assert.deepEqual(
      seen.map((e) => [e.code, e.signal, e.restart?.inMs]),
      [
        [1, null, 20],
        [1, null, 40],
        [1, null, 80],
        [1, null, 80],
      ],
    );
    assert.deepEqual(messages.filter((m) => m.includes('exited')).slice(0, 2), [
      'crasher exited (code 1, signal null); restarting in 20 ms (restart 1)',
      'crasher exited (code 1, signal null); restarting in 40 ms (restart 2)',
    ]);
    assert.ok(messages.some((m) => /^crasher started again \(pid \d+\)$/.test(m)));
    assert.deepEqual(spawned, [1, 2, 3]);

    await sleep(LONGER_THAN_ANY_DELAY_MS);
    assert.deepEqual(spawned, [1, 2, 3], 'no restart after stop()');
    assert.equal(sup.restarts, 3);
  });

  it('when stop() is called while the child runs, then the child ends and is never started again', async () => {
    const { sup, messages } = superviseScripts('steady', [STAY_UP]);
    let spawns = 0;
    sup.on('spawn', () => spawns++);
    const exited = exits(sup, 1);
    const child = sup.current.child;

    await sup.stop(5000);

    assert.equal(child.signalCode, 'SIGTERM');
    const [exit] = await exited;
    assert.equal(exit?.restart, undefined, 'no restart scheduled');
    await sleep(LONGER_THAN_ANY_DELAY_MS);
    assert.equal(spawns, 0);
    assert.deepEqual(messages, []);
  });

  it('when a child stayed up longer than resetAfterMs, then the next restart waits the initial delay again', async () => {
    // The supervisor's clock stands still except while the third child runs, so the quick
    // crashes have no uptime and the third has a long one, however loaded the machine is.
    let clock = 0;
    const { sup } = superviseScripts('recovering', [CRASH_AFTER_100_MS, CRASH_AFTER_100_MS, STAY_UP, CRASH_AFTER_100_MS], {
      now: () => clock,
    });
    sup.on('spawn', (proc, restart) => {
      if (restart !== 2) return;
      clock += 60_000; // it stays up a minute…
      // …and then crashes. Not awaited: a listener cannot wait, and the crash is observed as
      // the supervisor's next exit event (kill() never rejects).
      void proc.kill();
    });

    const seen = await exits(sup, 4, { stop: true });

    assert.deepEqual(
      seen.map((e) => [e.code, e.signal, e.uptimeMs, e.restart?.inMs]),
      [
        [1, null, 0, 20],
        [1, null, 0, 40],
        [null, 'SIGKILL', 60_000, 20],
        [1, null, 0, 40],
      ],
    );
  });

  it('when a child is killed with SIGKILL, then the message names the signal', async () => {
    const { sup, messages } = superviseScripts('victim', [STAY_UP], { backoff: {} }); // the default backoff
    const exited = exits(sup, 1, { stop: true });

    await sup.current.kill();

    const [exit] = await exited;
    assert.equal(exit?.signal, 'SIGKILL');
    assert.deepEqual(messages, ['victim exited (code null, signal SIGKILL); restarting in 1 s (restart 1)']);
  });
});

describe('Backoff (the policy alone)', () => {
  it('when failures follow each other, then the default delays are 1 s doubling to 30 s', () => {
    const b = new Backoff();
    const delays = Array.from({ length: 8 }, () => b.next(0));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('when a child was up for resetAfterMs, then the next delay is the initial one again', () => {
    const b = new Backoff();
    b.next(0);
    b.next(0);
    assert.equal(b.next(DEFAULT_BACKOFF.resetAfterMs), 1000);
    assert.equal(b.next(DEFAULT_BACKOFF.resetAfterMs - 1), 2000);
  });
});
