/**
 * The CI determinism check: every history recorded under test/fixtures/histories (one per
 * route, see scripts/record-histories.ts and docs/replay-histories.md) must replay against the
 * workflow bundle this run built. A change to workflow code that running cases could not
 * replay fails here, before it ships; such a change belongs behind `patched()`.
 *
 * The second part proves the check has teeth: the same histories fail against a deliberately
 * incompatible variant of the workflow and pass against the same change made behind `patched()`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { createLogger } from '../../config/logger';
import { installTemporalRuntime } from '../../worker/runtime';
import { readHistoryFiles, type HistoryFile } from '../support/histories';
// Histories are recorded by the test stack, so their payloads are encrypted with the test key.
import { TEST_DATA_CONVERTER } from '../support/services';

const HISTORIES_DIR = join(__dirname, '..', 'fixtures', 'histories');
/**
 * Histories the Temporal SDK wrote and cannot replay: its bug, not a change of ours (README
 * "Known engine bugs"). Each is expected to fail as it does today; the day an SDK upgrade
 * replays it, this suite says so, and the history moves to HISTORIES_DIR.
 */
const SDK_BUGS_DIR = join(__dirname, '..', 'fixtures', 'sdk-bugs');
const SDK_BUGS: ReadonlyArray<{ name: string; fails: RegExp; upstream: string }> = [
  {
    // A worker restarted while four lookups were in flight; the first workflow task after it
    // (cold: full history) carried both their results and an officer's decision (an Update). Live,
    // the lookups' continuation scheduled its activity before the Update was accepted; replay
    // delivers the Update first. Recorded by the case-resilience test on 2026-12-07.
    name: 'update-reordered-after-worker-restart',
    fails: /Update machine does not handle this event: HistoryEvent\(id: 43, ActivityTaskScheduled\)/,
    upstream: 'temporalio/sdk-python#1591, temporalio/sdk-rust#1597',
  },
];
const VARIANTS_DIR = join(__dirname, '..', 'fixtures', 'workflows');
/** At least one recorded history per route and ending (issue 3, "Temporal practice"), and one with claims (issue 10). */
const REQUIRED = [
  'town-settled',
  'points-settled',
  'collective-household',
  'with-children',
  'rejected-after-commits',
  // Issue 10: officers claim, release and decide; a supervisor reassigns.
  'claimed-then-decided',
  // Issue 11: a bulk intervention, a workflow type of its own.
  'bulk-extend-deadlines',
  // Issue 12: cases started since the `lean-transitions` patch (transitions by local activity,
  // written together); the files above stand for cases started before it.
  // Issue 13: a case on the working-day clock (the `working-day-deadlines` patch).
  'working-day-deadlines',
  // A home in another area than the one applied for (the `residence-in-area` patch).
  'town-home-elsewhere',
  // Issue 13: a points case since the `admission-rounds` patch, admitted by its round or removed
  // by an upheld objection; the round and its Schedule's trigger, workflow types of their own.
  'points-admitted-in-round',
  'points-removed-by-objection',
  'admission-round',
  'admission-round-trigger',
  // Patches `left-after-ranking` and `leave-ranked-round`: ranked cases that ended during the
  // notice, and their round marking them as left.
  'admission-round-left',
  'points-terminated-in-notice',
  'points-withdrawn-in-notice',
  // Patch `tell-cutoff-moved`: after an upheld objection the round tells its other ranked cases
  // the district's cut-off; a case ranked below the line takes it.
  'admission-round.tell-cutoff-moved',
  'points-ranked-below.tell-cutoff-moved',
  // Patches `whole-year-tiebreak` and `final-after-resolutions`: the round ranks completed years,
  // and becomes final only once every resolution's news is out.
  'admission-round.final-after-resolutions',
  // Patch `recheck-completes`: a waiting child's recheck of the pool runs to its end even when
  // the case is cancelled meanwhile.
  'child-waitlisted.recheck-completes',
  // Patches `waitlist-before-settlement` and `waitlist-notice`: the child waits from the day it
  // joins the list, and the family is told that day.
  'child-waitlisted.waitlist-notice',
  ...['town-settled', 'points-settled', 'with-children', 'rejected-after-commits', 'claimed-then-decided'].map(
    (n) => `${n}.lean-transitions`,
  ),
];
/** The workflow types a recorded history may be of (workflows/index.ts). */
const TYPES = ['settlementCase', 'bulkIntervention', 'admissionRound', 'admissionRoundTrigger'];
const typeOf = (h: HistoryFile) => h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;

const noop = () => undefined;
const quietBundler = { trace: noop, debug: noop, info: noop, warn: noop, log: noop, error: noop };

