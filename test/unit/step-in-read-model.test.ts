/**
 * The bounded read-your-writes waits (app/step-in-read-model.ts). Their reads are scripted
 * here (a connection that never opens, its model's `findById` replaced) so that a failing read
 * can be made to happen: the wait follows a command the workflow has already accepted, so a
 * read that fails must count as "not yet", never as an error of the command.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mongoose from 'mongoose';
import type { AppDeps } from '../../app/deps';
import { awaitStepInReadModel, awaitSupplementInReadModel } from '../../app/step-in-read-model';
import { caseModel } from '../../models/case.model';

type Read = () => Promise<unknown>;

/** Deps whose case reads answer, in turn, with `reads` (the last one repeats). */
function depsReading(reads: Read[]): { deps: AppDeps; count: () => number } {
  const conn = mongoose.createConnection();
  let n = 0;
  const model = caseModel(conn);
  (model as unknown as { findById: unknown }).findById = () => ({
    lean: () => reads[Math.min(n++, reads.length - 1)]!(),
  });
  return { deps: { mongo: conn } as unknown as AppDeps, count: () => n };
}

const down: Read = () => Promise.reject(new Error('connection refused'));
const stepDoc =
  (step: object): Read =>
  () =>
    Promise.resolve({ steps: { police: { department: 'police', ...step } } });

const decided = {
  department: 'police',
  status: 'approved',
  assignedOfficer: 'officer-1',
  assignedAt: '2026-12-01T09:00:00.000Z',
  decision: { at: '2026-12-01T09:05:00.000Z' },
} as const;

describe('read-your-writes waits', () => {
  it('count a failed read as "not yet" and see the step on the next one', async () => {
    const { deps, count } = depsReading([down, stepDoc(decided)]);
    assert.equal(await awaitStepInReadModel(deps, 'case-1', decided, 2_000), true, 'the second read shows the step');
    assert.equal(count(), 2, 'one failed read, then one that showed it');
  });

  it('give up (false), never throw, when every read fails', async () => {
    const { deps, count } = depsReading([down]);
    assert.equal(await awaitStepInReadModel(deps, 'case-1', decided, 250), false, 'the wait ends unshown');
    assert.ok(count() >= 2, `it kept looking until its deadline (${count()} reads)`);
  });

  it('wait for a supplement round answered, or for a later round', async () => {
    const round = { requestedAt: '2026-12-01T09:00:00.000Z', dueAt: '2026-12-15T09:00:00.000Z', missing: ['租赁合同'] };
    const asked = { department: 'police' as const, supplement: round };
    const still = stepDoc({ supplement: round });
    const answered = stepDoc({ supplement: { ...round, providedAt: '2026-12-01T10:00:00.000Z' } });
    const later = stepDoc({ supplement: { ...round, requestedAt: '2026-12-02T09:00:00.000Z' } });
    assert.equal(await awaitSupplementInReadModel(depsReading([still]).deps, 'c', asked, 250), false, 'unanswered');
    assert.equal(await awaitSupplementInReadModel(depsReading([still, answered]).deps, 'c', asked, 2_000), true);
    assert.equal(await awaitSupplementInReadModel(depsReading([later]).deps, 'c', asked, 2_000), true, 'a later round');
  });
});
