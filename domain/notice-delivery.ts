/**
 * Delivery of notices (issue 14, DOMAIN "Notifications"): the states a notice passes through,
 * when a failed attempt is tried again, when the dispatcher gives up, and the appeal periods a
 * decision letter states, which run from its receipt (自收到本通知之日起), so from its proof of
 * service. Pure: the dispatcher, the API's views and the tests share it.
 */
import { shanghaiDay } from './shanghai-clock';
import { isWorkingDay, type WorkingCalendar } from './working-days';
import type { Channel, NoticeEvent } from './vocabulary';

/**
 * queued: waiting (or waiting to be tried again, at nextAttemptAt); sending: claimed by the
 * dispatcher, under a lease; sent: the provider took it (SMS: the gateway answered Ok); delivered:
 * proof of service (email: the recipient's SMTP server accepted it with 250; SMS: the gateway's
 * delivery receipt; or service by post / in person recorded by a supervisor); failed: could not
 * be rendered, or not delivered within the attempts / age allowed.
 */
export const NOTICE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** How a notice was served: by its channel, or by another means a supervisor recorded (issue 14). */
export const SERVICE_METHODS = ['email', 'sms', 'post', 'in_person'] as const;
export type ServiceMethod = (typeof SERVICE_METHODS)[number];
export const MANUAL_SERVICE_METHODS = ['post', 'in_person'] as const satisfies readonly ServiceMethod[];
export type ManualServiceMethod = (typeof MANUAL_SERVICE_METHODS)[number];

/**
 * A notice's id in the outbox: one per case, event, key (which of the event's notices: the
 * department, the round), channel and kind of recipient, so a retried write never queues twice.
 */
export function noticeId(parts: {
  caseId: string;
  event: NoticeEvent;
  key: string;
  channel: Channel;
  recipient: string;
}): string {
  return `${parts.caseId}:${parts.event}:${parts.key}:${parts.channel}:${parts.recipient}`;
}

/**
 * The same notice on every channel it went by: its id less the channel. An applicant's SMS and
 * email of one letter share it, so the case page lists that letter once.
 */
export function noticeOnEveryChannel(id: string): string {
  const parts = id.split(':');
  // The channel is second from the end whatever the case id or key hold (noticeId).
  return parts.length >= 5 ? [...parts.slice(0, -2), parts.at(-1)].join(':') : id;
}

/** Decision letters: their appeal periods run from receipt, so a failed one asks for service by other means. */
export const DECISION_LETTER_EVENTS: readonly NoticeEvent[] = ['rejected', 'terminated'];
export const isDecisionLetter = (event: NoticeEvent): boolean => DECISION_LETTER_EVENTS.includes(event);

export interface RetryPolicy {
  /** Attempts before the notice is failed. */
  maxAttempts: number;
  /** A notice older than this is failed rather than tried again. */
  maxAgeMs: number;
  /** The pause after the first failed attempt; doubled after each further one. */
  baseDelayMs: number;
  /** The longest pause between attempts. */
  maxDelayMs: number;
}

/** Exponential backoff: base · 2^(attempts−1), capped. `attempts` counts the failed attempt just made. */
export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

/** After a transient failure: the time of the next attempt, or undefined when the notice is to fail. */
export function nextAttemptAfterFailure(
  policy: RetryPolicy,
  notice: { attempts: number; createdAt: Date },
  now: Date,
): Date | undefined {
  if (notice.attempts >= policy.maxAttempts) return undefined;
  const next = new Date(now.getTime() + retryDelayMs(policy, notice.attempts));
  if (next.getTime() - notice.createdAt.getTime() > policy.maxAgeMs) return undefined;
  return next;
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The same day of the month `months` later, or that month's last day when it has no such day. */
function addMonths(day: string, months: number): string {
  const [y, m, dd] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(dd, lastDay));
  return target.toISOString().slice(0, 10);
}

export interface AppealDeadlines {
  /** The day the letter was received (Asia/Shanghai). */
  receivedOn: string;
  /** Last day to apply for administrative reconsideration (行政复议法: 60 days from receipt). */
  reconsiderationBy: string;
  /** Last day to bring an administrative lawsuit (行政诉讼法 第四十六条: 6 months from receipt). */
  litigationBy: string;
}

/** How long one has to apply for reconsideration and to sue, as a decision letter states them. */
export interface AppealPeriods {
  reconsiderationDays: number;
  litigationMonths: number;
}

/**
 * The statutory periods (行政复议法 第二十条, 行政诉讼法 第四十六条). A letter states its issuing
 * department's from policy/authorities, which may give more, never less (appealPeriodsOf).
 */
export const APPEAL_PERIODS: AppealPeriods = { reconsiderationDays: 60, litigationMonths: 6 };

/**
 * The appeal deadlines of a decision letter delivered at `deliveredAt` (ISO). Periods counted in
 * days start the day after receipt (民法典 第二百零一条), so the 60th day after the receipt day is
 * the last; months end on the receipt day's number in the sixth month after. A last day that is
 * a rest day (a weekend or a statutory holiday on `cal`; a make-up working day is none) gives way
 * to the first working day after it (民事诉讼法 第八十五条, which both laws apply). For a year
 * without its calendar file only weekends are known, so a holiday may be missed: the date shown
 * is then never later than the true one.
 */
export function appealDeadlines(
  deliveredAt: string,
  cal: WorkingCalendar,
  periods: AppealPeriods = APPEAL_PERIODS,
): AppealDeadlines {
  const receivedOn = shanghaiDay(deliveredAt);
  const onWorkingDay = (day: string): string => (isWorkingDay(cal, day) ? day : onWorkingDay(addDays(day, 1)));
  return {
    receivedOn,
    reconsiderationBy: onWorkingDay(addDays(receivedOn, periods.reconsiderationDays)),
    litigationBy: onWorkingDay(addMonths(receivedOn, periods.litigationMonths)),
  };
}
