/**
 * One case as a supervisor sees it (issue 11): every department's step, the full audit
 * timeline, the compensation ledger (read from the trail), the notices and their delivery, the
 * Temporal workflow id (with a link to the Temporal UI when one is configured), and the
 * intervention forms. Each intervention posts here with the CSRF token, a request id (a second
 * post of the same form changes nothing twice) and a required reason; a refusal is shown on the
 * case page in words. Termination asks for a confirmation first. The workflow audits every
 * intervention with the supervisor's id and reason (workflows/settlement-case/handlers.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { superviseStep, terminateCase } from '../../../app/commands/supervise-case';
import { awaitCaseStatusInReadModel, awaitStepViewInReadModel } from '../../../app/step-in-read-model';
import type { AppDeps } from '../../../app/deps';
import { AppError } from '../../../app/errors';
import { findOfficer, holderProblem, knownOfficers, staffNames, type HolderProblem } from '../../../app/officer-directory';
import { auditTrail } from '../../../app/queries/audit-trail';
import { caseNoticesForSupervisor } from '../../../app/queries/case-notices';
import { viewCaseAsSupervisor } from '../../../app/queries/view-case';
import { isOpenStep, SUPERVISOR_ACTIONS, type SupervisorAction } from '../../../domain/case-rules';
import type { Area } from '../../../domain/capacity';
import { DEPARTMENTS, TERMINAL_STATUSES, type Department } from '../../../domain/vocabulary';
import { shanghaiDateTime } from '../../../i18n/formats';
import { label } from '../../../i18n/labels';
import type { MessageKey } from '../../../i18n/messages';
import { settlementCaseWorkflowId } from '../../../workflows/settlement-case/messages';
import { incidentText } from '../incident-text';
import { holderName, officerChoices } from '../officer-names';
import { auditCsv, ledgerRows, releaseOrder, timelineRows } from './case-timeline';
import { accessOf, actorOf, flashAndRedirect, render, showMessage, tr } from '../page';
import { caseIdOf } from '../officer/case';
import { draftAddress, draftGone, openedDraft } from '../confirmation-draft';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The step actions offered as forms: every one of the domain's supervisor actions. */
const FORM_ACTIONS = SUPERVISOR_ACTIONS;
type FormAction = (typeof FORM_ACTIONS)[number];
const NOTE_MAX = 500;
const HOUR = 3600_000;

const text = (v: unknown, max: number): string => (typeof v === 'string' ? v.trim().slice(0, max + 1) : '');

const UNIT_WORDS = { hours: 'supUnitHours', days: 'supUnitDays', working_days: 'supUnitWorkingDays' } as const;
const unitWords = (req: Request, unit: string) => tr(req, UNIT_WORDS[unit as keyof typeof UNIT_WORDS] ?? 'supUnitDays');

/** What was typed into one intervention form; errors keyed by field id. */
export interface InterventionForm {
  action: FormAction | 'terminate';
  requestId: string;
  department: string;
  amount: string;
  unit: 'hours' | 'days' | 'working_days';
  officerId: string;
  note: string;
}

export function readInterventionForm(body: unknown): InterventionForm {
  const b = (body ?? {}) as Record<string, unknown>;
  const requestId = text(b.requestId, 100);
  const action = (FORM_ACTIONS as readonly string[]).includes(String(b.action)) ? (b.action as FormAction) : 'terminate';
  return {
    action,
    requestId: UUID.test(requestId) ? requestId : randomUUID(),
    department: text(b.department, 20),
    amount: text(b.amount, 10),
    unit: b.unit === 'hours' ? 'hours' : b.unit === 'days' ? 'days' : 'working_days',
    officerId: text(b.officerId, 128),
    note: text(b.note, NOTE_MAX),
  };
}

interface FieldError {
  field: string;
  text: string;
}

