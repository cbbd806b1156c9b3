/**
 * Fields derived from a case's state that supervisors and inboxes filter on. One function feeds
 * both the workflow's search attributes and the read model, so the two never disagree.
 */
import type { CaseState } from './case-state';
import { TERMINAL_STATUSES, type Department, type StepStatus } from './vocabulary';

const PENDING: readonly StepStatus[] = ['pending', 'checking', 'check_failed', 'awaiting_decision', 'supplement_requested'];

/** A department's overdue wait and when it fell due. */
export interface OverdueDeadline {
  department: Department;
  /** ISO instant: the earliest deadline among the department's overdue waits on the case. */
  dueAt: string;
}

export interface CaseSummary {
  area: string;
  pendingDepartments: Department[];
  overdueDepartments: Department[];
  /**
   * The deadline each overdue department missed, oldest first: what a supervisor reports with an
   * overdue case (how late, not only whose). A department overdue on a paused step only has none.
   */
  overdueDeadlines: OverdueDeadline[];
  failingChecks: string[];
  overdue: boolean;
  /** Earliest open supplement deadline (ISO), if the applicant owes material. */
  supplementDueAt: string | undefined;
  /** Children waiting for a kindergarten / school place (§21–23), even after the family settled. */
  childrenWaiting: number;
  /** HR's social-insurance transfer is past its deadline, not completed (issue 14): HR's open wait. */
  transferOverdue: boolean;
}

export function summarize(state: CaseState): CaseSummary {
  const steps = Object.values(state.steps);
  const open = steps.filter((s) => PENDING.includes(s.status));
  const failingChecks: string[] = steps
    .filter((s) => s.status === 'check_failed' || s.checkFailures > 0)
    .map((s) => s.department);
  if (state.failingCompensations.length > 0) failingChecks.push('compensation');
  // A register refusing a commit is that department's system failing, as a failing lookup is.
  for (const f of state.commitFailures ?? []) if (!failingChecks.includes(f.department)) failingChecks.push(f.department);
  const supplementDueAt = open
    .filter((s) => s.status === 'supplement_requested' && s.supplement && !s.supplement.providedAt)
    .map((s) => s.supplement!.dueAt)
    .sort()[0];
  const terminal = ['settled', 'rejected', 'withdrawn', 'terminated'].includes(state.status);
  // A waiting child is the education department's open wait, settled family or not.
  const waiting = (state.schoolPlacements ?? []).filter((p) => p.status === 'waiting');
  const transferOverdue = state.socialInsuranceTransfer?.overdue === true && state.socialInsuranceTransfer.status !== 'completed';
  const pendingDepartments: Department[] = terminal ? [] : open.map((s) => s.department);
  if (waiting.length > 0 && !pendingDepartments.includes('education')) pendingDepartments.push('education');
  if (transferOverdue && !pendingDepartments.includes('hrss')) pendingDepartments.push('hrss');

  // Each overdue wait, with the deadline it missed when it has one: whose and how late, decided
  // once, so the search attributes, the read model and the supervisor's dates never disagree.
  const overdueList: Department[] = [];
  const earliest = new Map<Department, string>();
  const overdueWait = (department: Department, dueAt: string | undefined) => {
    if (!overdueList.includes(department)) overdueList.push(department);
    if (!dueAt) return;
    const known = earliest.get(department);
    if (!known || dueAt < known) earliest.set(department, dueAt);
  };
  if (!terminal) {
    // A step waiting for the applicant's material has its clock paused: it stays overdue, but its
    // old deadline is not one the department is missing now (the officer's page says "paused").
    for (const s of open) if (s.overdue) overdueWait(s.department, s.status === 'supplement_requested' ? undefined : s.dueAt);
  }
  for (const p of waiting) if (p.overdue) overdueWait('education', p.dueAt);
  if (transferOverdue) overdueWait('hrss', state.socialInsuranceTransfer?.dueAt);
  return {
    area: state.application.district ?? state.application.town ?? 'unknown',
    pendingDepartments,
    overdueDepartments: overdueList,
    overdueDeadlines: [...earliest]
      .map(([department, dueAt]) => ({ department, dueAt }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt)),
    failingChecks,
    overdue: overdueList.length > 0,
    supplementDueAt: terminal ? undefined : supplementDueAt,
    childrenWaiting: waiting.length,
    transferOverdue,
  };
}

/** The read model's filter fields of a case: what a projection stores beside the state. */
export interface ReadModelFields {
  pendingDepartments: Department[];
  overdueDepartments: Department[];
  failingChecks: string[];
  overdue: boolean;
  /** Not ended, or a child still waits for a place, or HR's transfer is overdue (§21–23, issue 14). */
  open: boolean;
  childrenWaiting: number;
  /** ISO instant, or null when the applicant owes nothing. */
  supplementDueAt: string | null;
}

export function readModelFields(state: CaseState, summary: CaseSummary = summarize(state)): ReadModelFields {
  return {
    pendingDepartments: summary.pendingDepartments,
    overdueDepartments: summary.overdueDepartments,
    failingChecks: summary.failingChecks,
    overdue: summary.overdue,
    open: !TERMINAL_STATUSES.includes(state.status) || summary.childrenWaiting > 0 || summary.transferOverdue,
    childrenWaiting: summary.childrenWaiting,
    supplementDueAt: summary.supplementDueAt ?? null,
  };
}
