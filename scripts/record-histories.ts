/**
 * Records one settlement-case history per route (and one bulk intervention) on the real stack (its own Temporal dev server
 * and FerretDB, the department systems simulator over HTTP) and writes each to
 * test/fixtures/histories/<name>.json, which test/integration/replay.test.ts replays in CI.
 *
 *   npx tsx scripts/record-histories.ts                  # record every scenario
 *   npx tsx scripts/record-histories.ts town-settled …   # record only the named ones
 *   npx tsx scripts/record-histories.ts --suffix lean-transitions   # write <name>.lean-transitions.json,
 *                                                        # keeping the older recordings beside them
 *
 * Re-record ONLY when a workflow change is meant to break compatibility with every case
 * already started (nothing is live yet; the lead re-records at the end of a round of workflow
 * changes). Once cases run in production, keep old histories and add new ones under new names:
 * a change that fails to replay them must go behind `patched()`. See docs/replay-histories.md.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { Department } from '../domain/vocabulary';
import { eventually, startStack, type TestStack } from '../test/support/stack';
import { awaitingDecision, caseInput, decide, startCase } from '../test/support/cases';
import { untilState } from '../test/support/case-records';
import { historyToJson } from '../test/support/histories';
import { TEST_DATA_CONVERTER } from '../test/support/services';
import { DEMO_PEOPLE, type DemoPersona } from '../tools/simulator/demo-people';
import {
  assignSchoolPlaceUpdate,
  caseStatusQuery,
  provideSupplementUpdate,
  claimStepUpdate,
  releaseStepUpdate,
  supervisorActionUpdate,
  terminateUpdate,
  withdrawUpdate,
  type SettlementCaseInput,
  type SettlementCaseResult,
} from '../workflows/settlement-case/messages';
import { bulkIntervention } from '../workflows/bulk-intervention/bulk-intervention.workflow';
import { bulkInterventionWorkflowId } from '../workflows/bulk-intervention/messages';
import { admissionRoundTrigger } from '../workflows/admission-round/admission-round.workflow';
import {
  admissionRoundWorkflowId,
  lodgeObjectionUpdate,
  resolveObjectionUpdate,
  roundViewQuery,
  type RoundView,
} from '../workflows/admission-round/messages';
import { closeRound, quotaOf, testRounds, untilInRound } from '../test/support/rounds';
import { testCapacities } from '../test/support/capacities';
import type { CapacityTable } from '../domain/capacity';
import { writeWorkflowBundle } from './lib/bundle';
import { freePort, stopAll } from './lib/processes';
import { DATA_DIR, ROOT, readBinaries, startFerretdb, startTemporal } from './lib/services';

const HISTORIES_DIR = join(ROOT, 'test', 'fixtures', 'histories');

type CaseHandle = Awaited<ReturnType<typeof startCase>>;

interface Scenario {
  persona: DemoPersona;
  /** Changes to the persona's usual application (another area, say). */
  adjust?: (input: SettlementCaseInput) => SettlementCaseInput;
  /** Drives the case to its end with officer decisions. */
  drive(handle: CaseHandle): Promise<void>;
  /** Capacities of its own (the shipped file, edited): the scenario then runs on a stack of its own. */
  capacities?: (t: CapacityTable) => void;
  expect: SettlementCaseResult['status'];
}

const ALL_FOUR: Department[] = ['police', 'hrss', 'housing', 'education'];
const approveAll = (departments: Department[]) => async (handle: CaseHandle) => {
  await Promise.all(departments.map((d) => decide(handle, d)));
};

/** An officer claims or releases a step (issue 10), as the API sends it. */
const hold = async (handle: CaseHandle, kind: 'claim' | 'release', department: Department, officerId: string) => {
  const requestId = randomUUID();
  await handle.executeUpdate(kind === 'claim' ? claimStepUpdate : releaseStepUpdate, {
    updateId: `${kind}:${department}:${requestId}`,
    args: [{ requestId, department, officerDepartment: department, officerId }],
  });
};

