/**
 * The bench's progress lines on stderr (stdout carries only the result table), with the time
 * since start, and the 1-minute load average noted per phase for the report.
 */
import os from 'node:os';

const t0 = Date.now();

/** Whole seconds since the bench started. */
export function elapsedSeconds(): number {
  return Math.round((Date.now() - t0) / 1000);
}

export function say(msg: string): void {
  process.stderr.write(`[bench ${String(elapsedSeconds()).padStart(4)}s] ${msg}\n`);
}

/** Prints `status()` every 3 s until stopped: long phases show they are moving. */
export function ticker(status: () => string): () => void {
  const timer = setInterval(() => say(`  … ${status()}`), 3000);
  return () => clearInterval(timer);
}

/** 1-minute load average at the start and at the end of each phase: other work on the machine shows here. */
export const loadAverage: Record<string, number> = {};

export function noteLoad(phase: string): void {
  loadAverage[phase] = Math.round(os.loadavg()[0]! * 100) / 100;
}
