/**
 * Child processes that the launchers own: started with their output in a log file, stopped
 * with SIGTERM then SIGKILL, and all stopped when this process exits or is interrupted, so
 * `npm start` / `npm test` never leave a service behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { dirname } from 'node:path';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Where this run's output starts in `logFile` (the file is appended to across runs). */
  readonly logFrom: number;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL without grace, as a crash would. */
  kill(): Promise<void>;
}

const owned = new Set<ManagedProcess>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Last resort on a synchronous exit: nothing async runs, so SIGKILL what is left.
  process.on('exit', () => {
    for (const p of owned) p.child.kill('SIGKILL');
  });
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Also copy the child's output to this process's stderr, prefixed with its name (only lines passing the filter). */
  echo?: boolean | ((line: string) => boolean);
}

export function spawnManaged(opts: SpawnOptions): ManagedProcess {
  installExitHooks();
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const logFrom = sizeOf(opts.logFile);
  const out = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      out.write(chunk);
      if (opts.echo) {
        for (const line of chunk.toString('utf8').split('\n')) {
          const show = typeof opts.echo === 'function' ? opts.echo(line) : true;
          if (line.trim() && show) process.stderr.write(`[${opts.name}] ${line}\n`);
        }
      }
    });
  }
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      owned.delete(managed);
      out.end();
      resolve(code ?? signal ?? 'unknown');
    });
    child.on('error', (err) => {
      out.write(`spawn error: ${err.message}\n`);
      owned.delete(managed);
      resolve('spawn-error');
    });
  });
  const managed: ManagedProcess = {
    name: opts.name,
    child,
    logFile: opts.logFile,
    logFrom,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  owned.add(managed);
  return managed;
}

/** Stops every owned process, newest first (API before worker before databases). */
export async function stopAll(): Promise<void> {
  for (const p of [...owned].reverse()) await p.stop();
}

/** The last `lines` of a log from byte `from` on: a failed start shows its own run's output, not the previous run's. */
export function tailLog(file: string, lines = 30, from = 0): string {
  try {
    const bytes = readFileSync(file);
    // A log truncated since (copytruncate) starts again at 0: then all of it is this run's.
    const text = bytes.subarray(from > bytes.length ? 0 : from).toString('utf8');
    return text.trim() === '' ? '(nothing logged by this run)' : text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Ports are chosen below the kernel's ephemeral range (ip_local_port_range, 32768–60999 here).
 * A port the kernel hands out for `listen(0)` is also what it hands out to every outbound
 * connection and to other processes' `listen(0)`: the Temporal dev server picks its internal
 * history, matching and metrics ports that way, after we chose ours and let them go. One CI run
 * saw the API's chosen port taken by the dev server's internals: the API said "listening" and its
 * readiness probe got "fetch failed" for 2 min. Below the range, only another process choosing
 * the same way (at random, checked by binding) could take it.
 */
function portRange(): [number, number] | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return low > 12_000 ? [10_000, low - 1] : undefined;
  } catch {
    return undefined;
  }
}
/** Ports this process handed out: never handed out twice. */
const handedOut = new Set<number>();
/**
 * Ports the Fetch standard blocks ("bad ports"): Node's fetch refuses them with "fetch failed",
 * so a service on one never passes its readiness probe. 10080 lies inside portRange(): a chaos
 * run once drew it for the simulator and waited 120 s for nothing.
 */
const FETCH_BAD_PORTS = new Set([
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

function listenOn(port: number, host: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, host, () => resolve(srv));
  });
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return (await freePorts(1, host))[0]!;
}

/**
 * `n` free ports, all different: each is held open until every one is chosen. Separate
 * freePort() calls may hand out the same port again once it is released (the mail sink's SMTP
 * port once came out equal to the API's, and the API's readiness probe talked SMTP for 2 min).
 */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const range = portRange();
  const servers: Server[] = [];
  try {
    for (let attempt = 0; servers.length < n; attempt++) {
      if (attempt > 50 * n) throw new Error(`no ${n} free ports found on ${host}`);
      const port = range ? range[0] + Math.floor(Math.random() * (range[1] - range[0] + 1)) : 0;
      if (handedOut.has(port) || FETCH_BAD_PORTS.has(port)) continue;
      const srv = await listenOn(port, host);
      if (srv) servers.push(srv);
    }
    const ports = servers.map((srv) => (srv.address() as AddressInfo).port);
    for (const port of ports) handedOut.add(port);
    return ports;
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  }
}

export async function portIsOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Polls `probe` until it succeeds; fails early, with the log tail, if the process dies.
 * Generous by default: a cold Temporal dev server on 2 busy cores can take 20 s+. A probe that
 * throws says why it is not ready; the last such reason goes into the timeout's message.
 */
export async function waitUntilReady(proc: ManagedProcess, probe: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  let lastFailure = 'the probe never succeeded';
  // Only sets a flag the poll loop reads; `exited` never rejects, and the loop must not wait on it.
  void proc.exited.then(() => {
    died = true;
  });
  while (Date.now() < deadline) {
    if (died)
      throw new Error(`${proc.name} exited during start-up; log ${proc.logFile}:\n${tailLog(proc.logFile, 30, proc.logFrom)}`);
    try {
      if (await probe()) return;
      lastFailure = 'the probe answered "not ready"';
    } catch (err) {
      lastFailure = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${proc.name} not ready after ${timeoutMs} ms (last probe: ${lastFailure}); log ${proc.logFile}:\n${tailLog(proc.logFile, 30, proc.logFrom)}`,
  );
}

/** A probe of an HTTP health URL: true on 2xx; otherwise throws with the status and the body's start. */
export async function httpReady(url: string, timeoutMs = 10_000): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.ok) return true;
  throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 400)}`);
}