const SCENARIOS: Record<string, Scenario> = {
  // §1: police + housing.
  'town-settled': { persona: DEMO_PEOPLE.townOwner, drive: approveAll(['police', 'housing']), expect: 'settled' },
  // §1 §16, patch `residence-in-area`: the home is in Huyi, the application in Lantian; housing
  // reports residence_elsewhere and the case settles in a Lantian collective household.
  'town-home-elsewhere': {
    persona: DEMO_PEOPLE.townOwner,
    adjust: (input) => ({ ...input, application: { ...input.application, town: 'lantian' } }),
    drive: approveAll(['police', 'housing']),
    expect: 'settled',
  },
  // Issue 13: deadlines on the working-day calendar; housing asks for material (the officer's
  // clock stops), the applicant provides it, housing gets back the days left and approves.
  'working-day-deadlines': {
    persona: DEMO_PEOPLE.townOwner,
    adjust: (input) => ({
      ...input,
      sla: {
        ...input.sla,
        workingDays: {
          officerDecision: { police: 5, hrss: 5, housing: 5, education: 5 },
          supplementResponse: 15,
          officeClose: '17:00',
        },
      },
    }),
    async drive(handle) {
      const asked = await decide(handle, 'housing', 'request_supplement', { missing: ['房屋产权证明'] });
      if (!asked.supplement) throw new Error('working-day-deadlines: no supplement requested');
      const requestId = randomUUID();
      const { applicantUserId } = await handle.query(caseStatusQuery);
      await handle.executeUpdate(provideSupplementUpdate, {
        updateId: requestId,
        args: [{ requestId, department: 'housing', applicantUserId, items: [{ name: '房屋产权证明', reference: 'upload-1' }] }],
      });
      await approveAll(['police', 'housing'])(handle);
    },
    expect: 'settled',
  },
  // §2: all four departments, points score, quota slot.
  'points-settled': { persona: DEMO_PEOPLE.pointsHigh, drive: approveAll(ALL_FOUR), expect: 'settled' },
  // §16: no residence → collective-household slot.
  'collective-household': { persona: DEMO_PEOPLE.noHousing, drive: approveAll(ALL_FOUR), expect: 'settled' },
  // §21–23: spouse and two children, a school place per child.
  'with-children': { persona: DEMO_PEOPLE.parentWithChildren, drive: approveAll(ALL_FOUR), expect: 'settled' },
  // Housing, education and police approve (residence, two school places and the provisional
  // registration are committed; since `admission-rounds` the quota slot waits for the round),
  // then HR rejects: every commit is undone.
  'rejected-after-commits': {
    persona: DEMO_PEOPLE.parentWithChildren,
    async drive(handle) {
      for (const d of ['housing', 'education', 'police'] as const) await decide(handle, d);
      await eventually(
        async () => ((await handle.query(caseStatusQuery)).reservations.length >= 4 ? true : undefined),
        'four reservations held',
      );
      await decide(handle, 'hrss', 'reject', { reasonCode: 'other', reasonText: '社保缴费记录与申报不符' });
    },
    expect: 'rejected',
  },
  // §21–23: Yanta's kindergarten has no places (capacities of the scenario's own): the family
  // settles while the kindergarten child waits on the list, then an education officer places it
  // elsewhere. (Recorded in Beilin, whose shipped kindergarten is full, until the home there earned
  // no residence points: patch residence-in-area.)
  'child-waitlisted': {
    persona: DEMO_PEOPLE.parentWithChildren,
    capacities: (t) => (t.schoolPlaces.yanta.kindergarten = 0),
    async drive(handle) {
      await approveAll(ALL_FOUR)(handle);
      const waiting = await eventually(async () => {
        const s = await handle.query(caseStatusQuery);
        return s.status === 'settled' ? s.schoolPlacements?.find((p) => p.status === 'waiting') : undefined;
      }, 'the family settled with a child waiting');
      // A few rechecks of the full pool (every 300 ms here) before the officer places the child.
      await new Promise((r) => setTimeout(r, 1_000));
      const requestId = randomUUID();
      await handle.executeUpdate(assignSchoolPlaceUpdate, {
        updateId: requestId,
        args: [
          {
            requestId,
            officerId: 'officer-education',
            officerDepartment: 'education',
            personIndex: waiting.personIndex,
            school: '碑林区第一幼儿园',
          },
        ],
      });
    },
    expect: 'settled',
  },
  // Issue 10, officer workbench: the police officer claims the step and decides it; a housing
  // officer claims and releases, another claims, a supervisor reassigns the step to a third, who
  // decides it. Every claim / release / reassign Update is in the history, then the case settles.
  'claimed-then-decided': {
    persona: DEMO_PEOPLE.townOwner,
    async drive(handle) {
      await awaitingDecision(handle, 'police');
      await hold(handle, 'claim', 'police', 'officer-police');
      await decide(handle, 'police');
      await awaitingDecision(handle, 'housing');
      await hold(handle, 'claim', 'housing', 'housing-officer-1');
      await hold(handle, 'release', 'housing', 'housing-officer-1');
      await hold(handle, 'claim', 'housing', 'housing-officer-2');
      const requestId = randomUUID();
      await handle.executeUpdate(supervisorActionUpdate, {
        updateId: requestId,
        args: [
          { requestId, supervisorId: 'supervisor-1', department: 'housing', action: 'reassign', officerId: 'officer-housing' },
        ],
      });
      await decide(handle, 'housing');
    },
    expect: 'settled',
  },
  // Police approve (a provisional registration is held), then a supervisor terminates the case:
  // the registration is released and a numbered termination letter is sent.
  terminated: {
    persona: DEMO_PEOPLE.townOwner,
    async drive(handle) {
      await decide(handle, 'police');
      await eventually(
        async () => ((await handle.query(caseStatusQuery)).reservations.length >= 1 ? true : undefined),
        'the provisional registration held',
      );
      const requestId = randomUUID();
      await handle.executeUpdate(terminateUpdate, {
        updateId: requestId,
        args: [{ requestId, supervisorId: 'supervisor-1', note: '重复申请，经督办核实终止办理' }],
      });
    },
    expect: 'terminated',
  },
};

