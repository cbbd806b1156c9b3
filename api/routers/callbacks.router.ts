/**
 * Callbacks from the departments' systems (issue 14). No Bearer token: a department's system is
 * no person; it proves itself by signing the body with the shared secret
 * (REGISTER_CALLBACK_SECRET, HMAC-SHA256, header X-Register-Signature). Mounted before the token
 * check, like the public rankings.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Request } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { relayTransferCompletion } from '../../app/commands/social-insurance-transfer-completed';
import { CALLBACK_SIGNATURE_HEADER } from '../../domain/registers';
import type { ApiDeps } from '../deps';
import { addRoute } from '../http/route';

const TransferCompletionBody = z
  .strictObject({
    recordId: z.string().min(1).max(100),
    idempotencyKey: z.string().min(1).max(200),
    caseId: z.string().min(1).max(100),
    status: z.literal('completed'),
    completedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'TransferCompletion', description: 'HR’s system: a social-insurance transfer completed (§25)' });

const SignatureHeader = z.object({
  [CALLBACK_SIGNATURE_HEADER]: z
    .string()
    .meta({ description: '`sha256=` and the hex HMAC-SHA256 of the raw body under REGISTER_CALLBACK_SECRET' }),
});

/** The raw body express.json kept (api/app.ts): the signature is over the bytes, not a re-serialisation. */
const rawBodyOf = (req: Request): Buffer | undefined => (req as Request & { rawBody?: Buffer }).rawBody;

export function callbacksRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  addRoute(router, registry, {
    method: 'post',
    path: '/callbacks/social-insurance-transfers',
    summary: 'HR’s system reports a completed social-insurance transfer; the case is told (signed by HR, no token)',
    tag: 'callbacks',
    headers: SignatureHeader,
    body: TransferCompletionBody,
    responses: {
      204: { description: 'Relayed to the case' },
      403: { description: 'Signature missing or wrong, or callbacks not configured' },
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
