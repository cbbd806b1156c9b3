/**
 * An audit line's "what" in the reader's words. The workflow records `what` as a code or a short
 * English phrase: it is the record, the same in every export and language. The supervisor's case
 * page words the common ones; the type column already says what a line is (a claim, a lookup, a
 * reminder), so those need nothing more. Anything else is shown as recorded, marked as English.
 */
import { DECISION_KINDS, SUPERVISOR_ACTIONS } from '../../domain/case-rules';
import { RESERVATION_KINDS } from '../../domain/codes';
import { NOTICE_EVENTS, ROUTES, SCHOOL_LEVELS, type Locale } from '../../domain/vocabulary';
import { label } from '../../i18n/labels';
import { message, type MessageKey } from '../../i18n/messages';
import { SERVICE_METHODS } from '../../domain/notice-delivery';
import type { AuditEventView } from '../../app/views/audit-views';
import { roundName } from '../../i18n/formats';

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
  'step_claim_refused',
  'step_release_refused',
  'check_completed',
  'reminder',
  'settled',
  'rejected',
  'withdrawn',
  'terminated',
  'supplement_requested',
  'supplement_expired',
]);

/** Phrases the workflow records word for word, and their words. */
const PHRASES: Readonly<Record<string, MessageKey>> = {
  'social-insurance transfer started': 'supAuditTransferStarted',
  'social-insurance transfer completed': 'supAuditTransferCompleted',
  'social-insurance transfer not completed by its deadline': 'supAuditTransferOverdue',
};

/** A supervisor's action with what it did: to whom a step was reassigned, by how much a deadline moved. */
function actionWhat(e: Pick<AuditEventView, 'what' | 'data'>, locale: Locale, nameOf?: (id: string) => string): string {
  const data = e.data ?? {};
  if (e.what === 'reassign' && typeof data.officerId === 'string')
    return message(locale, 'supAuditReassignedTo', { officer: nameOf ? nameOf(data.officerId) : data.officerId });
  if (e.what === 'extend_deadline' && typeof data.extendByWorkingDays === 'number')
    return message(locale, 'supAuditExtendedWorkingDays', { n: String(data.extendByWorkingDays) });
  // Whole days as days (the pages offer calendar days), anything else in hours.
  if (e.what === 'extend_deadline' && typeof data.extendByMs === 'number' && data.extendByMs % 86_400_000 === 0)
    return message(locale, 'supAuditExtendedDays', { n: String(data.extendByMs / 86_400_000) });
  if (e.what === 'extend_deadline' && typeof data.extendByMs === 'number')
    return message(locale, 'supAuditExtendedHours', { n: String(Math.round((data.extendByMs / 3_600_000) * 10) / 10) });
  return label('supervisorAction', e.what, locale);
}

/**
 * `nameOf`: an officer's name as the page shows it, for a reassignment's new holder; `childName`:
 * a person of the application by index, for the school-place lines (recorded as "child 2 …").
 */
