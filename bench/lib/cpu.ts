/**
 * CPU seconds per process, read from Linux /proc (issue 12, "where a case's CPU goes"): a
 * process tree's user + system time, and a meter that takes the per-process difference across
 * a phase. Only Linux has /proc; elsewhere every figure is NaN and the report prints n/a.
 *
 * What a figure counts, and what it cannot:
 * - A process tree = the pid, every living descendant, and (through cutime/cstime) every
 *   descendant that has exited and been waited for; `node --import tsx` has esbuild's service
 *   as a child, so that is counted with the Node process that uses it.
 * - PostgreSQL's backends are children of the postmaster, not of FerretDB: they are found by
 *   their process title (`postgres: [cluster: ]<user> <database> <client> <state>`, Linux's
 *   default `update_process_title = on`) naming the bench's throw-away database, and sampled
 *   every second while the phase runs. A backend that exits between two samples loses what it
 *   spent since the last one (FerretDB keeps its pool's connections open, so few exit); the
 *   server's shared processes (checkpointer, WAL writer, autovacuum) serve every database on
 *   the server and are not counted.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc's times (`getconf CLK_TCK`, 100 on every usual Linux). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcStat {
  pid: number;
  /** The command name (field 2): `postgres` for every PostgreSQL process. */
  comm: string;
  ppid: number;
  /** utime + stime of the process itself, in ticks. */
  ticks: number;
  /** cutime + cstime: its exited and waited-for children's, in ticks. */
  childTicks: number;
  /** Start time after boot, in ticks (tells a pid reused mid-phase from the one first seen). */
  start: number;
}

/** Parses /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const open = text.indexOf('(');
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // Fields from 3 (state) on; man 5 proc numbers them from 1.
  const f = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const at = (n: number) => Number(f[n - 3]);
  return { pid, comm, ppid: at(4), ticks: at(14) + at(15), childTicks: at(16) + at(17), start: at(22) };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone in between
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

/** Every process's stat, once (one pass over /proc serves every tree of a sample). */
export function snapshot(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const pid of allPids()) {
    const s = readStat(pid);
    if (s) out.set(pid, s);
  }
  return out;
}

/** CPU seconds of `pid` and its descendants (living, and exited-and-waited-for) in `stats`; NaN if `pid` is gone. */
export function treeCpuSeconds(pid: number, stats: Map<number, ProcStat>): number {
  if (!stats.has(pid)) return Number.NaN;
  const children = new Map<number, number[]>();
  for (const s of stats.values()) {
    const list = children.get(s.ppid);
    if (list) list.push(s.pid);
    else children.set(s.ppid, [s.pid]);
  }
  let ticks = 0;
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop()!;
    const s = stats.get(p);
    if (!s) continue;
    ticks += s.ticks + s.childTicks;
    todo.push(...(children.get(p) ?? []));
  }
  return ticks / clockTicks();
}

/** True when `pid`'s process title says it is a PostgreSQL backend connected to `database`. */
export function isBackendOf(pid: number, database: string): boolean {
  let title: string;
  try {
    title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replaceAll('\0', ' ');
  } catch {
    return false;
  }
  // `postgres: 15/main: postgres hukou_bench_1 127.0.0.1(40000) idle` (the cluster name is optional).
  const m = /^postgres: (?:\S+: )?\S+ (\S+) /.exec(title);
  return m?.[1] === database;
}

/**
 * What a meter measures: a process tree by pid, the backends of a PostgreSQL database, or this
 * process alone (process.cpuUsage(), without the children it launched).
 */
export type CpuSource = { pid: number | undefined } | { postgresDatabase: string } | { self: true };

/** Per-source CPU seconds spent between start and stop. */
export interface CpuMeter {
  stop(): Record<string, number>;
}

/**
 * Starts measuring each source; `stop()` returns the CPU seconds each spent since. A tree whose
 * root is gone at stop reports NaN (its time cannot be known). PostgreSQL backends are sampled
 * every `sampleMs` (see the header for what that loses).
 */
export function startCpuMeter(sources: Record<string, CpuSource>, opts: { sampleMs?: number } = {}): CpuMeter {
  const first = snapshot();
  const trees = Object.entries(sources).flatMap(([name, s]) => ('pid' in s ? [[name, s.pid] as const] : []));
  const before = new Map(trees.map(([name, pid]) => [name, pid ? treeCpuSeconds(pid, first) : Number.NaN]));
  const databases = Object.entries(sources).flatMap(([name, s]) =>
    'postgresDatabase' in s ? [[name, s.postgresDatabase] as const] : [],
  );
  // Per database: each backend (pid + start time) with its ticks when first and last seen.
  const backends = new Map(databases.map(([name]) => [name, new Map<string, { first: number; last: number }>()]));
  const sample = (stats: Map<number, ProcStat>, initial: boolean) => {
    for (const [name, database] of databases) {
      const seen = backends.get(name)!;
      for (const s of stats.values()) {
        const key = `${s.pid}@${s.start}`;
        const known = seen.get(key);
        if (known) known.last = s.ticks;
        else if (s.comm === 'postgres' && isBackendOf(s.pid, database)) {
          // One there at the start counts from then; one first seen later was born during the
          // phase (each sample sees every living process), so all it shows was spent in it.
          seen.set(key, { first: initial ? s.ticks : 0, last: s.ticks });
        }
      }
    }
  };
  sample(first, true);
  const timer = databases.length > 0 ? setInterval(() => sample(snapshot(), false), opts.sampleMs ?? 1000) : undefined;
  timer?.unref();
  const selfBefore = process.cpuUsage();
  return {
    stop() {
      const self = process.cpuUsage(selfBefore);
      if (timer) clearInterval(timer);
      const last = snapshot();
      sample(last, false);
      const out: Record<string, number> = {};
      for (const [name, pid] of trees) out[name] = pid ? treeCpuSeconds(pid, last) - before.get(name)! : Number.NaN;
      for (const [name] of databases) {
        let ticks = 0;
        for (const b of backends.get(name)!.values()) ticks += b.last - b.first;
        out[name] = ticks / clockTicks();
      }
      for (const [name, s] of Object.entries(sources)) if ('self' in s) out[name] = (self.user + self.system) / 1e6;
      return out;
    },
  };
}