/**
 * Issue 11: a bulk intervention (a workflow type of its own) extends the police deadline of two
 * waiting cases and is refused by a third that a supervisor terminated first: the history holds
 * the batches, the pause between them, and a refused case in the report.
 */
async function recordBulk(stack: TestStack, name: string, bundle: string): Promise<string> {
  const waitingCase = async () => {
    const handle = await startCase(stack, caseInput(DEMO_PEOPLE.townOwner));
    await awaitingDecision(handle, 'police');
    return handle;
  };
  const [first, second, ended] = await Promise.all([waitingCase(), waitingCase(), waitingCase()]);
  const terminateId = randomUUID();
  await ended!.executeUpdate(terminateUpdate, {
    updateId: terminateId,
    args: [{ requestId: terminateId, supervisorId: 'supervisor-1', note: '申请人已迁出' }],
  });
  await ended!.result();
  const bulkId = randomUUID();
  const handle = await stack.client.workflow.start(bulkIntervention, {
    taskQueue: stack.taskQueue,
    workflowId: bulkInterventionWorkflowId(bulkId),
    args: [
      {
        bulkId,
        supervisorId: 'supervisor-1',
        action: 'extend_deadline',
        department: 'police',
        extendByMs: 24 * 3600_000,
        note: '派出所系统升级，批量顺延一天',
        caseIds: [first!, second!, ended!].map((h) => h.workflowId.replace(/^SettlementCase:/, '')),
        concurrency: 2,
        pauseMs: 200,
      },
    ],
  });
  const report = await handle.result();
  const outcomes = report.items.map((i) => i.outcome).join(',');
  if (outcomes !== 'succeeded,succeeded,refused')
    throw new Error(`${name}: outcomes ${outcomes}, expected two succeeded and one refused`);
  await Promise.all([first!, second!].map((h) => h.terminate('recorded the bulk intervention')));
  const history = await handle.fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: { code: bundle }, dataConverter: TEST_DATA_CONVERTER }, history, name);
  const file = fileFor(name);
  writeFileSync(file, historyToJson(history));
  return `${relative(ROOT, file)}: ${history.events?.length ?? 0} events, ${outcomes}`;
}
const BULK_SCENARIOS = ['bulk-extend-deadlines'];

/** A passing points case of yanta, submitted at `submittedAt`, approved and waiting in its round. */
type StartInRound = (submittedAt: string) => Promise<WorkflowHandle>;

/**
 * A round of the current year with one place in yanta, on a stack of its own (notice of
 * `noticeMs`); `drive` plays the scenario and names the workflows whose histories are written.
 */
async function recordYantaRound(
  bundle: string,
  opts: { prefix: string; noticeMs: number },
  drive: (stack: TestStack, roundId: string, start: StartInRound) => Promise<Array<readonly [string, WorkflowHandle]>>,
): Promise<string[]> {
  const year = Number(new Date().toISOString().slice(0, 4));
  const rounds = testRounds(`${opts.prefix}${Date.now().toString(36)}`, [
    { opensOn: `${year}-01-01`, closesOn: `${year}-12-30`, quota: quotaOf(0, { yanta: 1 }) },
  ]);
  const stack = await startStack(`record-${opts.prefix}`, { rounds, env: { PUBLIC_NOTICE_MS: String(opts.noticeMs) } });
  try {
    const start: StartInRound = async (submittedAt) => {
      const handle = await startCase(stack, { ...caseInput(DEMO_PEOPLE.pointsHigh), submittedAt });
      await approveAll(ALL_FOUR)(handle);
      await untilInRound(handle);
      return handle;
    };
    const lines: string[] = [];
    for (const [name, handle] of await drive(stack, rounds.ids[0]!, start)) {
      const history = await handle.fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: { code: bundle }, dataConverter: TEST_DATA_CONVERTER }, history, name);
      const file = fileFor(name);
      writeFileSync(file, historyToJson(history));
      lines.push(`${relative(ROOT, file)}: ${history.events?.length ?? 0} events`);
    }
    return lines;
  } finally {
    await stack.close();
  }
}

