/**
 * SMS delivery receipts (issue 14), as the provider's callback brings them (Tencent's receipt
 * shape: sid = SerialNo, ext = SessionContext = our notice id, report_status SUCCESS / FAIL).
 * SUCCESS is proof of service; FAIL fails the notice (the handset never got it), which makes it
 * an incident. Repeated receipts change nothing: the first one counts.
 */
import { trusted } from 'mongoose';
import { z } from 'zod';
import { withoutContacts } from '../../domain/contact-redaction';
import { shanghaiInstant } from '../../domain/shanghai-clock';
import { noticeModel } from '../../models/notice.model';
import { recordDelivery, recordUndeliverable } from '../../models/notice-service';
import { validCallbackSignature } from '../callback-signature';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';

export const SmsReceipt = z
  .object({
    sid: z.string().min(1),
    ext: z.string().default(''),
    mobile: z.string(),
    report_status: z.enum(['SUCCESS', 'FAIL']),
    user_receive_time: z.string().optional().meta({
      description: 'When the handset got it, Beijing time without a zone (YYYY-MM-DD HH:MM:SS), or ISO 8601 with an offset',
    }),
    errmsg: z.string().optional(),
    description: z.string().optional(),
    nationcode: z.string().optional(),
  })
  .meta({ id: 'SmsReceipt' });
export type SmsReceipt = z.infer<typeof SmsReceipt>;

export interface ReceiptsOutcome {
  delivered: number;
  failed: number;
  /** Receipts naming no notice of ours (or one whose message id differs): acknowledged, ignored. */
  unknown: number;
}

/**
 * The gateway's signature (`X-Signature`, HMAC of the raw body under SMS_CALLBACK_SECRET) is
 * checked first: receipts are proof of service, so only the gateway may bring them.
 */
export async function recordSmsReceipts(
  deps: AppDeps,
  input: {
    secret: string | undefined;
    rawBody: Buffer | undefined;
    signature: string | undefined;
    receipts: readonly SmsReceipt[];
  },
): Promise<ReceiptsOutcome> {
  if (!input.secret)
    throw new AppError('unauthenticated', 'callbacks-disabled', 'Receipts are not taken: SMS_CALLBACK_SECRET is not set');
  if (!validCallbackSignature(input.secret, input.rawBody, input.signature))
    throw new AppError('unauthenticated', 'bad-signature', 'The receipt signature is missing or wrong');
  const { receipts } = input;
  const notices = noticeModel(deps.mongo);
  const out: ReceiptsOutcome = { delivered: 0, failed: 0, unknown: 0 };
  for (const r of receipts) {
    if (!r.ext) {
      out.unknown++;
      continue;
    }
    // Ours: an SMS notice by that id whose serial number is this one's, or not stored yet (a
    // receipt overtaking our own write of it is fine). Checked inside each write, so a receipt
    // costs one write; only one that changes nothing reads the notice, to be counted right.
    const only = {
      channel: 'sms' as const,
      $or: [{ providerMessageId: trusted({ $exists: false }) }, { providerMessageId: r.sid }],
    };
    const ours = async () => (await notices.countDocuments({ ...only, _id: r.ext })) > 0;
    const at = receivedAt(r.user_receive_time);
    if (r.report_status === 'SUCCESS') {
      const delivered = await recordDelivery(
        deps.mongo,
        r.ext,
        { at, method: 'sms', providerMessageId: r.sid },
        ['sending', 'sent'],
        only,
      );
      if (delivered || (await ours())) out.delivered++;
      else out.unknown++;
      continue;
    }
    // The gateway's words may quote the number: kept unsealed and shown to supervisors, so withheld.
    const error = withoutContacts(`receipt ${r.errmsg ?? 'FAIL'}: ${r.description ?? 'not received'}`).slice(0, 500);
    const failed = await notices
      .findOneAndUpdate(
        { ...only, _id: r.ext, status: trusted({ $in: ['sending', 'sent'] }) },
        {
          $set: { status: 'failed', lastError: error, providerMessageId: r.sid, proofPending: true },
          $unset: { nextAttemptAt: 1 },
        },
        { returnDocument: 'after' },
      )
      .lean();
    if (failed) await recordUndeliverable(deps.mongo, failed, { at, error, attempts: failed.attempts ?? 1 });
    if (failed || (await ours())) out.failed++;
    else out.unknown++;
  }
  return out;
}

/**
 * When the handset got it: the proof of service's time, from which the appeal periods count. The
 * gateway writes Beijing wall time ("2026-03-10 19:00:00"); a time it cannot have known yet (a
 * skewed clock) or cannot be read is the time the receipt reached us, which the handset's is not after.
 */
export function receivedAt(userReceiveTime: string | undefined, now: Date = new Date()): Date {
  const at = userReceiveTime === undefined ? undefined : shanghaiInstant(userReceiveTime);
  return at === undefined || at > now ? now : at;
}