/** The form's problems, each with the id of the field it belongs to (`<action>-<field>`); exported for the page tests. */
export function problemsOf(req: Request, f: InterventionForm): FieldError[] {
  const id = (field: string) => `${f.action}-${field}`;
  const errors: FieldError[] = [];
  if (f.action !== 'terminate' && !(DEPARTMENTS as readonly string[]).includes(f.department))
    errors.push({ field: id('department'), text: tr(req, 'supErrDepartment') });
  if (f.action === 'extend_deadline') {
    const n = Number(f.amount);
    const max = f.unit === 'days' ? 90 : f.unit === 'working_days' ? 60 : 90 * 24;
    if (!(f.amount && Number.isInteger(n) && n >= 1 && n <= max))
      // Named in the unit chosen: 60 working days is not "90 days".
      errors.push({ field: id('amount'), text: tr(req, 'supErrAmount', { max, unit: unitWords(req, f.unit) }) });
  }
  if (f.action === 'reassign' && !f.officerId) errors.push({ field: id('officerId'), text: tr(req, 'supErrOfficer') });
  if (!f.note || f.note.length > NOTE_MAX) errors.push({ field: id('note'), text: tr(req, 'supErrNote') });
  return errors;
}

/** A refusal by the application layer, in words; not-found stays the 404 page. */
function refusalOf(req: Request, err: unknown): { text: string; status: number } {
  if (!(err instanceof AppError) || err.kind === 'not_found') throw err;
  const text = err.code === 'case-not-open' ? tr(req, 'supCaseEnded') : tr(req, 'supRefused', { detail: err.message });
  return { text, status: err.kind === 'conflict' ? 409 : err.kind === 'forbidden' ? 403 : 422 };
}

const blank = (action: InterventionForm['action'], unit: InterventionForm['unit']): InterventionForm => ({
  action,
  requestId: randomUUID(),
  department: '',
  amount: '',
  unit,
  officerId: '',
  note: '',
});

/** The field ids of the manual-service form of the notice at `index` on the case page (issue 14). */
export const serviceFieldId = (index: number, field: 'method' | 'at' | 'note') => `service-${index}-${field}`;

/** What was typed into one notice's manual-service form, to show again with its errors. */
export interface ServiceForm {
  noticeId: string;
  method: string;
  servedAt: string;
  note: string;
}

/** The audit export's purpose field (views/pages/supervisor/case.hbs). */
const AUDIT_PURPOSE_FIELD = 'audit-purpose';

interface CasePageExtras {
  /** The form that was posted, with its errors, shown again in place. */
  form?: InterventionForm;
  /** A notice's manual-service form that was posted, shown again in place. */
  service?: ServiceForm;
  errors?: FieldError[];
  refusal?: string;
  status?: number;
}

