/**
 * The decide form of the officer workbench: what the form posts, read into a draft decision and
 * checked by the same rules the workflow's validator and the JSON API use (domain/case-rules.ts:
 * decisionProblems and the limits), worded in the officer's language next to each field. The
 * reasons offered are the route's and department's (OFFICER_REASONS), nothing else.
 */
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import {
  DECISION_KINDS,
  decisionProblems,
  INTERNAL_NOTE_MAX,
  NOTICE_TEXT_MAX,
  SUPPLEMENT_MAX_ITEMS,
  type DecisionDraft,
  type DecisionKind,
  type FieldProblem,
} from '../../../domain/case-rules';
import type { RejectionReason } from '../../../domain/codes';
import type { MessageKey } from '../../../i18n/messages';
import { tr } from '../page';

/** The form's fields as posted (or to show again): text as typed. */
export interface DecisionFormValues {
  requestId: string;
  decision: string;
  reasonCode: string;
  reasonText: string;
  /** One missing item a line, as in the textarea. */
  missing: string;
  internalNote: string;
}

export interface FormError {
  field: string;
  text: string;
}

export type CheckedDecision = DecisionDraft & { internalNote?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function blankDecisionForm(): DecisionFormValues {
  // The request id is made when the form is shown: a form sent twice is one decision.
  return { requestId: randomUUID(), decision: '', reasonCode: '', reasonText: '', missing: '', internalNote: '' };
}

function text(value: unknown, max = 20_000): string {
  // urlencoded with extended:false gives a string, or an array for a repeated name.
  const v = Array.isArray(value) ? value.join('\n') : typeof value === 'string' ? value : '';
  return v.slice(0, max);
}

export function readDecisionForm(body: unknown): DecisionFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const requestId = text(b.requestId, 100);
  return {
    requestId: UUID.test(requestId) ? requestId : randomUUID(),
    decision: text(b.decision, 50),
    reasonCode: text(b.reasonCode, 50),
    reasonText: text(b.reasonText),
    missing: text(b.missing),
    internalNote: text(b.internalNote),
  };
}

export const missingItems = (missing: string): string[] =>
  missing
    .split(/\r?\n/)
    .map((m) => m.trim())
    .filter((m) => m.length > 0);

const RULE_TEXT: Record<FieldProblem['rule'], [MessageKey, Record<string, unknown>]> = {
  reason_code_required: ['officerErrReasonCode', {}],
  reason_text_required: ['officerErrReasonTextRequired', {}],
  reason_text_where: ['officerErrReasonTextWhere', {}],
  reason_text_length: ['officerErrReasonTextLength', { max: NOTICE_TEXT_MAX }],
  missing_required: ['officerErrMissingRequired', {}],
  missing_too_many: ['officerErrMissingTooMany', { max: SUPPLEMENT_MAX_ITEMS }],
  missing_item_length: ['officerErrMissingItemLength', { max: NOTICE_TEXT_MAX }],
  land_rights_condition: ['officerErrLandRights', {}],
};

/**
 * The decision the form asks for, or the problems with it. `offered`: the decisions this step
 * may take (no refusal where the department never refuses on the route); `reasons`: the
 * route's and department's reason codes; `facts`: what the case's step found that a rule reads.
 */
export function checkDecisionForm(
  req: Request,
  values: DecisionFormValues,
  offered: readonly DecisionKind[],
  reasons: readonly RejectionReason[],
  facts: { residenceElsewhere?: boolean } = {},
): { decision: CheckedDecision; errors: [] } | { decision?: undefined; errors: FormError[] } {
  const errors: FormError[] = [];
  const kind = DECISION_KINDS.find((k) => k === values.decision && offered.includes(k));
  if (!kind) return { errors: [{ field: 'decision', text: tr(req, 'officerErrDecision') }] };
  const draft: CheckedDecision = { decision: kind };
  if (kind === 'reject') {
    const code = reasons.find((r) => r === values.reasonCode);
    // Incomplete material is left out of the list until the department has asked for it: say so.
    if (values.reasonCode && !code)
      errors.push({
        field: 'reasonCode',
        text: tr(
          req,
          values.reasonCode === 'incomplete_material' ? 'officerErrIncompleteBeforeAsking' : 'officerErrReasonCodeNotAllowed',
        ),
      });
    if (code) draft.reasonCode = code;
    const reasonText = values.reasonText.trim();
    if (reasonText) draft.reasonText = reasonText;
  }
  if (kind === 'request_supplement') draft.missing = missingItems(values.missing);
  for (const p of decisionProblems(draft, facts)) {
    if (p.field === 'reasonCode' && errors.some((e) => e.field === 'reasonCode')) continue;
    const [key, params] = RULE_TEXT[p.rule];
    errors.push({ field: p.field, text: tr(req, key, params) });
  }
  const note = values.internalNote.trim();
  if (note.length > INTERNAL_NOTE_MAX)
    errors.push({ field: 'internalNote', text: tr(req, 'officerErrInternalNoteLength', { max: INTERNAL_NOTE_MAX }) });
  else if (note) draft.internalNote = note;
  return errors.length ? { errors } : { decision: draft, errors: [] };
}
