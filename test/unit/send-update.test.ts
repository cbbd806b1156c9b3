/** An Update lost with a failed workflow task is sent again; anything else is not (app/workflow-calls.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppDeps } from '../../app/deps';
import { sendUpdate } from '../../app/workflow-calls';

const deps = {
  temporal: { connection: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() } },
  config: { TEMPORAL_CALL_TIMEOUT_MS: 10_000 },
} as unknown as AppDeps;

const lost = () =>
  Object.assign(new Error('Workflow Update failed'), {
    name: 'ServiceError',
    cause: Object.assign(
      new Error('9 FAILED_PRECONDITION: Unable to perform workflow execution update due to unexpected workflow task failure.'),
      { code: 9 },
    ),
  });

describe('sendUpdate', () => {
  it('when the server says the Update was lost with a failed workflow task, then it is sent again and its answer returned', async () => {
    let calls = 0;
    const answer = await sendUpdate(deps, async () => {
      calls += 1;
      if (calls < 3) throw lost();
      return 'applied';
    });
    assert.equal(answer, 'applied');
    assert.equal(calls, 3);
  });

  it('when it keeps being lost, then the error comes out after four tries', async () => {
    let calls = 0;
    await assert.rejects(
      sendUpdate(deps, async () => {
        calls += 1;
        throw lost();
      }),
      /Workflow Update failed/,
    );
    assert.equal(calls, 4);
  });

  it('when the Update fails otherwise (a refusal, Temporal down), then it is not sent again', async () => {
    let calls = 0;
    const refused = Object.assign(new Error('refused'), { cause: Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }) });
    await assert.rejects(
      sendUpdate(deps, async () => {
        calls += 1;
        throw refused;
      }),
      /refused/,
    );
    assert.equal(calls, 1);
  });
});