export async function supervisorCasePage(deps: AppDeps, req: Request, res: Response, extras: CasePageExtras = {}): Promise<void> {
  const actor = actorOf(req, 'supervisor');
  const caseId = caseIdOf(req);
  const [view, trail, notices, officers] = await Promise.all([
    viewCaseAsSupervisor(deps, { actor, caseId, access: accessOf(req) }),
    // The page's compensation ledger is read from this trail: one record covers both.
    auditTrail(deps, { actor, caseId, access: accessOf(req) }),
    caseNoticesForSupervisor(deps, { actor, caseId, access: accessOf(req) }),
    knownOfficers(deps),
  ]);
  const staff = await staffNames(
    deps,
    trail.items.filter((e) => e.actor.role === 'supervisor' && e.actor.id).map((e) => e.actor.id!),
  );
  const { config } = deps;
  const workflowId = settlementCaseWorkflowId(caseId);
  const temporalHref = config.TEMPORAL_UI_URL
    ? `${config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`
    : undefined;
  const locale = req.locale;
  const openSteps = view.steps.filter((s) => isOpenStep(s));
  const open = !TERMINAL_STATUSES.includes(view.status);
  const retrySteps = view.steps.filter((s) => s.status === 'check_failed');
  // retry_compensation retries a failing undo, or a commit a register refuses, of the department.
  const compensationSteps = [
    ...new Set(view.incidents.filter((i) => i.kind === 'compensation' || i.kind === 'commit').map((i) => i.department)),
  ];
  const roundSteps = openSteps.filter((s) => s.supplementRounds >= s.supplementRoundsAllowed);
  // Which forms the page shows now (views/pages/supervisor/case.hbs): errors of a form it does not
  // show could point at no field, so a post for one is refused in words instead.
  const offered: Record<InterventionForm['action'], boolean> = {
    extend_deadline: open && openSteps.length > 0,
    reassign: open && openSteps.length > 0,
    escalate: open && openSteps.length > 0,
    retry_check: open && openSteps.length > 0 && retrySteps.length > 0,
    authorise_supplement_round: open && openSteps.length > 0 && roundSteps.length > 0,
    retry_compensation: compensationSteps.length > 0,
    terminate: open,
  };
  if (extras.form && extras.errors?.length && !offered[extras.form.action]) {
    extras = { refusal: tr(req, open ? 'supActionNotOffered' : 'supCaseEnded'), status: 409 };
  }
  const posted = extras.form;
  // Deadlines run in working days (工作日) unless the deployment counts elapsed time: the form
  // offers the unit the deadlines are counted in, calendar days or hours only when chosen.
  const unit = config.DEADLINE_CLOCK === 'elapsed' ? 'days' : 'working_days';
  const formFor = (action: InterventionForm['action']): InterventionForm =>
    posted?.action === action ? posted : blank(action, unit);
  const fieldErrors = Object.fromEntries((extras.errors ?? []).map((e) => [e.field, e.text]));
  const stepChoices = (action: InterventionForm['action']) =>
    openSteps.map((s) => ({ value: s.department, selected: formFor(action).department === s.department }));

  render(
    req,
    res,
    'supervisor/case',
    {
      title: tr(req, 'supCaseTitle', { caseNumber: view.caseNumber }),
      errors: extras.errors,
      refusal: extras.refusal,
      backLink: { href: '/supervisor/stuck', text: tr(req, 'stuckTitle') },
      c: view,
      ...(view.anonymisedAt ? { anonymisedAtText: shanghaiDateTime(view.anonymisedAt, locale) } : {}),
      workflowId,
      temporalHref,
      // One note under the table for every date marked provisional, not the note after each.
      anyDueProvisional: view.steps.some((s) => s.dueProvisional),
      // The children's school places (§21–23): a waiting child is education's to place, by a date.
      placements: view.schoolPlacements,
      steps: view.steps.map((s) => ({
        ...s,
        ...(s.assignedOfficer ? { holderText: holderName(req, officers, s.assignedOfficer) } : {}),
        departmentText: label('department', s.department, locale),
        ...(s.status === 'supplement_requested' && s.supplement
          ? { dueAt: s.supplement.dueAt, dueProvisional: s.supplement.dueProvisional === true }
          : { dueAt: s.dueAt, dueProvisional: s.dueProvisional === true }),
      })),
      // What each department asked the applicant for, and its officers' internal notes (the
      // officer's form promises supervisors see them).
      stepNotes: view.steps
        .map((s) => ({
          departmentText: label('department', s.department, locale),
          supplements: [...(s.pastSupplements ?? []), ...(s.supplement ? [s.supplement] : [])],
          internalNotes: s.internalNotes,
        }))
        .filter((s) => s.supplements.length > 0 || s.internalNotes.length > 0),
      timeline: timelineRows(req, trail.items, { officers, staff, persons: trail.persons }),
      ledger: ledgerRows(trail.items, locale, trail.persons),
      incidents: view.incidents.map((i) => ({ ...i, text: incidentText(i, locale) })),
      notices: notices.map((n, i) => {
        const posted = extras.service?.noticeId === n.noticeId ? extras.service : undefined;
        return {
          ...n,
          // The letter to print and serve (an applicant's notice; staff notices have none).
          letterHref: n.hasLetter
            ? `/supervisor/cases/${view.caseId}/letter?notice=${encodeURIComponent(n.noticeId)}`
            : undefined,
          service: {
            methodId: serviceFieldId(i, 'method'),
            methodError: fieldErrors[serviceFieldId(i, 'method')],
            atId: serviceFieldId(i, 'at'),
            atError: fieldErrors[serviceFieldId(i, 'at')],
            noteId: serviceFieldId(i, 'note'),
            noteError: fieldErrors[serviceFieldId(i, 'note')],
            post: posted?.method === 'post',
            inPerson: posted?.method === 'in_person',
            servedAt: posted?.servedAt ?? '',
            note: posted?.note ?? '',
          },
        };
      }),
      open,
      hasOpenSteps: openSteps.length > 0,
      fieldErrors,
      forms: {
        extend: {
          ...formFor('extend_deadline'),
          steps: stepChoices('extend_deadline'),
          hours: formFor('extend_deadline').unit === 'hours',
          days: formFor('extend_deadline').unit === 'days',
          workingDays: formFor('extend_deadline').unit === 'working_days',
        },
        reassign: {
          ...formFor('reassign'),
          steps: stepChoices('reassign'),
          officerGroups: officerChoices(req, officers, formFor('reassign').officerId, (o) =>
            openSteps.some((s) => !holderProblem(o, s.department, (view.area || undefined) as Area | undefined)),
          ),
          anyOfficerKnown: officers.length > 0,
        },
        escalate: { ...formFor('escalate'), steps: stepChoices('escalate') },
        retry: {
          ...formFor('retry_check'),
          steps: retrySteps.map((s) => ({ value: s.department, selected: formFor('retry_check').department === s.department })),
        },
        retryCompensation: {
          ...formFor('retry_compensation'),
          steps: compensationSteps.map((d) => ({
            value: d,
            selected: formFor('retry_compensation').department === d,
          })),
        },
        round: {
          ...formFor('authorise_supplement_round'),
          steps: roundSteps.map((s) => ({
            value: s.department,
            selected: formFor('authorise_supplement_round').department === s.department,
          })),
        },
        terminate: formFor('terminate'),
      },
    },
    extras.status ?? (extras.errors?.length ? 400 : 200),
  );
}

