/**
 * What an applicant sees of the notices sent to them (DOMAIN "Notifications"): each notice as it
 * was rendered — ID numbers were masked before they reached the template, and nothing here
 * unmasks them — with its delivery status. The address it went to and the notice's internal key
 * are not part of the view.
 */
import { z } from 'zod';
import { CHANNELS, LOCALES, NOTICE_EVENTS } from '../../domain/vocabulary';
import type { NoticeDoc } from '../../models/notice.model';

export const ApplicantNoticeView = z
  .object({
    event: z.enum(NOTICE_EVENTS),
    channel: z.enum(CHANNELS),
    locale: z.enum(LOCALES),
    subject: z.string(),
    body: z.string().meta({ description: 'As rendered: plain text for SMS, an HTML letter for email' }),
    status: z
      .enum(['queued', 'sent', 'failed'])
      .meta({ description: 'Delivery status as stored; failed = the notice could not be rendered or sent' }),
    createdAt: z.string(),
  })
  .meta({ id: 'ApplicantNotice' });
export type ApplicantNoticeView = z.infer<typeof ApplicantNoticeView>;

export function applicantNoticeView(n: NoticeDoc): ApplicantNoticeView {
  return ApplicantNoticeView.parse({
    event: n.event,
    channel: n.channel,
    locale: n.locale,
    subject: n.subject,
    body: n.body,
    status: n.status,
    createdAt: n.createdAt.toISOString(),
  });
}
