/**
 * Callbacks from other systems (issue 14), mounted before the token check like the public
 * rankings: a provider or a department's system is no person and has no token of ours; each
 * proves itself by signing the raw body (kept by express.json, api/http/raw-body.ts) with a
 * secret it shares with us, compared in constant time.
 * - the SMS gateway's delivery receipts: X-Signature, SMS_CALLBACK_SECRET;
 * - HR's completed social-insurance transfers: X-Register-Signature, REGISTER_CALLBACK_SECRET.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { relayTransferCompletion } from '../../app/commands/social-insurance-transfer-completed';
import { recordSmsReceipts, SmsReceipt } from '../../app/commands/sms-receipts';
import { smsCallbackSecret } from '../../config/config';
import { CALLBACK_SIGNATURE_HEADER } from '../../domain/registers';
import { shanghaiInstant } from '../../domain/shanghai-clock';
import type { ApiDeps } from '../deps';
import { rawBodyOf } from '../http/raw-body';
import { addRoute } from '../http/route';

const TransferCompletionBody = z
  .strictObject({
    recordId: z.string().min(1).max(100),
    idempotencyKey: z.string().min(1).max(200),
    caseId: z.string().min(1).max(100),
    status: z.literal('completed'),
    completedAt: z
      .string()
      .refine((t) => shanghaiInstant(t) !== undefined, 'a date-time: ISO 8601 with its offset, or Beijing time without one')
      // Documented as what we ask for; a zone-less Beijing time is taken as well, as in the register's answers.
      .meta({
        format: 'date-time',
        description: 'ISO 8601 with an offset; Beijing time without one (2026-03-10 19:00:00) is taken too',
      }),
  })
  .meta({ id: 'TransferCompletion', description: 'HR’s system: a social-insurance transfer completed (§25)' });

const RegisterSignatureHeader = z.object({
  [CALLBACK_SIGNATURE_HEADER]: z
    .string()
    .meta({ description: '`sha256=` and the hex HMAC-SHA256 of the raw body under REGISTER_CALLBACK_SECRET' }),
});

export function callbacksRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const smsSecret = smsCallbackSecret(deps.config);

  addRoute(router, registry, {
    method: 'post',
    path: '/callbacks/sms-receipts',
    summary: 'SMS delivery receipts from the gateway (Tencent receipt shape; ext = our notice id), signed with X-Signature',
    tag: 'callbacks',
    headers: z.object({
      'x-signature': z.string().meta({ description: 'sha256=<hex HMAC-SHA256 of the raw body with SMS_CALLBACK_SECRET>' }),
    }),
    body: z.array(SmsReceipt).max(1000),
    responses: {
      200: {
        description: 'Taken (receipts naming no notice of ours are acknowledged and ignored)',
        schema: z.object({
          result: z.literal(0),
          errmsg: z.string(),
          delivered: z.number(),
          failed: z.number(),
          unknown: z.number(),
        }),
      },
      401: { description: 'Missing or wrong signature (`bad-signature`), or receipts not configured (`callbacks-disabled`)' },
    },
    handler: async ({ body, req }) => {
      const outcome = await recordSmsReceipts(deps, {
        secret: smsSecret,
        rawBody: rawBodyOf(req),
        signature: req.get('x-signature'),
        receipts: body,
      });
      return { status: 200, body: { result: 0, errmsg: 'OK', ...outcome } };
    },
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/callbacks/social-insurance-transfers',
    summary: 'HR’s system reports a completed social-insurance transfer; the case is told (signed by HR, no token)',
    tag: 'callbacks',
    headers: RegisterSignatureHeader,
    body: TransferCompletionBody,
    responses: {
      204: { description: 'Relayed to the case' },
      401: { description: 'Signature missing or wrong, or callbacks not configured' },
      404: { description: 'No such case (or it no longer waits)' },
    },
    handler: async ({ body, req }) => {
      await relayTransferCompletion(deps, {
        rawBody: rawBodyOf(req),
        signature: req.get(CALLBACK_SIGNATURE_HEADER),
        completion: body,
      });
      return { status: 204 };
    },
  });
  return router;
}