const caseHref = (caseId: string) => `/supervisor/cases/${caseId}`;

const HOLDER_PROBLEM_TEXT: Record<HolderProblem['reason'], MessageKey> = {
  unknown_officer: 'supErrOfficerUnknown',
  other_department: 'supErrOfficerDepartment',
  other_area: 'supErrOfficerArea',
};

/** POST /supervisor/cases/:caseId/actions: one step action from the case page. */
export async function interventionPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req, 'supervisor');
  const caseId = caseIdOf(req);
  const form = readInterventionForm(req.body);
  // No form of the page posts another action (a hidden field): nothing a person typed to point at.
  if (form.action === 'terminate') return showMessage(req, res, 400, 'formRefusedTitle', ['formUnreadableText']);
  const errors = problemsOf(req, form);
  if (errors.length) return supervisorCasePage(deps, req, res, { form, errors });
  const action: SupervisorAction = form.action;
  const amount = Number(form.amount);
  let caseNumber: string;
  let step: Awaited<ReturnType<typeof superviseStep>>;
  try {
    const view = await viewCaseAsSupervisor(deps, { actor, caseId, access: accessOf(req) });
    caseNumber = view.caseNumber;
    // The command enforces who may hold the step; asked first here, the page says why in words.
    if (action === 'reassign') {
      const officer = await findOfficer(deps, form.officerId);
      const problem = holderProblem(officer, form.department as Department, view.area as Area);
      if (problem) {
        const text = tr(req, HOLDER_PROBLEM_TEXT[problem.reason], {
          department: label('department', officer?.department ?? form.department, req.locale),
          area: label('area', view.area, req.locale),
        });
        const errors = [{ field: 'reassign-officerId', text }];
        return supervisorCasePage(deps, req, res, { form: { ...form, requestId: randomUUID() }, errors });
      }
    }
    step = await superviseStep(deps, {
      actor,
      caseId,
      requestId: form.requestId,
      department: form.department as Department,
      action,
      ...(action === 'extend_deadline'
        ? form.unit === 'working_days'
          ? { extendByWorkingDays: amount }
          : { extendByMs: amount * (form.unit === 'days' ? 24 * HOUR : HOUR) }
        : {}),
      ...(action === 'reassign' ? { officerId: form.officerId } : {}),
      note: form.note,
    });
  } catch (err) {
    const { text, status } = refusalOf(req, err);
    return supervisorCasePage(deps, req, res, { form: { ...form, requestId: randomUUID() }, refusal: text, status });
  }
  // The page after it is drawn from the read model: with the new deadline or holder, not the old
  // ones (a deadline still shown overdue invites a second extension). A failed read draws it sooner.
  // A retry changes no field of the step the answer shows (the lookup runs afterwards, and its
  // transient `checking` is never stored), so there is nothing to wait for.
  const retry = action === 'retry_check' || action === 'retry_compensation';
  if (step && !retry) await awaitStepViewInReadModel(deps, caseId, step);
  const done = tr(req, 'supDone', { caseNumber, action: label('supervisorAction', action, req.locale) });
  return flashAndRedirect(req, res, done, caseHref(caseId));
}

