/**
 * Callbacks from providers (issue 14): the SMS gateway's delivery receipts. Not behind the
 * Bearer check — the provider has no token of ours — but signed: X-Signature is
 * `sha256=<hex HMAC-SHA256 of the body>` with SMS_CALLBACK_SECRET, compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { recordSmsReceipts, SmsReceipt } from '../../app/commands/sms-receipts';
import { smsCallbackSecret } from '../../config/config';
import type { ApiDeps } from '../deps';
import { rawBodyOf } from '../http/raw-body';
import { addRoute } from '../http/route';
import { HttpProblem } from '../problem';

export function callbacksRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const secret = smsCallbackSecret(deps.config);
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
      401: { description: 'Missing or wrong signature' },
    },
    handler: async ({ body, req }) => {
      if (!secret) throw new HttpProblem(401, 'bad-signature', 'Receipts are not taken: SMS_CALLBACK_SECRET is not set');
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBodyOf(req)).digest('hex')}`);
      const given = Buffer.from(req.get('x-signature') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new HttpProblem(401, 'bad-signature', 'The receipt signature is missing or wrong');
      const outcome = await recordSmsReceipts(deps, body);
      return { status: 200, body: { result: 0, errmsg: 'OK', ...outcome } };
    },
  });
  return router;
}
