/**
 * (5) Footprint: history events and bytes per settled case by route beside the floor case's,
 * and the worker's RSS idle and with many open cases beside the floor worker's. The open cases
 * stay open for the decision-latency phase, which decides them.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { demoApplication } from '../../scripts/lib/demo-cases';
import { caseStatusQuery, settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { ALL_DEPARTMENTS, type BenchContext } from '../context';
import { settleOne, submitAll } from '../drive';
import { FLOOR_TASK_QUEUE, floorCase, floorWaitingQuery, type FloorInput } from '../floor/floor.workflow';
import { mapPool, sleep, until } from '../lib/api-driver';
import { rssMiB } from '../lib/measure';
import { applicationFor } from '../lib/people';
import { say, ticker } from '../lib/progress';
import type { Results } from '../results';

/**
 * (5a) History events per settled case: a sample of the throughput run's town cases, then one
 * case of each other route; beside a settled floor case of the town shape (`floorTownId`).
 */
export async function historyEventsByRoute(ctx: BenchContext, townCaseIds: string[], floorTownId: string) {
  say('(5) footprint: history events per settled case, by route');
  const { client } = ctx;
  const townSample = townCaseIds.slice(0, 10);
  const townDescribed = await mapPool(townSample, 5, (id) => client.workflow.getHandle(settlementCaseWorkflowId(id)).describe());
  const historyEvents: Results['footprint']['historyEvents'] = {
    town: {
      events: Math.round(townDescribed.reduce((s, d) => s + d.historyLength, 0) / townDescribed.length),
      bytes: Math.round(townDescribed.reduce((s, d) => s + (d.historySize ?? 0), 0) / townDescribed.length),
    },
  };
  const [pointsPerson] = ctx.people.points;
  const [collectivePerson] = ctx.people.collective;
  historyEvents.points = await settleOne(ctx, applicationFor(pointsPerson!), ALL_DEPARTMENTS, 'bench-route-points');
  historyEvents.collective = await settleOne(ctx, applicationFor(collectivePerson!), ALL_DEPARTMENTS, 'bench-route-collective');
  historyEvents.children = await settleOne(
    ctx,
    demoApplication(DEMO_PEOPLE.parentWithChildren, 'bench@example.cn'),
    ALL_DEPARTMENTS,
    'bench-route-children',
  );
  for (const [route, h] of Object.entries(historyEvents)) say(`    ${route}: ${h.events} events, ${h.bytes} bytes`);
  const floorEvents = (await ctx.floorClient.workflow.getHandle(floorTownId).describe()).historyLength;
  return { historyEvents, floorEvents };
}

/**
 * Asks `isReady` of every id not yet ready, 10 at a time, every `everyMs`, until all of them
 * are; `onProgress` hears how many are ready after each round.
 */
async function untilEvery(
  ids: string[],
  isReady: (id: string) => Promise<boolean>,
  poll: { what: string; timeoutMs: number; everyMs: number },
  onProgress?: (ready: number) => void,
): Promise<void> {
  const notYet = new Set(ids);
  await until(
    async () => {
      await mapPool([...notYet], 10, async (id) => {
        if (await isReady(id)) notYet.delete(id);
      });
      onProgress?.(ids.length - notYet.size);
      return notYet.size === 0 ? true : undefined;
    },
    poll.what,
    poll.timeoutMs,
    poll.everyMs,
  );
}

/** (5b) Opens `sizes.open` cases on each side, waits until all of them wait for a decision, and reads the workers' RSS. */
export async function openCasesAndRss(ctx: BenchContext, floorShape: FloorInput) {
  const { sizes, floorClient, client } = ctx;
  say(`(5) footprint: ${sizes.open} open cases each side, then worker RSS`);
  const workerPid = ctx.stack.worker.child.pid;
  const floorPid = ctx.floorWorker.child.pid;
  const idleRss = { ours: rssMiB(workerPid), floor: rssMiB(floorPid) };
  const floorOpen: string[] = [];
  {
    let started = 0;
    const stopTicker = ticker(() => `floor: ${started}/${sizes.open} started`);
    await mapPool(
      Array.from({ length: sizes.open }, (_, i) => i),
      sizes.submitters,
      async () => {
        const workflowId = `BenchFloorOpen:${randomUUID()}`;
        await floorClient.workflow.start(floorCase, { taskQueue: FLOOR_TASK_QUEUE, workflowId, args: [floorShape] });
        floorOpen.push(workflowId);
        started++;
      },
    );
    await untilEvery(
      floorOpen,
      async (id) => (await floorClient.workflow.getHandle(id).query(floorWaitingQuery)).length === floorShape.branches,
      { what: 'floor workflows waiting', timeoutMs: 10 * 60_000, everyMs: 1000 },
    );
    stopTicker();
  }
  await sleep(2000);
  const floorOpenRss = rssMiB(floorPid);
  say(`    floor worker RSS: ${idleRss.floor.toFixed(0)} MiB idle → ${floorOpenRss.toFixed(0)} MiB with ${sizes.open} open`);

  let openSubmitted = 0;
  let openWaiting = 0;
  const stopOpenTicker = ticker(() => `ours: ${openSubmitted}/${sizes.open} submitted, ${openWaiting} waiting for officers`);
  const openIds = await submitAll(ctx, ctx.people.open, () => {
    openSubmitted++;
  });
  // Asked of the workflows (status Query), not the read model: the read model can lag behind a
  // waiting case (see README "Benchmarks", known issues), and polling it would load the store.
  await untilEvery(
    openIds,
    async (id) => {
      const s = await client.workflow.getHandle(settlementCaseWorkflowId(id)).query(caseStatusQuery);
      return Object.values(s.steps).every((st) => st!.status === 'awaiting_decision');
    },
    { what: 'open cases waiting for officers', timeoutMs: 60 * 60_000, everyMs: 3000 },
    (ready) => {
      openWaiting = ready;
    },
  );
  stopOpenTicker();
  await sleep(2000);
  const openRss = rssMiB(workerPid);
  say(`    worker RSS: ${idleRss.ours.toFixed(0)} MiB idle → ${openRss.toFixed(0)} MiB with ${sizes.open} open`);
  return {
    floorOpen,
    openIds,
    workerRssMiB: { idle: idleRss.ours, open: openRss },
    floorWorkerRssMiB: { idle: idleRss.floor, open: floorOpenRss },
  };
}
