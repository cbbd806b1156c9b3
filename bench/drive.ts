/**
 * Drives cases to their end for the phases: ours through the API with the officer pool
 * deciding, the floor workflow straight through the Temporal client, and single cases of each
 * route for their history size.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { trusted } from 'mongoose';
import type { Department } from '../domain/vocabulary';
import { caseModel } from '../models/case.model';
import { settlementCaseWorkflowId } from '../workflows/settlement-case/messages';
import { ALL_DEPARTMENTS, type BenchContext } from './context';
import { FLOOR_TASK_QUEUE, floorCase, floorDecideUpdate, type FloorInput } from './floor/floor.workflow';
import { mapPool, sleep, startOfficerPool, submit, until } from './lib/api-driver';
import { applicationFor, type SyntheticPerson } from './lib/people';
import { ticker } from './lib/progress';

/** The account of the person with this ID number (the only person it may apply as). */
export async function applicantToken(ctx: BenchContext, idNumber: string, sub = `bench-${idNumber}`): Promise<string> {
  return ctx.stack.token({ sub, role: 'applicant', idNumber });
}

/**
 * Submits every person's application through the API (bounded concurrency); returns case ids in
 * order. A submission that times out or meets a 5xx is retried with the same Idempotency-Key,
 * as a client should: it cannot create a second case.
 */
export async function submitAll(ctx: BenchContext, people: SyntheticPerson[], onDone?: () => void): Promise<string[]> {
  return mapPool(people, ctx.sizes.submitters, async (p) => {
    const token = await applicantToken(ctx, p.idNumber);
    for (let attempt = 1; ; attempt++) {
      let outcome: string;
      try {
        const res = await submit(ctx.stack.apiUrl, token, applicationFor(p), `bench-${p.idNumber}`);
        if (res.status === 202) {
          onDone?.();
          return res.body.caseId;
        }
        outcome = `${res.status} ${JSON.stringify(res.body)}`;
        if (res.status < 500 && res.status !== 409) throw new Error(`submission refused: ${outcome}`);
      } catch (err) {
        if (!(err instanceof Error) || err.name !== 'TimeoutError') throw err;
        outcome = 'no answer within 30 s';
      }
      if (attempt >= 5) throw new Error(`submission failed ${attempt} times, last: ${outcome}`);
      ctx.retries++;
      await sleep(1000);
    }
  });
}

async function countCases(ctx: BenchContext, filter: Record<string, unknown>): Promise<number> {
  return caseModel(ctx.mongo).countDocuments(filter);
}

/**
 * Cases submitted and driven to settled by the officer pool (every department the people's
 * routes need), through the API. Returns cases/s, ids (in the order of `people`) and the
 * officers' decision latencies, which are under the load of the run itself.
 */
export async function runOurCases(ctx: BenchContext, people: SyntheticPerson[], label: string) {
  const ours = new Set<string>();
  const decisionMs: number[] = [];
  let refused: string | undefined;
  const departments: Department[] = people.some((p) => p.kind !== 'town') ? ALL_DEPARTMENTS : ['police', 'housing'];
  const pool = startOfficerPool({
    apiUrl: ctx.stack.apiUrl,
    tokens: Object.fromEntries(departments.map((d) => [d, ctx.officerTokens[d]])),
    officersPerDepartment: ctx.sizes.officersPerDepartment,
    decisionFor: (caseId) => (ours.has(caseId) ? { decision: 'approve' } : undefined),
    onDecision: (status, ms, caseId, department) => {
      if (status === 200) decisionMs.push(ms);
      // An approval the API refuses (422: e.g. a lookup found no record) never settles the case:
      // fail now instead of waiting out the timeout. 409 / 429 / 5xx are offered again.
      else if (status >= 400 && status < 500 && status !== 409 && status !== 429)
        refused ??= `${department} of ${caseId}: ${status}`;
    },
  });
  let submitted = 0;
  let settled = 0;
  const stopTicker = ticker(() => `${label}: ${submitted}/${people.length} submitted, ${settled} settled`);
  const before = (await ctx.client.workflow.count(`WorkflowType = 'settlementCase' AND ExecutionStatus = 'Completed'`)).count;
  const started = performance.now();
  try {
    const ids = await submitAll(ctx, people, () => {
      submitted++;
    });
    for (const id of ids) ours.add(id);
    // Completion is read from Temporal's visibility (cheap), not by polling the read model, so
    // the measurement adds no load to the database under test; the read model is checked after.
    await until(
      async () => {
        if (refused) return true; // thrown below (`until` retries what throws)
        settled =
          (await ctx.client.workflow.count(`WorkflowType = 'settlementCase' AND ExecutionStatus = 'Completed'`)).count - before;
        return settled >= ids.length ? true : undefined;
      },
      `${label}: ${ids.length} cases settled`,
      60 * 60_000,
      300,
    );
    if (refused) throw new Error(`${label}: an approval was refused (${refused}); see the API log`);
    const seconds = (performance.now() - started) / 1000;
    const notSettled = ids.length - (await countCases(ctx, { _id: trusted({ $in: ids }), status: 'settled' }));
    if (notSettled > 0) throw new Error(`${label}: ${notSettled} of ${ids.length} cases ended otherwise than settled`);
    return { ids, seconds, casesPerSecond: ids.length / seconds, decisionMs };
  } finally {
    stopTicker();
    await pool.stop();
  }
}

