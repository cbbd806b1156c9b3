import type { Request } from 'express';

/**
 * The idempotency key of a state-changing call: the client's `Idempotency-Key` if given (so a
 * retried request has one effect), else this request's id. Used as the workflow Update id.
 */
export function requestIdOf(req: Request): string {
  const key = req.get('idempotency-key');
  return key && /^[A-Za-z0-9._:-]{8,128}$/.test(key) ? key : req.id;
}
