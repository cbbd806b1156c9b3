import type { Request } from 'express';
import { z } from 'zod';
import { callerRequestId } from '../../app/caller-request-id';
import { HttpProblem } from '../problem';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** The `Idempotency-Key` header as the OpenAPI document shows it, with what it means on this call. */
export function idempotencyKeyHeader(description: string) {
  return z.object({ 'idempotency-key': z.string().regex(IDEMPOTENCY_KEY).optional().meta({ description }) });
}

/** The header on every state-changing call that takes it through the shared fingerprint store. */
export const IdempotencyKeyHeader = idempotencyKeyHeader(
  'Makes a retry have one effect: the same key from the same caller with the same body is answered as the first call was; with another body or on another call it is a 422 `idempotency-key-reused` (8–128 characters of A-Z a-z 0-9 . _ : -; anything else is a 400)',
);

/** The client's `Idempotency-Key`, if any. A malformed key is refused, not ignored: ignored, a client's retry would act twice. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
    throw new HttpProblem(400, 'validation-error', 'Invalid Idempotency-Key', {
      invalidParams: [{ path: '/headers/idempotency-key', message: '8–128 characters of A-Z a-z 0-9 . _ : -' }],
    });
  return key;
}

/**
 * The idempotency key of a state-changing call: the client's `Idempotency-Key` if given (so a
 * retried request has one effect), else this request's id. Used as the workflow Update id.
 *
 * Always scoped to the caller: two officers (or supervisors) whose clients happen to send the
 * same key, or the same `X-Request-Id`, are two different requests, never one request's replay —
 * otherwise the second would be answered with the first one's result without deciding anything.
 */
export function requestIdOf(req: Request): string {
  return callerRequestId(req.caller?.sub ?? 'anonymous', idempotencyKeyOf(req) ?? req.id);
}