/**
 * Issue 13: an admission round (a workflow type of its own) with three passing yanta cases for one
 * place, closed by its trigger workflow as its Schedule would; an objection against the first is
 * upheld, so the second is admitted and settles, and the third hears the district's cut-off again
 * (patch `tell-cutoff-moved`) before it waits for a next round. Writes the round's, the trigger's
 * and the three cases' histories (the third's still open).
 */
function recordRound(bundle: string): Promise<string[]> {
  return recordYantaRound(bundle, { prefix: 'rec', noticeMs: 4000 }, async (stack, roundId, start) => {
    const first = await start(new Date(Date.now() - 60_000).toISOString());
    const second = await start(new Date(Date.now() - 30_000).toISOString());
    const third = await start(new Date().toISOString());
    const trigger = await stack.client.workflow.start(admissionRoundTrigger, {
      taskQueue: stack.taskQueue,
      workflowId: `record-trigger-${roundId}`,
      args: [{ roundId, action: 'close' }],
    });
    await trigger.result();
    const round = stack.client.workflow.getHandle(admissionRoundWorkflowId(roundId));
    const view = await round.query(roundViewQuery);
    const entry = view.districts[0]!.entries[0]!;
    await round.executeUpdate(lodgeObjectionUpdate, {
      args: [
        { objectionId: 'obj-rec', entryId: entry.entryId, by: { id: 'citizen-1', role: 'applicant' }, reason: '社保年限有误' },
      ],
    });
    await round.executeUpdate(resolveObjectionUpdate, {
      args: [{ objectionId: 'obj-rec', outcome: 'upheld', by: { id: 'supervisor-1', role: 'supervisor' }, note: '经核查属实' }],
    });
    const outcomes = [(await first.result()).status, (await second.result()).status].join(',');
    if (outcomes !== 'rejected,settled') throw new Error(`admission round: cases ended ${outcomes}, expected rejected,settled`);
    await round.result();
    // Not admitted, and no round after this one: it waits for one to be announced.
    await untilState(third, (st) => (st.round?.status === 'awaiting_announcement' ? st : undefined), 'third waiting');
    return [
      ['admission-round', round],
      ['admission-round-trigger', trigger],
      ['points-removed-by-objection', first],
      ['points-admitted-in-round', second],
      ['points-ranked-below', third],
    ];
  });
}

/**
 * Patches `left-after-ranking` and `leave-ranked-round`: a round with two passing yanta cases for
 * one place, closed by a supervisor; during the notice the admitted case is terminated and the
 * other withdrawn, so the round marks both entries as left and finalises with nobody to tell.
 * Writes the round's and both cases' histories.
 */
function recordRoundLeft(bundle: string): Promise<string[]> {
  return recordYantaRound(bundle, { prefix: 'recl', noticeMs: 6000 }, async (stack, roundId, start) => {
    const admitted = await start(new Date(Date.now() - 60_000).toISOString());
    const other = await start(new Date().toISOString());
    await closeRound(stack.client, roundId);
    const round = stack.client.workflow.getHandle(admissionRoundWorkflowId(roundId));
    await eventually(
      async () => ((await admitted.query(caseStatusQuery)).round?.status === 'admitted_provisionally' ? true : undefined),
      'the first case admitted provisionally',
    );
    const terminateId = randomUUID();
    await admitted.executeUpdate(terminateUpdate, {
      updateId: terminateId,
      args: [{ requestId: terminateId, supervisorId: 'supervisor-1', note: '申请人已迁出本市' }],
    });
    await eventually(
      async () => ((await other.query(caseStatusQuery)).round?.status === 'not_admitted' ? true : undefined),
      'the second case ranked, not admitted',
    );
    const { applicantUserId } = await other.query(caseStatusQuery);
    await other.executeUpdate(withdrawUpdate, { args: [{ requestId: randomUUID(), applicantUserId }] });
    const outcomes = [(await admitted.result()).status, (await other.result()).status].join(',');
    if (outcomes !== 'terminated,withdrawn')
      throw new Error(`round left: cases ended ${outcomes}, expected terminated,withdrawn`);
    const final = (await round.result()) as RoundView;
    const statuses = final.districts[0]!.entries.map((e) => e.status).join(',');
    if (statuses !== 'left,left') throw new Error(`round left: entries ${statuses}, expected left,left`);
    return [
      ['admission-round-left', round],
      ['points-terminated-in-notice', admitted],
      ['points-withdrawn-in-notice', other],
    ];
  });
}
const ROUND_SCENARIOS = ['admission-round', 'admission-round-left'];