/** A termination's draft is sealed for its case: no other case's confirmation address opens it. */
const terminationPurpose = (caseId: string) => `termination-draft:${caseId}`;

/**
 * POST /supervisor/cases/:caseId/termination: the reason is checked, then the confirmation page,
 * at an address of its own (web/pages/confirmation-draft.ts: Back after terminating finds the case
 * page, not the browser's "resubmit the form?"); its Confirm posts here again (`step=confirm`).
 */
export async function terminationPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req, 'supervisor');
  const caseId = caseIdOf(req);
  const form = { ...readInterventionForm(req.body), action: 'terminate' as const };
  const errors = problemsOf(req, form);
  if (errors.length) return supervisorCasePage(deps, req, res, { form, errors });
  if (req.body && (req.body as Record<string, unknown>).step === 'confirm') {
    try {
      await terminateCase(deps, { actor, caseId, requestId: form.requestId, note: form.note });
    } catch (err) {
      const { text, status } = refusalOf(req, err);
      return supervisorCasePage(deps, req, res, { refusal: text, status });
    }
    // The page after it is drawn from the read model: shown terminated, not as it was a moment
    // before. The case is terminated whatever this wait meets: a failed read only draws it sooner.
    await awaitCaseStatusInReadModel(deps, caseId, 'terminated').catch(() => false);
    const view = await viewCaseAsSupervisor(deps, { actor, caseId, access: accessOf(req) });
    return flashAndRedirect(req, res, tr(req, 'supTerminated', { caseNumber: view.caseNumber }), caseHref(caseId));
  }
  const address = draftAddress(req, res, `${caseHref(caseId)}/termination/confirm`, terminationPurpose(caseId), {
    requestId: form.requestId,
    note: form.note,
  });
  if (address) return res.redirect(303, address);
  await showTerminationConfirmation(deps, req, res, form);
}

/**
 * GET /supervisor/cases/:caseId/termination/confirm?draft=…: the confirmation of a termination.
 * A case that has ended (Back after terminating it) leads to its page; a draft gone says so there.
 */
export async function terminationDraftPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const caseId = caseIdOf(req);
  const draft = openedDraft(req, res, terminationPurpose(caseId));
  if (draft === undefined) return draftGone(req, res, caseHref(caseId));
  await showTerminationConfirmation(deps, req, res, { ...readInterventionForm(draft), action: 'terminate' as const });
}

async function showTerminationConfirmation(deps: AppDeps, req: Request, res: Response, form: InterventionForm): Promise<void> {
  const actor = actorOf(req, 'supervisor');
  const caseId = caseIdOf(req);
  const view = await viewCaseAsSupervisor(deps, { actor, caseId, access: accessOf(req) });
  if (TERMINAL_STATUSES.includes(view.status)) return res.redirect(303, caseHref(caseId));
  render(req, res, 'supervisor/confirm-terminate', {
    title: tr(req, 'supTerminateConfirmTitle', { caseNumber: view.caseNumber }),
    backLink: { href: caseHref(caseId), text: tr(req, 'supCancel') },
    c: view,
    form,
    held: releaseOrder(view, req.locale),
  });
}

/**
 * POST /supervisor/cases/:caseId/audit.csv (purpose in the form): the timeline as a file. A copy of
 * the trail leaves the system, so its purpose is required and recorded (README "Access records"),
 * as for the API's; without one the case page says so at the field, the rest of the page as it was.
 */
export async function auditExportPage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const access = accessOf(req, { postedPurpose: true });
  if (access.purpose) return auditCsv(deps, req, res, access);
  return supervisorCasePage(deps, req, res, {
    errors: [{ field: AUDIT_PURPOSE_FIELD, text: tr(req, 'supAuditCsvNeedPurpose') }],
    status: 400,
  });
}
