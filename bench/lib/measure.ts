/** Small measuring tools: percentiles, a bounded HTTP load loop, process RSS, the machine. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Latencies {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function latencies(samples: readonly number[]): Latencies {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

export interface LoadResult extends Latencies {
  requests: number;
  /** Responses other than 200, and transport errors. */
  errors: number;
  durationMs: number;
  rps: number;
}

export interface LoadTarget {
  url: string;
  headers?: Record<string, string>;
}

/**
 * `connections` keep-alive connections, each sending GET requests one after another for
 * `durationMs` (loopback only), to `targets` in turn (one target = the same request every
 * time). Bounded in time and memory (one number per request).
 */
export async function loadLoop(opts: { targets: LoadTarget[]; connections: number; durationMs: number }): Promise<LoadResult> {
  const targets = opts.targets.map((t) => ({ url: new URL(t.url), headers: t.headers }));
  if (targets.length === 0) throw new Error('a load loop needs a target');
  if (targets.some((t) => t.url.hostname !== '127.0.0.1')) throw new Error('load loops only target 127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const one = () =>
    new Promise<number>((resolve) => {
      const t0 = performance.now();
      const { url, headers } = targets[next++ % targets.length]!;
      const req = request(url, { agent, headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          if (res.statusCode !== 200) errors++;
          resolve(performance.now() - t0);
        });
      });
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        resolve(performance.now() - t0);
      });
      req.end();
    });
  try {
    return { ...(await callLoop(one, opts.connections, opts.durationMs, started)), errors };
  } finally {
    agent.destroy();
  }
}

/**
 * Calls `one` from `concurrency` loops until `durationMs` has passed; `one` resolves to its own
 * latency in ms. Errors are the caller's to count.
 */
export async function callLoop(
  one: () => Promise<number>,
  concurrency: number,
  durationMs: number,
  started = performance.now(),
): Promise<LoadResult> {
  const samples: number[] = [];
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) samples.push(await one());
    }),
  );
  const took = performance.now() - started;
  return { ...latencies(samples), requests: samples.length, errors: 0, durationMs: took, rps: samples.length / (took / 1000) };
}

/** `fn`'s latency in ms (its result is dropped). */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Resident set size of a process in MiB (Linux /proc), or NaN elsewhere. */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  temporal: string;
}

export function machine(temporalBinary: string): Machine {
  let temporal = 'unknown';
  try {
    temporal = execFileSync(temporalBinary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    // reported as unknown
  }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    temporal,
  };
}

/** One figure over repeated runs: each run's value, and their min / median / max (NaN runs left out). */
export interface Spread {
  runs: number[];
  min: number;
  median: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length === 0 ? Number.NaN : s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
  return { runs: [...values], min: s[0] ?? Number.NaN, median, max: s[s.length - 1] ?? Number.NaN };
}