/** `--suffix <s>`: recordings of a patched branch go beside the older ones as `<name>.<s>.json`. */
let fileSuffix = '';
const fileFor = (name: string) => join(HISTORIES_DIR, `${name}${fileSuffix}.json`);

async function record(stack: TestStack, name: string, scenario: Scenario, bundle: string): Promise<string> {
  const input = (scenario.adjust ?? ((i) => i))(caseInput(scenario.persona));
  const handle = await startCase(stack, input);
  await scenario.drive(handle);
  const result = await handle.result();
  if (result.status !== scenario.expect) throw new Error(`${name}: ended ${result.status}, expected ${scenario.expect}`);
  const history = await handle.fetchHistory();
  // Sanity: the fresh recording replays against the code that produced it.
  await Worker.runReplayHistory({ workflowBundle: { code: bundle }, dataConverter: TEST_DATA_CONVERTER }, history, name);
  const file = fileFor(name);
  writeFileSync(file, historyToJson(history));
  return `${relative(ROOT, file)}: ${history.events?.length ?? 0} events, ${result.status}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--suffix');
  if (at >= 0) {
    const suffix = args.splice(at, 2)[1];
    if (!suffix || !/^[a-z0-9-]+$/.test(suffix))
      throw new Error('--suffix takes a name of lower-case letters, digits and dashes');
    fileSuffix = `.${suffix}`;
  }
  const wanted = args;
  const known = [...Object.keys(SCENARIOS), ...BULK_SCENARIOS, ...ROUND_SCENARIOS];
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const names = wanted.length ? wanted : known;

  const runDir = join(DATA_DIR, 'record-histories', `${Date.now()}-${process.pid}`);
  const bins = readBinaries();
  const [temporal, ferretdb, bundlePath] = await Promise.all([
    freePort().then((port) =>
      startTemporal({ binary: bins.temporal, port, dbFile: join(runDir, 'temporal.db'), logFile: join(runDir, 'temporal.log') }),
    ),
    freePort().then((port) =>
      startFerretdb({ binary: bins.ferretdb, port, sqliteDir: join(runDir, 'ferretdb'), logFile: join(runDir, 'ferretdb.log') }),
    ),
    writeWorkflowBundle(join(runDir, 'workflow-bundle.js')),
  ]);
  // What test/support reads: the same environment `npm test` gives the tests.
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.MONGODB_URI = ferretdb.uri;
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
  process.env.LOG_LEVEL ??= 'silent';

  mkdirSync(HISTORIES_DIR, { recursive: true });
  const bundle = readFileSync(bundlePath, 'utf8');
  if (names.includes('admission-round')) for (const line of await recordRound(bundle)) console.log(line);
  if (names.includes('admission-round-left')) for (const line of await recordRoundLeft(bundle)) console.log(line);
  const stack = await startStack('record-histories');
  try {
    for (const name of names.filter((n) => !ROUND_SCENARIOS.includes(n))) {
      const scenario = SCENARIOS[name];
      if (scenario?.capacities) {
        const own = await startStack(`record-${name}`, { capacityDir: testCapacities(scenario.capacities).dir });
        try {
          console.log(await record(own, name, scenario, bundle));
        } finally {
          await own.close();
        }
        continue;
      }
      console.log(
        await (BULK_SCENARIOS.includes(name) ? recordBulk(stack, name, bundle) : record(stack, name, scenario!, bundle)),
      );
    }
  } finally {
    await stack.close();
  }
  await stopAll();
  rmSync(runDir, { recursive: true, force: true });
}

main().then(
  async () => {
    await stopAll();
    process.exit(0);
  },
  async (err: unknown) => {
    console.error(`[record-histories] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await stopAll();
    process.exit(1);
  },
);
