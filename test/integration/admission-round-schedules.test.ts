/**
 * Temporal Schedules open and close admission rounds on the dates in the rounds files (issue 13):
 * a worker makes one Schedule per round date still ahead, idempotently, and a Schedule's action
 * (the trigger workflow) closes its round as a supervisor's early close would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { ensureRoundSchedules, roundScheduleId, roundSettings } from '../../temporal/admission-rounds';
import { admissionRoundWorkflowId, roundViewQuery } from '../../workflows/admission-round/messages';
import { quotaOf, testRounds } from '../support/rounds';
import { eventually, startStack, type TestStack } from '../support/stack';

describe('admission rounds on Temporal Schedules', () => {
  let stack: TestStack;
  let roundId: string;
  const year = Number(shanghaiToday().slice(0, 4));
  const created: string[] = [];

  before(async () => {
    const rounds = testRounds(`s${Date.now().toString(36)}`, [
      { opensOn: `${year}-01-01`, closesOn: `${year}-12-30`, quota: quotaOf(2) },
    ]);
    roundId = rounds.ids[0]!;
    stack = await startStack('round_schedules', { rounds });
  });
  after(async () => {
    await Promise.allSettled(created.map((id) => stack.client.schedule.getHandle(id).delete()));
    await stack?.close();
  });

  it('when a worker makes the schedules, then each round date ahead gets one, in Beijing time, and a second call makes none but moves them to a renamed task queue', async () => {
    const settings = { client: stack.client, ...roundSettings(stack.config) };
    const ids = await ensureRoundSchedules(settings, `${year}-06-01`);
    created.push(...ids);
    // The round opened on 1 January, before the day given: only its close is ahead.
    assert.deepEqual(ids, [roundScheduleId(roundId, 'close')]);
    const described = await stack.client.schedule.getHandle(ids[0]!).describe();
    assert.equal(described.spec.timezone, 'Asia/Shanghai');
    const calendar = JSON.stringify(described.spec.calendars);
    assert.match(calendar, /DECEMBER/);
    assert.match(calendar, /"start":30/);
    assert.match(calendar, /"start":17/, 'at the office close, 17:00');
    assert.equal(described.action.type, 'startWorkflow');
    assert.equal(described.action.type === 'startWorkflow' ? described.action.workflowType : '', 'admissionRoundTrigger');
    assert.deepEqual(await ensureRoundSchedules(settings, `${year}-06-01`), [], 'a schedule that exists is left alone');
    // Workers on a renamed task queue move the round's Schedule to it (else no worker would run its trigger).
    const queueOf = async () => {
      const d = await stack.client.schedule.getHandle(ids[0]!).describe();
      return d.action.type === 'startWorkflow' ? d.action.taskQueue : '';
    };
    assert.deepEqual(await ensureRoundSchedules({ ...settings, taskQueue: 'renamed-queue' }, `${year}-06-01`), []);
    assert.equal(await queueOf(), 'renamed-queue');
    await ensureRoundSchedules(settings, `${year}-06-01`);
    assert.equal(await queueOf(), settings.taskQueue);
  });

  it('when the close schedule fires, then the round is started if need be, closed and ranked', async () => {
    await stack.client.schedule.getHandle(roundScheduleId(roundId, 'close')).trigger();
    const view = await eventually(async () => {
      try {
        const v = await stack.client.workflow.getHandle(admissionRoundWorkflowId(roundId)).query(roundViewQuery);
        return v.phase !== 'open' ? v : undefined;
      } catch {
        return undefined; // not started yet
      }
    }, 'the round closed by its schedule');
    assert.equal(view.phase, 'public_notice');
    const closed = view.events.find((e) => e.type === 'closed');
    assert.equal(closed?.actor.id, 'schedule');
  });
});
