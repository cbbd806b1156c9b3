/**
 * The notice dispatcher's activity (issue 14; transactional-outbox style): the case workflow
 * only stores rendered notices (case-record.activities.ts); this long-running, heartbeating
 * activity, run by one `noticeDispatcher` workflow per channel, claims that channel's due
 * notices from MongoDB, sends them and records each attempt.
 *
 * Exactly-once as far as the provider can tell: a notice is claimed under a lease (status
 * `sending` until nextAttemptAt), so a second dispatcher or a retried activity skips it until
 * the lease runs out; and if a crash leaves a sent notice `sending`, the resend carries the same
 * idempotency key (SMTP: Message-ID; SMS: SessionContext), which the mail sink and the SMS
 * gateway dedupe on. The per-channel rate limit holds because only one dispatcher per channel
 * runs (its workflow id is fixed).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { trusted, type Connection } from 'mongoose';
import { withoutContacts } from '../domain/contact-redaction';
import { nextAttemptAfterFailure, type RetryPolicy } from '../domain/notice-delivery';
import type { Channel } from '../domain/vocabulary';
import { noticeModel, type NoticeDoc } from '../models/notice.model';
import { ensureProofs, recordDelivery, recordUndeliverable } from '../models/notice-service';
import { staffAddress, type DepartmentContacts } from '../policy/department-contacts';
import type { SmsTemplates } from '../policy/sms-templates';
import { DeliveryError, errorText } from './notifications/delivery-error';
import type { EmailSender } from './notifications/email-sender';
import type { SmsGatewayClient } from './notifications/sms-gateway.client';

export interface DeliverySettings {
  /** Sends per second, per channel. */
  ratePerSecond: Record<Channel, number>;
  retry: RetryPolicy;
  /** How often an idle dispatcher looks for due notices. */
  pollMs: number;
  /** How long a claim holds: longer than one send can take. */
  leaseMs: number;
}

export interface DeliveryDeps {
  email: EmailSender;
  sms: SmsGatewayClient;
  /** The approved SMS texts and the contact table as they are now (read at each use: no restart to change them). */
  smsTemplates: () => SmsTemplates;
  contacts: () => DepartmentContacts;
  settings: DeliverySettings;
}

export interface DispatchNoticesInput {
  channel: Channel;
  /** The activity returns after this long (its workflow then runs it again, or continues as new). */
  runForMs: number;
}

export interface DispatchNoticesResult {
  attempts: number;
  delivered: number;
  sent: number;
  retrying: number;
  failed: number;
}

/** Spaces sends so that no more than `perSecond` start in any second. */
function pacer(perSecond: number) {
  const gapMs = 1000 / perSecond;
  let next = 0;
  return async (sleep: (ms: number) => Promise<void>) => {
    const now = Date.now();
    if (next > now) await sleep(next - now);
    next = Math.max(now, next) + gapMs;
  };
}

