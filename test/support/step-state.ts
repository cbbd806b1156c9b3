/** A department step as the state holds it, awaiting the officer unless `extra` says otherwise: for unit tests of views. */
import type { StepState } from '../../domain/case-state';

export const stepState = (department: StepState['department'], extra: Partial<StepState> = {}): StepState => ({
  department,
  status: 'awaiting_decision',
  overdue: false,
  checkFailures: 0,
  internalNotes: [],
  ...extra,
});