function currentBundle(): string {
  const path = process.env.WORKFLOW_BUNDLE_PATH;
  if (!path) throw new Error('WORKFLOW_BUNDLE_PATH is not set: run the suite through `npm test`, which bundles the workflows');
  return readFileSync(path, 'utf8');
}

/** Replays every history against `code`; the error of each that failed, by name. */
async function replayAll(code: string, histories: HistoryFile[]): Promise<Map<string, Error>> {
  const failures = new Map<string, Error>();
  const results = Worker.runReplayHistories(
    { workflowBundle: { code }, replayName: 'ci-replay-check', dataConverter: TEST_DATA_CONVERTER },
    histories.map((h) => ({ workflowId: h.name, history: h.history })),
  );
  for await (const r of results) if (r.error) failures.set(r.workflowId, r.error);
  return failures;
}

describe('recorded histories replay against the current workflow code', () => {
  let histories: HistoryFile[];
  before(() => {
    installTemporalRuntime(createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'test-replay' }));
    histories = readHistoryFiles(HISTORIES_DIR);
  });

  it('when the fixtures are listed, then every route has a recorded history', () => {
    const names = histories.map((h) => h.name);
    for (const name of REQUIRED) assert.ok(names.includes(name), `test/fixtures/histories/${name}.json is missing`);
    for (const h of histories)
      assert.ok(TYPES.includes(String(typeOf(h))), `${h.name} is a history of one of ${TYPES.join(', ')}`);
    for (const type of TYPES)
      assert.ok(
        histories.some((h) => typeOf(h) === type),
        `a ${type} history is recorded`,
      );
  });

  it('when every recorded history is replayed against this build, then none fails (no DeterminismViolationError)', async () => {
    const failures = await replayAll(currentBundle(), histories);

    const report = [...failures].map(([name, err]) => `${name}: ${err.name}: ${err.message}`);
    assert.deepEqual(
      report,
      [],
      'workflow code changed incompatibly: put the change behind patched() (docs/replay-histories.md)',
    );
  });

  it('when a history the SDK wrote but cannot replay is replayed, then it still fails as its known bug does (until an SDK upgrade fixes it)', async () => {
    const files = readHistoryFiles(SDK_BUGS_DIR);
    assert.deepEqual(files.map((f) => f.name).sort(), SDK_BUGS.map((b) => b.name).sort());
    for (const bug of SDK_BUGS) {
      const { history } = files.find((f) => f.name === bug.name)!;
      const replayed = await Worker.runReplayHistory(
        { workflowBundle: { code: currentBundle() }, dataConverter: TEST_DATA_CONVERTER },
        history,
        bug.name,
      ).then(
        () => undefined,
        (err: unknown) => err,
      );
      assert.ok(
        replayed !== undefined,
        `${bug.name} replays now: the SDK bug (${bug.upstream}) is fixed in this SDK version. Move the history to test/fixtures/histories and remove it from SDK_BUGS and from README "Known engine bugs"`,
      );
      assert.ok(replayed instanceof DeterminismViolationError, String(replayed));
      assert.match(replayed.message, bug.fails, 'it fails as the known bug does, not some other way');
    }
  });

  describe('the check itself', () => {
    let incompatible: string;
    let patched: string;
    before(async () => {
      // Bundling takes a few seconds each; both at once.
      const bundle = async (file: string): Promise<string> =>
        (await bundleWorkflowCode({ workflowsPath: join(VARIANTS_DIR, file), logger: quietBundler })).code;
      [incompatible, patched] = await Promise.all([
        bundle('settlement-case.nondeterministic.ts'),
        bundle('settlement-case.patched.ts'),
      ]);
    });

    it('when a history is replayed against a workflow whose first command differs, then it fails with DeterminismViolationError', async () => {
      const town = histories.find((h) => h.name === 'town-settled')!;

      await assert.rejects(
        Worker.runReplayHistory(
          { workflowBundle: { code: incompatible }, dataConverter: TEST_DATA_CONVERTER },
          town.history,
          town.name,
        ),
        (err: unknown) => {
          assert.ok(err instanceof DeterminismViolationError, `expected DeterminismViolationError, got ${String(err)}`);
          assert.match(err.message, /nondeterminism/i);
          return true;
        },
      );
    });

    it('when the same change is made behind patched(), then every recorded history still replays', async () => {
      // The variants hold the case workflow only.
      const failures = await replayAll(
        patched,
        histories.filter((h) => typeOf(h) === 'settlementCase'),
      );

      assert.deepEqual([...failures.keys()], []);
    });
  });
});