/**
 * The floor: started and decided straight through the Temporal client; case i has shape
 * `shapes[i % shapes.length]` (the mix of our run). Returns one workflow id per shape too.
 */
export async function runFloorCases(
  ctx: BenchContext,
  count: number,
  shapes: FloorInput[],
  label: string,
  taskQueue: string = FLOOR_TASK_QUEUE,
) {
  let done = 0;
  const sampleIds: string[] = [];
  let failure: unknown;
  const stopTicker = ticker(() => `${label}: ${done}/${count} done`);
  const started = performance.now();
  try {
    await mapPool(
      Array.from({ length: count }, (_, i) => i),
      ctx.sizes.submitters,
      async (i) => {
        const shape = shapes[i % shapes.length]!;
        const handle = await ctx.floorClient.workflow.start(floorCase, {
          taskQueue,
          workflowId: `BenchFloor:${randomUUID()}`,
          args: [shape],
        });
        if (i < shapes.length) sampleIds[i] = handle.workflowId;
        // Decided as soon as started (updates wait in the workflow): the floor needs no officer inbox.
        // Not awaited, so the pool's slot goes to the next start and starts keep their pace; the
        // outcome is counted in `done` or kept in `failure`, which the loop below watches.
        void Promise.all(Array.from({ length: shape.branches }, (_, b) => handle.executeUpdate(floorDecideUpdate, { args: [b] })))
          .then(() => handle.result())
          .then(
            () => {
              done++;
            },
            (err: unknown) => {
              failure ??= err;
            },
          );
      },
    );
    const deadline = Date.now() + 30 * 60_000;
    while (done < count) {
      if (failure) throw failure;
      if (Date.now() > deadline) throw new Error(`${label}: ${done}/${count} floor cases after 30 min`);
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, casesPerSecond: count / seconds, sampleIds };
  } finally {
    stopTicker();
  }
}

export function countEvents(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>) {
  const events = history.events ?? [];
  return {
    events: events.length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    updates: events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length,
  };
}

/** Waits until the API's read model lists the case as settled; returns its history length and size. */
export async function settleOne(ctx: BenchContext, application: Record<string, unknown>, departments: Department[], sub: string) {
  const applicant = application.applicant as { idNumber: string };
  const token = await applicantToken(ctx, applicant.idNumber, sub);
  const res = await submit(ctx.stack.apiUrl, token, application);
  if (res.status !== 202) throw new Error(`submission refused: ${res.status} ${JSON.stringify(res.body)}`);
  const caseId = res.body.caseId;
  const pool = startOfficerPool({
    apiUrl: ctx.stack.apiUrl,
    tokens: Object.fromEntries(departments.map((d) => [d, ctx.officerTokens[d]])),
    officersPerDepartment: 1,
    decisionFor: (id) => (id === caseId ? { decision: 'approve' } : undefined),
  });
  try {
    const handle = ctx.client.workflow.getHandle(settlementCaseWorkflowId(caseId));
    const result = (await handle.result()) as { status: string };
    if (result.status !== 'settled') throw new Error(`${sub}: ended ${result.status}, expected settled`);
    const d = await handle.describe();
    return { caseId, events: d.historyLength, bytes: d.historySize ?? NaN };
  } finally {
    await pool.stop();
  }
}
