/**
 * The deadline each overdue department missed (domain/case-summary.ts, `summarize`'s `overdueDeadlines`): what
 * the supervisor's overdue list, its CSVs and the API give beside the department.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CaseState, SchoolPlacement } from '../../domain/case-state';
import { summarize } from '../../domain/case-summary';

const overdueDeadlines = (state: CaseState) => summarize(state).overdueDeadlines;
import { stepState } from '../support/step-state';

const step = stepState;

const waitingChild = (personIndex: number, dueAt: string): SchoolPlacement => ({
  personIndex,
  area: 'yanta',
  level: 'primary',
  status: 'waiting',
  dueAt,
  overdue: true,
  feeWaiver: true,
  examEligible: true,
});

const caseWith = (extra: Partial<CaseState>): CaseState =>
  ({
    status: 'in_review',
    application: { route: 'points', district: 'yanta' },
    steps: {},
    failingCompensations: [],
    ...extra,
  }) as unknown as CaseState;

describe('overdueDeadlines', () => {
  it('when two departments are overdue, then each gives the deadline it missed, oldest first, and one on time gives none', () => {
    // Arrange
    const state = caseWith({
      steps: {
        police: step('police', { overdue: true, dueAt: '2026-11-24T09:00:00.000Z' }),
        housing: step('housing', { overdue: true, dueAt: '2026-11-20T09:00:00.000Z' }),
        hrss: step('hrss', { dueAt: '2026-11-19T09:00:00.000Z' }),
      },
    });

    // Act
    const due = overdueDeadlines(state);

    // Assert
    assert.deepEqual(due, [
      { department: 'housing', dueAt: '2026-11-20T09:00:00.000Z' },
      { department: 'police', dueAt: '2026-11-24T09:00:00.000Z' },
    ]);
    assert.deepEqual(
      due.map((d) => d.department).sort(),
      [...summarize(state).overdueDepartments].sort(),
      'the same departments as the overdue list',
    );
  });

  it('when a settled family waits for two school places and an insurance transfer past due, then education gives the earlier place deadline and HR the transfer’s', () => {
    // Arrange: the decided steps' old flags no longer count once the case has settled.
    const state = caseWith({
      status: 'settled',
      steps: { police: step('police', { status: 'approved', overdue: true, dueAt: '2026-10-01T09:00:00.000Z' }) },
      schoolPlacements: [waitingChild(2, '2026-11-30T09:00:00.000Z'), waitingChild(3, '2026-11-27T09:00:00.000Z')],
      socialInsuranceTransfer: {
        status: 'pending',
        at: '2026-11-01T09:00:00.000Z',
        dueAt: '2026-11-28T09:00:00.000Z',
        overdue: true,
      },
    });

    // Act
    const due = overdueDeadlines(state);

    // Assert
    assert.deepEqual(due, [
      { department: 'education', dueAt: '2026-11-27T09:00:00.000Z' },
      { department: 'hrss', dueAt: '2026-11-28T09:00:00.000Z' },
    ]);
  });

  it('when an officer asked for material after the deadline, then the paused step gives no missed deadline while the applicant owes it', () => {
    // Arrange
    const state = caseWith({
      steps: {
        police: step('police', { status: 'supplement_requested', overdue: true, dueAt: '2026-11-24T09:00:00.000Z' }),
        housing: step('housing', { overdue: true, dueAt: '2026-11-25T09:00:00.000Z' }),
      },
    });

    // Act + Assert
    assert.deepEqual(overdueDeadlines(state), [{ department: 'housing', dueAt: '2026-11-25T09:00:00.000Z' }]);
  });

  it('when a transfer is completed after its deadline, then HR gives no missed deadline', () => {
    // Arrange
    const state = caseWith({
      status: 'settled',
      socialInsuranceTransfer: {
        status: 'completed',
        at: '2026-11-01T09:00:00.000Z',
        dueAt: '2026-11-28T09:00:00.000Z',
        overdue: true,
      },
    });

    // Act + Assert
    assert.deepEqual(overdueDeadlines(state), []);
  });
});
