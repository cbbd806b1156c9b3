/**
 * A simulated SMS provider (issue 14), shaped like Tencent Cloud SendSms (FACTS "Delivery"), so
 * the engine's adapter (activities/notifications/sms-gateway.client.ts) talks to it as it would
 * to the real one:
 *
 *   POST   /sms/v1/SendSms      { PhoneNumberSet, SmsSdkAppId, SignName, TemplateId, TemplateParamSet, SessionContext }
 *                               → { Response: { SendStatusSet: [{ SerialNo, PhoneNumber, Code, Message, … }], RequestId } }
 *                               or { Response: { Error: { Code, Message }, RequestId } }
 *   GET    /__sms/messages      every message it took (what tests and developers look at)
 *   GET    /__sms/faults        PUT { down?, failNext?, errorCode?, undeliverable? }    DELETE clears
 *
 * SendSms asks for the simulator's Bearer API key; the /__sms endpoints exist in development and
 * test only (the messages hold phone numbers).
 *
 * Unlike some real providers it dedupes: the same SessionContext (our notice id) from the same
 * app is one message, answered with the same SerialNo, however often it is sent. Messages are
 * kept in the simulator's database, and a delivery receipt per message (Tencent's callback
 * shape: sid, mobile, report_status, …, plus ext = SessionContext) is posted to the configured
 * callback URL, signed with HMAC-SHA256 over the body (X-Signature: sha256=<hex>), retried until
 * the callback answers 2xx — also after a restart, since pending receipts are in the database.
 */
