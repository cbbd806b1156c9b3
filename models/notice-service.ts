/**
 * Proof of service (送达, issue 14), written once per notice whichever way it came: the email
 * dispatcher (the recipient's SMTP server accepted it), an SMS delivery receipt (the API's
 * callback), or a supervisor recording service by post or in person. Each writes the notice's
 * delivered state and one audit line keyed by the notice id, so a repeated receipt, a retried
 * activity or a double-submitted form changes nothing twice. Used by activities and the API.
 */
import { trusted, type Connection } from 'mongoose';
import type { AuditActor } from '../domain/audit';
import type { NoticeStatus, ServiceMethod } from '../domain/notice-delivery';
import { auditEventModel } from './audit-event.model';
import { auditSeq } from './audit-seq';
import { insertNew } from './insert-new';
import { noticeModel, type NoticeDoc } from './notice.model';

const SYSTEM: AuditActor = { id: 'system', role: 'system' };

export interface Delivery {
  at: Date;
  method: ServiceMethod;
  providerMessageId?: string;
  actor?: AuditActor;
  note?: string;
  /**
   * When the delivery is the provider accepting our send (email: the recipient's server said 250),
   * the send's time: written with the delivery in one write, and the last failed try's error
   * cleared, instead of one write for "sent" and another for "delivered".
   */
  sentAt?: Date;
  /**
   * A writer nobody retries (the email dispatcher: a receipt's provider calls again, a supervisor
   * posts again): the notice is marked until its audit line is in, so that the dispatcher's look
   * (ensureProofs) writes a line a store failure kept out.
   */
  repairable?: boolean;
}

async function auditOnce(
  mongo: Connection,
  notice: Pick<NoticeDoc, '_id' | 'caseId' | 'event' | 'channel' | 'recipient'>,
  kind: 'delivered' | 'undeliverable',
  line: { at: Date; actor: AuditActor; what: string; why?: string; data: Record<string, unknown> },
): Promise<void> {
  const seq = await auditSeq(mongo, notice.caseId);
  // Inserted, not upserted (insert-new.ts); the line's id is the notice's, so a repeated receipt
  // or a retried activity meets the unique index and the first proof stands.
  await insertNew(auditEventModel(mongo), [
    {
      _id: `${notice.caseId}:notice-${kind}:${notice._id}`,
      caseId: notice.caseId,
      seq,
      n: kind === 'delivered' ? 2000 : 2001,
      type: kind === 'delivered' ? 'notice_delivered' : 'notice_undeliverable',
      at: line.at.toISOString(),
      actor: line.actor,
      what: line.what,
      ...(line.why ? { why: line.why } : {}),
      data: {
        noticeId: notice._id,
        event: notice.event,
        channel: notice.channel,
        recipient: notice.recipient.kind,
        ...line.data,
      },
    },
  ]);
}

/**
 * Marks a notice delivered (from any state but delivered; `from` narrows it, e.g. manual service
 * only of a failed notice) and writes its proof-of-service line. Returns the notice as delivered,
 * or undefined when it does not exist or is in none of the `from` states. Delivered already: the
 * stored delivery stands (the first proof counts) and its audit line is made sure of.
 */
export async function recordDelivery(
  mongo: Connection,
  noticeId: string,
  d: Delivery,
  from: readonly NoticeStatus[] = ['queued', 'sending', 'sent', 'failed'],
  /** Further conditions on the notice (an SMS receipt's channel and serial number), for the update and the delivered fallback alike. */
  only: Record<string, unknown> = {},
): Promise<NoticeDoc | undefined> {
  const notices = noticeModel(mongo);
  const updated = await notices
    .findOneAndUpdate(
      { ...only, _id: noticeId, status: trusted({ $in: [...from] }) },
      {
        $set: {
          status: 'delivered',
          deliveredAt: d.at,
          service: {
            method: d.method,
            ...(d.actor && d.actor.role !== 'system' ? { recordedBy: d.actor.id } : {}),
            ...(d.note ? { note: d.note } : {}),
          },
          ...(d.providerMessageId ? { providerMessageId: d.providerMessageId } : {}),
          ...(d.sentAt ? { sentAt: d.sentAt } : {}),
          ...(d.repairable ? { proofPending: true } : {}),
        },
        ...(d.sentAt ? { $unset: { lastError: 1 } } : {}),
      },
      { returnDocument: 'after' },
    )
    .lean();
  const notice = updated ?? (await notices.findOne({ ...only, _id: noticeId, status: 'delivered' }).lean());
  if (!notice?.deliveredAt) return undefined;
  const method = notice.service?.method ?? d.method;
  await auditOnce(mongo, notice, 'delivered', {
    at: notice.deliveredAt,
    actor: updated ? (d.actor ?? SYSTEM) : SYSTEM,
    what: `${notice.event} notice delivered (${method})`,
    ...(notice.service?.note ? { why: notice.service.note } : {}),
    data: {
      method,
      deliveredAt: notice.deliveredAt.toISOString(),
      ...(notice.providerMessageId ? { providerMessageId: notice.providerMessageId } : {}),
    },
  });
  await proofWritten(mongo, notice);
  return notice;
}

/** The notice's audit line is in: nothing left for the dispatcher's look (ensureProofs). */
async function proofWritten(mongo: Connection, notice: Pick<NoticeDoc, '_id' | 'proofPending'>): Promise<void> {
  if (notice.proofPending) await noticeModel(mongo).updateOne({ _id: notice._id }, { $unset: { proofPending: 1 } });
}

/** The audit line of a notice given up on: its error and attempts (the supervisors' incident). */
export async function recordUndeliverable(
  mongo: Connection,
  notice: Pick<NoticeDoc, '_id' | 'caseId' | 'event' | 'channel' | 'recipient' | 'proofPending'>,
  failure: { at: Date; error: string; attempts: number },
): Promise<void> {
  await auditOnce(mongo, notice, 'undeliverable', {
    at: failure.at,
    actor: SYSTEM,
    what: `${notice.event} notice could not be delivered`,
    why: failure.error,
    data: { attempts: failure.attempts },
  });
  await proofWritten(mongo, notice);
}

/**
 * Writes the audit lines that a store failure kept from following their notice's delivered or
 * failed state (`proofPending`), at most `limit` of the channel's; how many it wrote. Safe to run
 * beside the writer it stands in for: each line's id is its notice's, so the first stands.
 */
export async function ensureProofs(mongo: Connection, channel: NoticeDoc['channel'], limit = 50): Promise<number> {
  const pending = await noticeModel(mongo).find({ proofPending: true, channel }).limit(limit).lean();
  for (const n of pending) {
    if (n.status === 'delivered' && n.deliveredAt) {
      await recordDelivery(mongo, n._id, { at: n.deliveredAt, method: n.service?.method ?? n.channel }, []);
    } else if (n.status === 'failed') {
      await recordUndeliverable(mongo, n, {
        at: n.lastAttemptAt ?? n.createdAt,
        error: n.lastError ?? 'not delivered',
        attempts: n.attempts ?? 1,
      });
    } else {
      await proofWritten(mongo, n); // sent again since (a manual re-send): its next outcome writes it
    }
  }
  return pending.length;
}
