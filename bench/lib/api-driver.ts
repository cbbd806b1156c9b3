/**
 * Drives the HTTP API as its users would: applicants submit, a pool of simulated officers per
 * department works the inbox and decides. Plain fetch over loopback; every call is bounded by a
 * timeout so a hung service shows up as an error, never as a stalled benchmark or test.
 */
import { randomUUID } from 'node:crypto';
import type { Department } from '../../domain/vocabulary';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  ms: number;
}

export async function call<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ApiResponse<T>> {
  const started = performance.now();
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, body: body as T, ms: performance.now() - started };
}

export interface Submitted {
  caseId: string;
  caseNumber: string;
}

export async function submit(apiUrl: string, token: string, application: unknown, idempotencyKey?: string) {
  return call<Submitted & { detail?: string; type?: string }>(`${apiUrl}/api/v1/applicant/cases`, {
    method: 'POST',
    token,
    body: application,
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
  });
}

export type DecisionBody =
  | { decision: 'approve' }
  | { decision: 'reject'; reasonCode: string; reasonText?: string }
  | { decision: 'request_supplement'; missing: string[] };

export async function decide(apiUrl: string, token: string, caseId: string, department: Department, body: DecisionBody) {
  return call(`${apiUrl}/api/v1/officer/cases/${caseId}/steps/${department}/decision`, {
    method: 'POST',
    token,
    body,
    headers: { 'x-request-id': randomUUID() },
  });
}

/** Runs `fn` over `items` with at most `concurrency` at a time; results in input order. */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export interface OfficerPoolOptions {
  apiUrl: string;
  /** One officer token per department (the pool shares it: the API sees one officer per department). */
  tokens: Partial<Record<Department, string>>;
  /** Officers deciding at once, per department. */
  officersPerDepartment: number;
  /** What to decide for a case's step; undefined = leave it (not ours, or to stay open). */
  decisionFor: (caseId: string, department: Department) => DecisionBody | undefined;
  /** Pause before the inbox is read again after it showed nothing new (default 200 ms). */
  idlePollMs?: number;
  /** Called with every decision's HTTP status and latency. */
  onDecision?: (status: number, ms: number, caseId: string, department: Department) => void;
}

export interface OfficerPool {
  /** Decisions made (HTTP 200) and refused (any other status), per department. */
  readonly counts: Record<string, { decided: number; refused: number; errors: number }>;
  stop(): Promise<void>;
}

/**
 * Each department's officers work through what its inbox (awaiting_decision, every page) shows
 * them; the inbox is read again when they have run out (one read for the department, shared by
 * whoever asks meanwhile), and while it shows nothing new, at most every `idlePollMs`. As at a
 * desk: an officer opens the inbox when they finish their cases, not several times a second
 * while they work (which made the load generator's reads, each one an access record, the larger
 * part of a case's cost). A step once decided is remembered, because the read model may list it
 * for a moment after the decision (it is projected by the workflow's next write).
 */
export function startOfficerPool(opts: OfficerPoolOptions): OfficerPool {
  let stopped = false;
  const idlePollMs = opts.idlePollMs ?? 200;
  const counts: OfficerPool['counts'] = {};
  const loops = (Object.entries(opts.tokens) as Array<[Department, string]>).map(async ([department, token]) => {
    const c = (counts[department] = { decided: 0, refused: 0, errors: 0 });
    const seen = new Set<string>();
    const queue: Array<{ caseId: string; body: DecisionBody }> = [];
    let reading: Promise<void> | undefined;
    let emptyAt = 0;
    const readInbox = async (): Promise<void> => {
      try {
        let cursor: string | undefined;
        for (let page = 0; page < 50 && !stopped; page++) {
          const q = `status=awaiting_decision&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const res = await call<{ items: Array<{ caseId: string }>; nextCursor?: string }>(
            `${opts.apiUrl}/api/v1/officer/inbox?${q}`,
            { token, timeoutMs: 15_000 },
          );
          if (res.status !== 200) break;
          for (const item of res.body.items) {
            if (seen.has(item.caseId)) continue;
            const body = opts.decisionFor(item.caseId, department);
            if (!body) continue;
            seen.add(item.caseId);
            queue.push({ caseId: item.caseId, body });
          }
          cursor = res.body.nextCursor;
          if (!cursor) break;
        }
      } catch {
        c.errors++;
      }
      if (queue.length === 0) emptyAt = Date.now();
    };
    /** The inbox read again, unless it showed nothing new a moment ago; one read at a time. */
    const refill = async (): Promise<void> => {
      if (Date.now() - emptyAt < idlePollMs) return;
      reading ??= readInbox().finally(() => {
        reading = undefined;
      });
      await reading;
    };
    await Promise.all(
      Array.from({ length: opts.officersPerDepartment }, async () => {
        while (!stopped) {
          if (queue.length === 0) await refill();
          const job = queue.shift();
          if (!job) {
            await sleep(Math.max(20, idlePollMs - (Date.now() - emptyAt)));
            continue;
          }
          try {
            const res = await decide(opts.apiUrl, token, job.caseId, department, job.body);
            if (res.status === 200) c.decided++;
            else c.refused++;
            // Not now (a dependency is down, rate limited): a later read offers the step again.
            if (res.status >= 500 || res.status === 429) seen.delete(job.caseId);
            opts.onDecision?.(res.status, res.ms, job.caseId, department);
          } catch {
            c.errors++;
            seen.delete(job.caseId); // try again on a later read
          }
        }
      }),
    );
  });
  return {
    counts,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(everyMs);
  }
}
