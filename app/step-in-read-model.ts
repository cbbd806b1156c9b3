/**
 * Read-your-writes for the web pages. An officer's Update answers with the step as the workflow
 * holds it; the read model the case page is drawn from follows a moment later (the workflow's
 * projection activity). Redirecting at once showed "decided" in the banner over a page still
 * offering the decision form. So a page waits, briefly and bounded, until the read model shows
 * the step as the Update left it. The JSON API answers an officer with the step itself and does
 * not wait; a command that answers from the read model (an applicant's supplement) waits for both doors.
 */
import { isDeepStrictEqual } from 'node:util';
import type { SchoolPlacement, StepState } from '../domain/case-state';
import { caseModel } from '../models/case.model';
import { loadCase } from './case-store';
import type { AppDeps } from './deps';
import { officerStepView, type OfficerCaseView } from './views/case-views';
import { personAt } from '../domain/vocabulary';

/** Long enough for a projection on a busy machine; a page after that says what the read model says. */
export const STEP_CATCH_UP_MS = 3_000;
const POLL_MS = 100;

/** What an officer's Update changes on a step: its status, its decision, its holder. */
export type StepMark = Pick<StepState, 'department' | 'status' | 'assignedOfficer' | 'assignedAt'> & {
  decision?: { at: string };
};

const sameStep = (a: StepState | undefined, b: StepMark): boolean =>
  a !== undefined &&
  a.status === b.status &&
  a.decision?.at === b.decision?.at &&
  a.assignedOfficer === b.assignedOfficer &&
  a.assignedAt === b.assignedAt;

/**
 * Whether `shows` held of the read model within `timeoutMs`, looking every POLL_MS. A read that
 * fails counts as "not yet": the wait is a courtesy after a command the workflow has already
 * accepted, so it must never turn that acceptance into an error (the page or answer drawn after
 * it reads the store again and says what it finds).
 */
async function pollUntil(shows: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await shows().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Whether one department's step, as the read model holds it, satisfied `shows` within `timeoutMs`. */
function awaitStep(
  deps: AppDeps,
  caseId: string,
  department: StepState['department'],
  shows: (step: StepState) => boolean,
  timeoutMs: number,
): Promise<boolean> {
  const cases = caseModel(deps.mongo);
  return pollUntil(async () => {
    const step = (await cases.findById(caseId, { [`steps.${department}`]: 1 }).lean())?.steps[department];
    return step !== undefined && shows(step);
  }, timeoutMs);
}

/** Whether the read model showed `step` (as an Update answered it) within `timeoutMs`. */
export function awaitStepInReadModel(
  deps: AppDeps,
  caseId: string,
  step: StepMark,
  timeoutMs = STEP_CATCH_UP_MS,
): Promise<boolean> {
  return awaitStep(deps, caseId, step.department, (shown) => sameStep(shown, step), timeoutMs);
}

/**
 * Whether the read model showed the case in `status` within `timeoutMs`: an applicant's page
 * after a withdrawal is drawn once it shows the case withdrawn, not from the moment before.
 */
export function awaitCaseStatusInReadModel(
  deps: AppDeps,
  caseId: string,
  status: string,
  timeoutMs = STEP_CATCH_UP_MS,
): Promise<boolean> {
  const cases = caseModel(deps.mongo);
  return pollUntil(async () => (await cases.findById(caseId, { status: 1 }).lean())?.status === status, timeoutMs);
}

/**
 * Whether the read model showed, within `timeoutMs`, the supplement round `step` answered (the
 * Update's step, material provided) as answered — or as past, once the officer has asked again.
 * Without it the applicant's page after sending was drawn with the form they had just filled in,
 * and sending it again was refused as "no material awaited".
 */
export function awaitSupplementInReadModel(
  deps: AppDeps,
  caseId: string,
  step: Pick<StepState, 'department' | 'supplement'>,
  timeoutMs = STEP_CATCH_UP_MS,
): Promise<boolean> {
  const round = step.supplement?.requestedAt;
  return awaitStep(
    deps,
    caseId,
    step.department,
    ({ supplement }) => supplement !== undefined && (supplement.providedAt !== undefined || supplement.requestedAt !== round),
    timeoutMs,
  );
}

/**
 * Whether the read model showed a step exactly as a command answered it (`shown`, the step's view
 * as officers and supervisors see it) within `timeoutMs`. A supervisor's page after extending a
 * deadline was drawn with the old one, still overdue, inviting a second extension.
 */
export function awaitStepViewInReadModel(
  deps: AppDeps,
  caseId: string,
  shown: OfficerCaseView['step'],
  timeoutMs = STEP_CATCH_UP_MS,
): Promise<boolean> {
  return awaitStep(deps, caseId, shown.department, (step) => isDeepStrictEqual(officerStepView(step), shown), timeoutMs);
}

/**
 * The case's school placements, each with its child's name, once the read model holds one for
 * each of `children` children within `timeoutMs` (education's approval reserves their places just
 * after its Update answers: a place, or the waiting list); undefined when they are not there yet.
 */
export async function awaitSchoolPlacementsInReadModel(
  deps: AppDeps,
  caseId: string,
  children: number,
  timeoutMs = STEP_CATCH_UP_MS,
): Promise<Array<SchoolPlacement & { name: string }> | undefined> {
  const cases = caseModel(deps.mongo);
  const listed = (placements: SchoolPlacement[] | undefined) => (placements ?? []).filter((p) => p.status !== 'cancelled');
  // Polled on the placements alone; the names (sealed, opened on reading) are read once they are there.
  const there = await pollUntil(
    async () => listed((await cases.findById(caseId, { schoolPlacements: 1 }).lean())?.schoolPlacements).length >= children,
    timeoutMs,
  );
  const c = there ? await loadCase(deps, caseId).catch(() => undefined) : undefined;
  return c && listed(c.schoolPlacements).map((p) => ({ ...p, name: personAt(c.application, p.personIndex)?.name ?? '' }));
}