export function createNoticeDispatchActivities({ mongo, delivery }: { mongo: Connection; delivery?: DeliveryDeps }) {
  const notices = noticeModel(mongo);

  /** Notices queued before issue 14 have no nextAttemptAt: due at once. */
  async function adoptOlderNotices(channel: Channel): Promise<void> {
    await notices.updateMany(
      { channel, status: 'queued', nextAttemptAt: trusted({ $exists: false }) },
      { $set: { nextAttemptAt: new Date(0), attempts: 0 } },
    );
  }

  /**
   * The channel's longest-due notice in `status`, claimed for one attempt. One status at a time,
   * because FerretDB pushes down only equalities: a filter on both statuses at once reached
   * PostgreSQL as "every notice of the channel", so each claim (and each idle poll) decoded every
   * notice ever sent, and grew with them.
   */
  async function claimIn(channel: Channel, status: 'sending' | 'queued', leaseMs: number): Promise<NoticeDoc | undefined> {
    const now = new Date();
    const doc = await notices
      .findOneAndUpdate(
        { channel, status, nextAttemptAt: trusted({ $lte: now }) },
        {
          $set: { status: 'sending', nextAttemptAt: new Date(now.getTime() + leaseMs), lastAttemptAt: now },
          $inc: { attempts: 1 },
        },
        { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
      )
      .lean();
    return doc ?? undefined;
  }

  /**
   * The next notice to attempt: first one left `sending` by a dispatcher that stopped (its lease
   * run out), then a queued one. A lease lapses only when a run stops between claim and outcome
   * (a crash, a store error, a retried activity while the old one still sends), and this run
   * records every outcome before its next claim, so looking for lapsed leases at the run's start
   * and then once per lease period finds each within a lease of its lapsing, at a fraction of a
   * look before every claim and every idle poll (it was half of the dispatchers' queries).
   */
  function claimer(channel: Channel, leaseMs: number) {
    let lookForLapsedAt = 0;
    return async (): Promise<NoticeDoc | undefined> => {
      if (Date.now() >= lookForLapsedAt) {
        // As rare as a lapsed lease: a delivered or failed notice whose audit line a store failure kept out.
        await ensureProofs(mongo, channel);
        const lapsed = await claimIn(channel, 'sending', leaseMs);
        if (lapsed) return lapsed;
        lookForLapsedAt = Date.now() + leaseMs;
      }
      return claimIn(channel, 'queued', leaseMs);
    };
  }

  /** Staff notices queued before the contact table carried `inbox:<desk>` placeholders: resolved now. */
  function addressOf(d: DeliveryDeps, n: NoticeDoc): string {
    if (!n.recipient.address.startsWith('inbox:') || n.recipient.kind === 'applicant') return n.recipient.address;
    return staffAddress(d.contacts(), n.recipient, n.channel);
  }

  type Outcome = 'delivered' | 'sent' | 'retrying' | 'failed';

  async function attempt(d: DeliveryDeps, n: NoticeDoc): Promise<Outcome> {
    const now = () => new Date();
    if (n.channel === 'email') {
      let messageId: string;
      try {
        ({ messageId } = await d.email.send({ noticeId: n._id, to: addressOf(d, n), subject: n.subject, html: n.body }));
      } catch (err) {
        return failedAttempt(d, n, err);
      }
      const at = now();
      // Accepted by the recipient's server (250): that is delivery, and proof of service. A store
      // failure from here on is no failed delivery: it fails this run (retried), and a proof line
      // it kept out is written later (ensureProofs).
      await recordDelivery(mongo, n._id, { at, sentAt: at, method: 'email', providerMessageId: messageId, repairable: true }, [
        'sending',
      ]);
      return 'delivered';
    }
    try {
      const table = d.smsTemplates();
      const { serialNo } = await d.sms.send({
        noticeId: n._id,
        phone: addressOf(d, n),
        // The template its body was filled from; notices queued before the id was kept take today's.
        templateId: n.templateId ?? table.templates[n.event][n.locale].id,
        params: n.templateParams ?? [],
        signName: table.signName,
      });
      // Only from `sending`: a receipt that overtook this write has made it delivered already.
      await notices.updateOne(
        { _id: n._id, status: 'sending' },
        { $set: { status: 'sent', sentAt: now(), providerMessageId: serialNo }, $unset: { lastError: 1, nextAttemptAt: 1 } },
      );
      return 'sent';
    } catch (err) {
      return failedAttempt(d, n, err);
    }
  }

  /** An attempt that failed: queued again after a pause, or given up on with its incident line. */
  async function failedAttempt(d: DeliveryDeps, n: NoticeDoc, err: unknown): Promise<Outcome> {
    const error = errorText(err);
    const permanent = err instanceof DeliveryError ? err.permanent : false;
    const at = new Date();
    const next = permanent
      ? undefined
      : nextAttemptAfterFailure(d.settings.retry, { attempts: n.attempts ?? 1, createdAt: n.createdAt }, at);
    // The operator reads a failing provider (a wrong SMTP_URL, a refused key) in the worker's log,
    // not only in MongoDB; the address a provider's words may quote is withheld.
    const logged = (outcome: { retryAt: string } | { givenUp: true }) =>
      Context.current().log.warn('notice attempt failed', {
        noticeId: n._id,
        channel: n.channel,
        attempt: n.attempts ?? 1,
        ...outcome,
        error: withoutContacts(error),
      });
    if (next) {
      logged({ retryAt: next.toISOString() });
      await notices.updateOne(
        { _id: n._id, status: 'sending' },
        { $set: { status: 'queued', nextAttemptAt: next, lastError: error } },
      );
      return 'retrying';
    }
    const failed = await notices.updateOne(
      { _id: n._id, status: 'sending' },
      { $set: { status: 'failed', lastError: error, proofPending: true }, $unset: { nextAttemptAt: 1 } },
    );
    // Not ours to fail any more (a lapsed lease let another run deliver it, or a receipt did).
    if (failed.modifiedCount !== 1) return 'retrying';
    logged({ givenUp: true });
    await recordUndeliverable(mongo, { ...n, proofPending: true }, { at, error, attempts: n.attempts ?? 1 });
    return 'failed';
  }

  return {
    /**
     * Sends the channel's due notices for `runForMs`, heartbeating; ends early (cancelled) when
     * the worker shuts down. Every attempt is recorded before the next notice is taken.
     */
    async dispatchNotices(input: DispatchNoticesInput): Promise<DispatchNoticesResult> {
      if (!delivery) {
        throw ApplicationFailure.nonRetryable('this worker has no delivery settings', 'DeliveryNotConfigured');
      }
      const ctx = Context.current();
      const sleep = (ms: number) => ctx.sleep(ms);
      const pace = pacer(delivery.settings.ratePerSecond[input.channel]);
      const result: DispatchNoticesResult = { attempts: 0, delivered: 0, sent: 0, retrying: 0, failed: 0 };
      const until = Date.now() + input.runForMs;
      await adoptOlderNotices(input.channel);
      const claim = claimer(input.channel, delivery.settings.leaseMs);
      while (Date.now() < until) {
        ctx.heartbeat(result);
        const notice = await claim();
        if (!notice) {
          await sleep(delivery.settings.pollMs);
          continue;
        }
        await pace(sleep);
        result.attempts++;
        result[await attempt(delivery, notice)]++;
      }
      return result;
    },
  };
}
