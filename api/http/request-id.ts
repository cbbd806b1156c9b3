import type { Request } from 'express';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The idempotency key of a state-changing call: the client's `Idempotency-Key` if given (so a
 * retried request has one effect), else this request's id. Used as the workflow Update id.
 *
 * Always scoped to the caller: two officers (or supervisors) whose clients happen to send the
 * same key, or the same `X-Request-Id`, are two different requests, never one request's replay —
 * otherwise the second would be answered with the first one's result without deciding anything.
 */
export function requestIdOf(req: Request): string {
  const key = req.get('idempotency-key');
  const id = key && IDEMPOTENCY_KEY.test(key) ? key : req.id;
  return `${req.caller?.sub ?? 'anonymous'}:${id}`;
}
