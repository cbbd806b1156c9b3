/**
 * What an applicant sees of the notices sent to them (DOMAIN "Notifications"): each notice as it
 * was rendered — ID numbers were masked before they reached the template, and nothing here
 * unmasks them — with its delivery status. The address it went to and the notice's internal key
 * are not part of the view: `notice` is a digest of it less the channel, which says which entries
 * are one notice sent on several channels (and names that notice's page).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Instant } from './instant';
import {
  appealDeadlines,
  isDecisionLetter,
  type AppealPeriods,
  noticeOnEveryChannel,
  NOTICE_STATUSES,
  SERVICE_METHODS,
} from '../../domain/notice-delivery';
import { CHANNELS, LOCALES, NOTICE_EVENTS } from '../../domain/vocabulary';
import type { NoticeDoc } from '../../models/notice.model';
import { currentWorkingCalendar } from '../../policy/calendar-files';

export const ApplicantNoticeView = z
  .object({
    event: z.enum(NOTICE_EVENTS),
    notice: z.string().meta({
      description:
        'The notice this entry is one channel of: an SMS and an email of the same letter share it (the case page lists them once)',
    }),
    channel: z.enum(CHANNELS),
    locale: z.enum(LOCALES),
    subject: z.string(),
    body: z.string().meta({
      description:
        "What was sent: for SMS the text the phone shows (【sign name】 and the provider's approved text, filled), for email the HTML letter",
    }),
    letter: z.string().optional().meta({
      description: 'SMS only: the full notice its text points to, the HTML letter an email of the same notice carries',
    }),
    status: z.enum(NOTICE_STATUSES).meta({
      description:
        'queued / sending: not yet sent; sent: the provider took it; delivered: received (proof of service); failed: could not be rendered or delivered',
    }),
    createdAt: Instant,
    deliveredAt: Instant.optional().meta({ description: 'When it was received (proof of service, 送达)' }),
    servedBy: z.enum(SERVICE_METHODS).optional().meta({ description: 'How it was served: its channel, or by post / in person' }),
    appealDeadlines: z
      .object({ receivedOn: z.string(), reconsiderationBy: z.string(), litigationBy: z.string() })
      .optional()
      .meta({
        description:
          'A delivered decision letter: the last days to apply for reconsideration and to sue, counted from its receipt over the periods its letter states (its department’s in policy/authorities; the law gives at least 60 days and 6 months); a last day on a weekend or public holiday moves to the next working day',
      }),
  })
  .meta({ id: 'ApplicantNotice' });
export type ApplicantNoticeView = z.infer<typeof ApplicantNoticeView>;

/** The view's `notice`: the same for every channel of one notice, and names its page. */
export function noticeKey(noticeId: string): string {
  return createHash('sha256').update(noticeOnEveryChannel(noticeId)).digest('hex').slice(0, 16);
}

/**
 * `calendarDir`: where the working-day calendar is read (CALENDAR_DIR); default policy/calendar.
 * `periods`: the appeal periods the case's decision letter states (default: the statutory ones).
 */
export function applicantNoticeView(n: NoticeDoc, calendarDir?: string, periods?: AppealPeriods): ApplicantNoticeView {
  return ApplicantNoticeView.parse({
    event: n.event,
    notice: noticeKey(n._id),
    channel: n.channel,
    locale: n.locale,
    subject: n.subject,
    body: n.body,
    ...(n.channel === 'sms' && n.letter ? { letter: n.letter } : {}),
    status: n.status,
    createdAt: n.createdAt.toISOString(),
    ...(n.deliveredAt
      ? {
          deliveredAt: n.deliveredAt.toISOString(),
          ...(n.service ? { servedBy: n.service.method } : {}),
          // The appeal periods run from receipt: only a delivered letter has dates to show.
          ...(isDecisionLetter(n.event)
            ? { appealDeadlines: appealDeadlines(n.deliveredAt.toISOString(), currentWorkingCalendar(calendarDir), periods) }
            : {}),
        }
      : {}),
  });
}