export function auditWhat(
  e: Pick<AuditEventView, 'type' | 'what' | 'data'>,
  locale: Locale,
  opts: { nameOf?: (id: string) => string; childName?: (index: number) => string | undefined } = {},
): AuditWhat {
  const worded = (text: string): AuditWhat => ({ text, recorded: false });
  const { type, what } = e;
  if (type === 'decision' && among(DECISION_KINDS, what)) return worded(label('decisionKind', what, locale));
  if (type === 'decision' && what === 'all departments approved') return worded(message(locale, 'supAuditAllApproved'));
  if (type === 'supervisor_action' && among(SUPERVISOR_ACTIONS, what)) return worded(actionWhat(e, locale, opts.nameOf));
  if (SAID_BY_TYPE.has(type)) return worded('');
  // A failed lookup: the type and the department column say it; its error is in the why column.
  if (type === 'check_failed' && /^\w+ lookup failed$/.test(what)) return worded('');
  const phrase = PHRASES[what];
  if (phrase) return worded(message(locale, phrase));
  let m: RegExpExecArray | null;
  if (type === 'escalation' && /^\w+ decision overdue$/.test(what)) return worded(message(locale, 'supAuditDecisionOverdue'));
  if (type === 'notice_delivered' && (m = /^(\w+) notice delivered \((\w+)\)$/.exec(what)))
    if (among(NOTICE_EVENTS, m[1]) && among(SERVICE_METHODS, m[2]))
      return worded(
        message(locale, 'supAuditNoticeDelivered', {
          notice: label('noticeEvent', m[1], locale),
          method: label('serviceMethod', m[2], locale),
        }),
      );
  if (type === 'notice_undeliverable' && (m = /^(\w+) notice could not be delivered$/.exec(what)) && among(NOTICE_EVENTS, m[1]))
    return worded(message(locale, 'supAuditNoticeUndeliverable', { notice: label('noticeEvent', m[1], locale) }));
  if (type === 'supplement_provided' && (m = /^(\d+) item\(s\) provided$/.exec(what)))
    return worded(message(locale, 'supAuditItemsProvided', { n: m[1]! }));
  if (type === 'supplement_provided' && (m = /^(\d+) item\(s\) received at the counter$/.exec(what)))
    return worded(message(locale, 'supAuditItemsAtCounter', { n: m[1]! }));
  // The same words as the applicant's score breakdown.
  if (type === 'score_computed' && (m = /^score (\d+)\/(\d+)$/.exec(what)))
    return worded(message(locale, 'apScoreTotal', { total: m[1], threshold: m[2] }));
  // The household type is recorded in its own words already (居民户口, §3).
  if (type === 'commit' && (m = /^household registered as (.+)$/.exec(what)))
    return worded(message(locale, 'supAuditRegistered', { householdType: m[1] }));
  if (type === 'submitted' && (m = /^(\w+) application submitted$/.exec(what)) && among(ROUTES, m[1]))
    return worded(label('route', m[1], locale)); // after the type's "submitted": which route
  if (type === 'notice' && (m = /^(\w+) notice queued$/.exec(what)) && among(NOTICE_EVENTS, m[1]))
    return worded(message(locale, 'supAuditNoticeQueued', { notice: label('noticeEvent', m[1], locale) }));
  if (type === 'commit' && (m = /^(\w+) reserved$/.exec(what)) && among(RESERVATION_KINDS, m[1]))
    return worded(message(locale, 'supAuditReserved', { item: label('reservationKind', m[1], locale) }));
  if (type === 'compensation' && (m = /^(\w+) released$/.exec(what)) && among(RESERVATION_KINDS, m[1]))
    return worded(message(locale, 'supAuditReleased', { item: label('reservationKind', m[1], locale) }));
  if (type === 'decision_refused' && among(DECISION_KINDS, what)) return worded(label('decisionKind', what, locale));
  const child = (index: string) => opts.childName?.(Number(index)) || message(locale, 'officerChildN', { n: index });
  if (type === 'school_place_waiting' && (m = /^child (\d+) waits for a (\w+) place$/.exec(what)) && among(SCHOOL_LEVELS, m[2]))
    return worded(message(locale, 'supAuditChildWaiting', { child: child(m[1]!), level: label('schoolLevel', m[2], locale) }));
  if (type === 'school_place_confirmed' && (m = /^child (\d+) placed from the waiting list$/.exec(what)))
    return worded(message(locale, 'supAuditChildPlacedFromList', { child: child(m[1]!) }));
  if (
    type === 'school_place_confirmed' &&
    (m = /^child (\d+) placed at a school elsewhere in the area$/.exec(what)) &&
    typeof e.data?.school === 'string'
  )
    return worded(message(locale, 'supAuditChildPlacedAt', { child: child(m[1]!), school: e.data.school }));
  if (type === 'admission_round') {
    const round = ROUND_PHRASES.map(([re, key]) => [re.exec(what), key] as const).find(([found]) => found);
    if (round) {
      const [found, key] = round;
      const roundId = found!.groups?.round;
      return worded(message(locale, key, { round: roundId && roundName(roundId, locale), rank: found!.groups?.rank }));
    }
  }
  return { text: what, recorded: true };
}

/** The rounds' lines (workflows/settlement-case/admission.ts), as recorded, and their words. */
const ROUND_PHRASES: ReadonlyArray<readonly [RegExp, MessageKey]> = [
  [/^joined round (?<round>\S+)$/, 'supAuditRoundJoined'],
  [/^ranked (?<rank>\d+) in round (?<round>\S+): admitted, pending public notice$/, 'supAuditRoundRankedIn'],
  [/^ranked (?<rank>\d+) in round (?<round>\S+): not admitted$/, 'supAuditRoundRankedOut'],
  [/^admitted in round (?<round>\S+) after an upheld objection$/, 'supAuditRoundAdmittedObjection'],
  [/^admitted: round (?<round>\S+) is final$/, 'supAuditRoundFinal'],
  [/^removed from round (?<round>\S+): objection upheld$/, 'supAuditRoundRemoved'],
  [/^no quota slot left in round (?<round>\S+)$/, 'supAuditRoundNoSlot'],
  [/^waiting for the next round to be announced$/, 'supAuditRoundWaiting'],
];
