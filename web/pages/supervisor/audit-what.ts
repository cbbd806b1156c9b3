/**
 * An audit line's "what" in the reader's words. The workflow records `what` as a code or a short
 * English phrase: it is the record, the same in every export and language. The supervisor's case
 * page words the common ones; the type column already says what a line is (a claim, a lookup, a
 * reminder), so those need nothing more. Anything else is shown as recorded, marked as English.
 */
import { DECISION_KINDS, SUPERVISOR_ACTIONS } from '../../../domain/case-rules';
import { RESERVATION_KINDS } from '../../../domain/codes';
import { NOTICE_EVENTS, ROUTES, type Locale } from '../../../domain/vocabulary';
import { label } from '../../../i18n/labels';
import { message } from '../../../i18n/messages';
import type { AuditEventView } from '../../../app/views/audit-views';

export interface AuditWhat {
  text: string;
  /** The text as the workflow recorded it (English), not worded for the reader. */
  recorded: boolean;
}

const among = <T extends string>(list: readonly T[], value: string | undefined): value is T =>
  value !== undefined && (list as readonly string[]).includes(value);

/** Types whose label (and department column) say all their `what` says. */
const SAID_BY_TYPE = new Set([
  'step_claimed',
  'step_released',
  'check_completed',
  'reminder',
  'escalation',
  'settled',
  'rejected',
  'withdrawn',
  'terminated',
  'supplement_requested',
  'supplement_expired',
]);

export function auditWhat(e: Pick<AuditEventView, 'type' | 'what'>, locale: Locale): AuditWhat {
  const worded = (text: string): AuditWhat => ({ text, recorded: false });
  const { type, what } = e;
  if (type === 'decision' && among(DECISION_KINDS, what)) return worded(label('decisionKind', what, locale));
  if (type === 'decision' && what === 'all departments approved') return worded(message(locale, 'supAuditAllApproved'));
  if (type === 'supervisor_action' && among(SUPERVISOR_ACTIONS, what)) return worded(label('supervisorAction', what, locale));
  if (SAID_BY_TYPE.has(type)) return worded('');
  let m: RegExpExecArray | null;
  if (type === 'submitted' && (m = /^(\w+) application submitted$/.exec(what)) && among(ROUTES, m[1]))
    return worded(message(locale, 'supAuditSubmitted', { route: label('route', m[1], locale) }));
  if (type === 'notice' && (m = /^(\w+) notice queued$/.exec(what)) && among(NOTICE_EVENTS, m[1]))
    return worded(message(locale, 'supAuditNoticeQueued', { notice: label('noticeEvent', m[1], locale) }));
  if (type === 'commit' && (m = /^(\w+) reserved$/.exec(what)) && among(RESERVATION_KINDS, m[1]))
    return worded(message(locale, 'supAuditReserved', { item: label('reservationKind', m[1], locale) }));
  if (type === 'compensation' && (m = /^(\w+) released$/.exec(what)) && among(RESERVATION_KINDS, m[1]))
    return worded(message(locale, 'supAuditReleased', { item: label('reservationKind', m[1], locale) }));
  return { text: what, recorded: true };
}