import { randomUUID } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { Schema, trusted, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { parseOrThrow } from '../../api/validation';
import { signCallback } from '../../app/callback-signature';
import type { Logger } from '../../config/logger';
import { isDuplicateKey } from '../../models/duplicate-key';
import { approvedTemplate, type SmsTemplates } from '../../policy/sms-templates';
import { fillSmsText, variablesIn } from '../../templates/sms-params';
import { receiptSweeper } from './receipt-sweeper';

export interface SmsGatewayOptions {
  conn: Connection;
  logger: Logger;
  /** Where receipts go; none: messages are kept, no receipts sent. */
  callbackUrl?: string;
  /** Signs the receipts. */
  callbackSecret?: string;
  /** How long after a message its receipt is sent (a handset takes a moment). */
  receiptDelayMs?: number;
  /** Serve /__sms/faults and /__sms/messages (development and test only: the messages hold phone numbers). */
  faultInjection: boolean;
  /** Checks the caller's credential on SendSms (the simulator's API keys). */
  authenticate: RequestHandler;
  /**
   * The templates this provider approved (the table the engine sends by, policy/sms-templates.json):
   * an unknown id, or a parameter set that does not fit its text, is refused as a provider refuses
   * it, and each message keeps the text the handset shows. Read at each send, as the engine reads it.
   */
  approved: () => SmsTemplates;
}

interface SmsMessageDoc {
  /** `<SmsSdkAppId>:<SessionContext>`: the dedupe key. */
  _id: string;
  serialNo: string;
  appId: string;
  sessionContext: string;
  phone: string;
  signName: string;
  templateId: string;
  params: string[];
  /** The approved text filled with the parameters: what the handset shows, after the sign name. */
  text: string;
  receivedAt: Date;
  /** How many SendSms calls named this message (1 = never repeated). */
  requests: number;
  receipt: { status: 'SUCCESS' | 'FAIL'; dueAt: Date; postedAt?: Date; attempts: number; lastError?: string };
  /**
   * True until the receipt is posted: a top-level equality the receipt sweep filters on, which
   * FerretDB pushes down to PostgreSQL. The nested `receipt.postedAt` it filtered on before is not
   * pushed down, so every sweep decoded every message ever taken.
   */
  receiptPending?: boolean;
}

const smsMessageSchema = new Schema<SmsMessageDoc>(
  {
    _id: String,
    serialNo: String,
    appId: String,
    sessionContext: String,
    phone: String,
    signName: String,
    templateId: String,
    params: [String],
    text: String,
    receivedAt: Date,
    requests: Number,
    receipt: { type: Schema.Types.Mixed },
    receiptPending: Boolean,
  },
  { collection: 'sms_messages', versionKey: false },
);

export function smsMessageModel(conn: Connection): Model<SmsMessageDoc> {
  return (
    (conn.models.SmsMessage as Model<SmsMessageDoc> | undefined) ?? conn.model<SmsMessageDoc>('SmsMessage', smsMessageSchema)
  );
}

const sendSmsInput = z.object({
  PhoneNumberSet: z.array(z.string()).min(1).max(200),
  SmsSdkAppId: z.string().min(1),
  SignName: z.string().min(1),
  TemplateId: z.string().min(1),
  TemplateParamSet: z.array(z.string()).default([]),
  SessionContext: z.string().max(512).default(''),
});

const faultInput = z.strictObject({
  /** Every SendSms answers HTTP 503, as an outage would. */
  down: z.boolean().default(false),
  /** The next N SendSms answer a provider error (errorCode). */
  failNext: z.int().min(0).max(10_000).default(0),
  errorCode: z.string().default('InternalError.Timeout'),
  /** Numbers whose messages are taken but never reach the handset (receipt FAIL). */
  undeliverable: z.array(z.string()).default([]),
});
type SmsFaults = z.infer<typeof faultInput>;
const NO_FAULTS: SmsFaults = { down: false, failNext: 0, errorCode: 'InternalError.Timeout', undeliverable: [] };

/** Receipts posted per look at the store. */
const RECEIPT_BATCH = 50;
/** How often the receipt sweeper looks for receipts it was not told of. */
const RECEIPT_IDLE_SWEEP_MS = 5000;

/** Mobile numbers the provider accepts: E.164, or 11 mainland digits. */
const PHONE = /^(\+\d{8,15}|1\d{10})$/;

export function createSmsGateway(opts: SmsGatewayOptions): Router {
  const messages = smsMessageModel(opts.conn);
  let faults: SmsFaults = { ...NO_FAULTS };
  const router = Router();
  const requestId = () => randomUUID();
  // Tells the receipt sweeper (below, when receipts are sent) that a receipt falls due.
  let wake: (at: Date) => void = () => undefined;

  router.post('/sms/v1/SendSms', opts.authenticate, express.json({ limit: '64kb' }), async (req, res) => {
    if (faults.down) {
      res.status(503).json({
        Response: {
          Error: { Code: 'InternalError', Message: 'service unavailable (injected outage)' },
          RequestId: requestId(),
        },
      });
      return;
    }
    if (faults.failNext > 0) {
      faults.failNext--;
      res.json({ Response: { Error: { Code: faults.errorCode, Message: 'injected fault' }, RequestId: requestId() } });
      return;
    }
    const input = parseOrThrow(sendSmsInput, req.body, 'body');
    const template = approvedTemplate(opts.approved(), input.TemplateId);
    const refusal = !template
      ? { Code: 'FailedOperation.TemplateIncorrectOrUnapproved', Message: `template ${input.TemplateId} is not approved` }
      : Math.max(0, ...variablesIn(template.text)) !== input.TemplateParamSet.length
        ? {
            Code: 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
            Message: `template ${input.TemplateId} takes ${Math.max(0, ...variablesIn(template.text))} parameters, got ${input.TemplateParamSet.length}`,
          }
        : undefined;
    if (refusal) {
      res.json({ Response: { Error: refusal, RequestId: requestId() } });
      return;
    }
    const text = fillSmsText(template!.text, input.TemplateParamSet);
    const SendStatusSet = [];
    for (const phone of input.PhoneNumberSet) {
      if (!PHONE.test(phone)) {
        SendStatusSet.push({
          SerialNo: '',
          PhoneNumber: phone,
          Fee: 0,
          SessionContext: input.SessionContext,
          Code: 'InvalidParameterValue.IncorrectPhoneNumber',
          Message: 'incorrect phone number',
          IsoCode: '',
        });
        continue;
      }
      const now = new Date();
      const doc: SmsMessageDoc = {
        _id: `${input.SmsSdkAppId}:${input.SessionContext || randomUUID()}:${phone}`,
        serialNo: `${now.getTime()}:${randomUUID()}`,
        appId: input.SmsSdkAppId,
        sessionContext: input.SessionContext,
        phone,
        signName: input.SignName,
        templateId: input.TemplateId,
        params: input.TemplateParamSet,
        text: `【${input.SignName}】${text}`,
        receivedAt: now,
        requests: 1,
        receipt: {
          status: faults.undeliverable.includes(phone) ? 'FAIL' : 'SUCCESS',
          dueAt: new Date(now.getTime() + (opts.receiptDelayMs ?? 300)),
          attempts: 0,
        },
        receiptPending: true,
      };
      let stored = doc;
      try {
        await messages.create(doc);
        wake(doc.receipt.dueAt);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // The same key again: the message it names already went; the same answer, nothing sent.
        stored =
          (await messages.findOneAndUpdate({ _id: doc._id }, { $inc: { requests: 1 } }, { returnDocument: 'after' }).lean()) ??
          doc;
      }
      SendStatusSet.push({
        SerialNo: stored.serialNo,
        PhoneNumber: phone,
        Fee: 1,
        SessionContext: input.SessionContext,
        Code: 'Ok',
        Message: 'send success',
        IsoCode: 'CN',
      });
    }
    res.json({ Response: { SendStatusSet, RequestId: requestId() } });
  });

  if (opts.faultInjection) {
    router.get('/__sms/messages', async (_req, res) => {
      res.json({ items: await messages.find().sort({ receivedAt: 1 }).lean() });
    });
    router.get('/__sms/faults', (_req, res) => {
      res.json(faults);
    });
    router.put('/__sms/faults', express.json({ limit: '4kb' }), (req, res) => {
      faults = parseOrThrow(faultInput, req.body, 'body');
      opts.logger.info({ faults }, 'SMS gateway faults changed');
      res.json(faults);
    });
    router.delete('/__sms/faults', (_req, res) => {
      faults = { ...NO_FAULTS };
      res.json(faults);
    });
  }

  // Receipts: from the database, so none is lost when the simulator restarts. Stops by itself
  // once the connection is closed (a test stack's simulator).
  if (opts.callbackUrl) {
    const url = opts.callbackUrl;
    const secret = opts.callbackSecret ?? '';
    // Messages kept before `receiptPending` existed: marked once, as their receipts stand.
    const adopted = adoptOlderMessages(messages).catch((err: unknown) =>
      opts.logger.warn({ err: String(err) }, 'SMS receipts: marking older messages failed'),
    );
    const sweeper = receiptSweeper({
      // While the store is away nothing is swept; the next look is a while later.
      sweep: async () => {
        if (opts.conn.readyState !== 1) return false;
        await adopted;
        return postDueReceipts(messages, url, secret, opts.logger, wake);
      },
      idleMs: RECEIPT_IDLE_SWEEP_MS,
      onError: (err) => opts.logger.warn({ err: String(err) }, 'SMS receipts: sweep failed'),
    });
    wake = sweeper.wake;
    opts.conn.once('close', () => sweeper.stop());
  }
  return router;
}

async function adoptOlderMessages(messages: Model<SmsMessageDoc>): Promise<void> {
  const unmarked = { receiptPending: trusted({ $exists: false }) };
  await messages.updateMany({ ...unmarked, 'receipt.postedAt': trusted({ $exists: true }) }, { $set: { receiptPending: false } });
  await messages.updateMany(unmarked, { $set: { receiptPending: true } });
}

/** Posts the due receipts, a batch at a time; true when the batch was full (more may be due). */
async function postDueReceipts(
  messages: Model<SmsMessageDoc>,
  url: string,
  secret: string,
  logger: Logger,
  wake: (at: Date) => void,
): Promise<boolean> {
  const due = await messages
    .find({ receiptPending: true, 'receipt.dueAt': trusted({ $lte: new Date() }) })
    .sort({ 'receipt.dueAt': 1 })
    .limit(RECEIPT_BATCH)
    .lean();
  for (const m of due) {
    const body = JSON.stringify([
      {
        user_receive_time: beijingWallTime(new Date()),
        nationcode: m.phone.startsWith('+86') ? '86' : '',
        mobile: m.phone,
        report_status: m.receipt.status,
        errmsg: m.receipt.status === 'SUCCESS' ? 'DELIVRD' : 'UNDELIV',
        description: m.receipt.status === 'SUCCESS' ? '用户接收成功' : '用户无法接收（模拟）',
        sid: m.serialNo,
        ext: m.sessionContext,
      },
    ]);
    let error: string | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': signCallback(secret, body) },
        body,
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) error = `callback answered ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const attempts = m.receipt.attempts + 1;
    if (error) {
      // Backoff up to 30 s between tries, as providers do.
      const dueAt = new Date(Date.now() + Math.min(30_000, 500 * 2 ** Math.min(attempts, 6)));
      await messages.updateOne(
        { _id: m._id },
        { $set: { 'receipt.attempts': attempts, 'receipt.dueAt': dueAt, 'receipt.lastError': error } },
      );
      wake(dueAt);
      logger.debug({ sid: m.serialNo, error }, 'SMS receipt not taken; will retry');
    } else {
      await messages.updateOne(
        { _id: m._id },
        { $set: { 'receipt.attempts': attempts, 'receipt.postedAt': new Date(), receiptPending: false } },
      );
    }
  }
  return due.length === RECEIPT_BATCH;
}

/** As Tencent's receipts write it: Beijing time (UTC+8, no DST) without a zone, "2015-10-17 08:03:04". */
export function beijingWallTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
