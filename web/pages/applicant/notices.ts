/**
 * The notices an applicant was sent, as their case page lists them and as each reads in full. A
 * notice sent both by SMS and by email is one letter: it is listed once, with its channels, and
 * its page shows the text message and the full letter together (the view's `notice` says which
 * entries belong together).
 */
import type { Request, Router } from 'express';
import type { AppDeps } from '../../../app/deps';
import { applicantNotices } from '../../../app/queries/applicant-notices';
import { viewCaseAsApplicant } from '../../../app/queries/view-case';
import type { ApplicantNoticeView } from '../../../app/views/notice-views';
import { DECISION_LETTER_EVENTS } from '../../../domain/notice-delivery';
import { CHANNELS } from '../../../domain/vocabulary';
import { formatIsoDay } from '../../../i18n/formats';
import { actorOf, render, tr } from '../page';
import { isCaseId } from './case-id';
import { letterText } from './letter-text';
import { words } from './words';

/** One notice: its entries, one per channel, in the order of CHANNELS (non-empty). */
type NoticeGroup = readonly [ApplicantNoticeView, ...ApplicantNoticeView[]];

/**
 * The entries grouped by notice, in the order each notice was first queued; within a notice, its
 * channels always in one order (SMS, then email), whichever was written first.
 */
export function noticeGroups(notices: readonly ApplicantNoticeView[]): NoticeGroup[] {
  const groups = new Map<string, [ApplicantNoticeView, ...ApplicantNoticeView[]]>();
  for (const n of notices) {
    const group = groups.get(n.notice);
    if (group) group.push(n);
    else groups.set(n.notice, [n]);
  }
  const rank = (n: ApplicantNoticeView) => CHANNELS.indexOf(n.channel);
  return [...groups.values()].map((g) => g.sort((a, b) => rank(a) - rank(b)));
}

/** The earliest of the group's deliveries: a notice is served when it is first received. */
function firstDelivered(group: readonly ApplicantNoticeView[]): ApplicantNoticeView | undefined {
  return group.filter((n) => n.deliveredAt).sort((a, b) => a.deliveredAt!.localeCompare(b.deliveredAt!))[0];
}

function firstQueued(group: NoticeGroup): ApplicantNoticeView {
  return group.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
}

function channelWords(req: Request, n: ApplicantNoticeView): string {
  return tr(req, n.channel === 'sms' ? 'apChannelSms' : 'apChannelEmail');
}

/** Every channel one notice went by, in words ("短信、电子邮件"): its line in the list and its page. */
function channelList(req: Request, group: NoticeGroup): string {
  return group.map((n) => channelWords(req, n)).join(tr(req, 'pList'));
}

/** The appeal periods' days (YYYY-MM-DD in the view), as the page writes days: 2026年12月4日. */
function appealDeadlinesText(req: Request, d: NonNullable<ApplicantNoticeView['appealDeadlines']>): string {
  const day = (ymd: string) => formatIsoDay(ymd, req.locale);
  return tr(req, 'apAppealDeadlines', {
    receivedOn: day(d.receivedOn),
    reconsiderationBy: day(d.reconsiderationBy),
    litigationBy: day(d.litigationBy),
  });
}

/** The earliest delivered decision letter dates the appeal periods; before any is delivered, they run from receipt. */
export function appealText(req: Request, notices: readonly ApplicantNoticeView[]): string | undefined {
  const letters = notices.filter((n) => DECISION_LETTER_EVENTS.includes(n.event));
  if (letters.length === 0) return undefined;
  const delivered = firstDelivered(letters.filter((n) => n.appealDeadlines));
  return delivered?.appealDeadlines ? appealDeadlinesText(req, delivered.appealDeadlines) : tr(req, 'apAppealFromReceipt');
}

/** The case page's list: one line per notice, linking to its page. */
export function noticeLines(req: Request, caseId: string, notices: readonly ApplicantNoticeView[]) {
  return noticeGroups(notices).map((group) => ({
    // By the notice's key, not its place in the list: a link kept stays the same notice.
    href: `/applicant/cases/${caseId}/notices/${group[0].notice}`,
    subject: group[0].subject,
    channels: channelList(req, group),
    createdAt: firstQueued(group).createdAt,
    deliveredAt: firstDelivered(group)?.deliveredAt,
  }));
}

export function noticePages(router: Router, deps: AppDeps): void {
  router.get('/applicant/cases/:caseId/notices/:notice', async (req, res, next) => {
    // A notice's page shows when it was delivered and, for a decision letter, the appeal deadlines.
    const { caseId, notice } = req.params;
    if (!isCaseId(caseId) || !/^[0-9a-f]{16}$/.test(notice)) return next();
    const actor = actorOf(req, 'applicant');
    const view = await viewCaseAsApplicant(deps, { actor, caseId });
    const group = noticeGroups(await applicantNotices(deps, { actor, caseId })).find((g) => g[0].notice === notice);
    if (!group) return next();
    const sms = group.find((n) => n.channel === 'sms');
    const email = group.find((n) => n.channel === 'email');
    // The full notice: the email's letter, else the one the SMS points to (an applicant without an
    // email address reads their decision letter here). An SMS that never rendered has no letter:
    // its text is shown as it is, not as an SMS.
    const letter = email ? letterText(email.body) : sms?.letter ? letterText(sms.letter) : sms?.body;
    const several = group.length > 1;
    render(req, res, 'applicant/notice', {
      title: group[0].subject || tr(req, 'apNoticeTitle'),
      backLink: { href: `/applicant/cases/${caseId}`, text: tr(req, 'apBackToCase') },
      caseNumber: view.caseNumber,
      notice: {
        subject: group[0].subject,
        createdAt: firstQueued(group).createdAt,
        channel: channelList(req, group),
        locale: group[0].locale,
        // One channel: its time, or "not yet". Several: each channel's, by name.
        delivered: group.map((n) => ({
          channel: several ? channelWords(req, n) : undefined,
          at: n.deliveredAt,
        })),
        // Served otherwise than it was sent (by post, in person): said; the same way, the channel says it.
        servedBy: group
          .filter((n) => n.servedBy && n.servedBy !== n.channel)
          .map((n) => words(req, 'serviceMethod', n.servedBy))
          .join(tr(req, 'pList')),
        appeal: appealText(req, group),
        sms: sms?.letter ? sms.body : undefined,
        letter,
      },
    });
  });
}
