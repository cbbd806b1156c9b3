/**
 * The bench's CPU accounting (bench/lib/cpu.ts, issue 12 "where a case's CPU goes"): /proc's
 * stat line parsed right even when the command name holds spaces and parentheses, a tree's
 * time summed over its descendants, and a busy child's CPU seen by a meter; and the
 * min / median / max of repeated runs (bench/lib/measure.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { clockTicks, parseStat, startCpuMeter, treeCpuSeconds, type ProcStat } from '../../bench/lib/cpu';
import { spread } from '../../bench/lib/measure';

// pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime … starttime
const line = (pid: number, comm: string, ppid: number, utime: number, stime: number, cutime = 0, cstime = 0) =>
  `${pid} (${comm}) S ${ppid} 1 1 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0 ${1000 + pid} 1000 10`;

describe('bench CPU accounting', () => {
  it('when the command name holds spaces and a parenthesis, then the fields after it are still read', () => {
    const s = parseStat(line(42, 'postgres: a) b', 7, 30, 12, 5, 3));
    assert.deepEqual(s, { pid: 42, comm: 'postgres: a) b', ppid: 7, ticks: 42, childTicks: 8, start: 1042 });
  });

  it("when a tree has children and grandchildren, then its time is theirs and its own, and an exited child's too", () => {
    const stats = new Map<number, ProcStat>(
      [
        line(10, 'node', 1, 100, 50, 20, 5),
        line(11, 'esbuild', 10, 30, 10),
        line(12, 'sh', 11, 1, 1),
        line(99, 'other', 1, 500, 500),
      ].map((l) => [Number(l.split(' ')[0]), parseStat(l)!]),
    );
    assert.equal(treeCpuSeconds(10, stats), (150 + 25 + 40 + 2) / clockTicks());
    assert.ok(Number.isNaN(treeCpuSeconds(13, stats)));
  });

  it(
    'when a child spins for a while, then the meter gives it that CPU time and the waiting bench process little',
    { skip: !existsSync('/proc/self/stat') },
    async () => {
      // Spins until it has used 400 ms of CPU (not of wall time: on a loaded machine 400 ms of
      // wall time may get far less CPU), says so, then stays alive (idle) until killed, so its
      // tree is still there at stop().
      const child = spawn(process.execPath, [
        '-e',
        'while (process.cpuUsage().user < 400_000); process.stdout.write("spun\\n"); setTimeout(() => {}, 60000);',
      ]);
      try {
        const meter = startCpuMeter({ child: { pid: child.pid }, bench: { self: true }, gone: { pid: undefined } });
        await new Promise<void>((resolve, reject) => {
          const bound = setTimeout(() => reject(new Error('the child did not spin 400 ms of CPU within 60 s')), 60_000);
          child.stdout.once('data', () => {
            clearTimeout(bound);
            resolve();
          });
        });
        const cpu = meter.stop();
        assert.ok(cpu.child! >= 0.3, `child ${cpu.child}`);
        assert.ok(cpu.bench! >= 0 && cpu.bench! < 0.3, `bench ${cpu.bench}`);
        assert.ok(Number.isNaN(cpu.gone!));
      } finally {
        child.kill('SIGKILL');
      }
    },
  );

  it('when three runs are given, then min, median and max are theirs, and a failed (NaN) run is left out', () => {
    assert.deepEqual(spread([3, 1, 2]), { runs: [3, 1, 2], min: 1, median: 2, max: 3 });
    assert.deepEqual(spread([4, Number.NaN, 2]), { runs: [4, Number.NaN, 2], min: 2, median: 3, max: 4 });
  });
});
