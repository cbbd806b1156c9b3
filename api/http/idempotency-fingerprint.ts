/**
 * The same `Idempotency-Key` on the same call with another body is a 422
 * (`idempotency-key-reused`), as submissions already answer (app/request-fingerprints.ts). Mounted
 * after the token check: the key is the caller's own. Submissions keep their own store, which
 * also replays the first answer.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../../app/errors';
import {
  fingerprintOf,
  forgetRequestFingerprint,
  noteRequestFingerprint,
  type RequestFingerprint,
} from '../../app/request-fingerprints';
import type { AppDeps } from '../../app/deps';
import { HttpProblem, problemOf } from '../problem';
import { requestIdOf } from './request-id';

const FINGERPRINT = 'idempotencyFingerprint';

/** Calls whose command keeps its own idempotency store. */
const OWN_STORE = new Set(['POST /applicant/cases']);

export function idempotencyFingerprint(deps: Pick<AppDeps, 'mongo'>): RequestHandler {
  return async (req, res, next) => {
    if (req.get('idempotency-key') === undefined || req.method === 'GET' || req.method === 'HEAD') return next();
    if (OWN_STORE.has(`${req.method} ${req.path}`)) return next();
    // Validates the key (a malformed one is a 400) and scopes it to the caller.
    const scoped = requestIdOf(req);
    const fp = fingerprintOf([scoped, req.method, req.path], req.body ?? null);
    const seen = await noteRequestFingerprint(deps, fp);
    if (seen === 'different')
      throw new HttpProblem(422, 'idempotency-key-reused', 'This Idempotency-Key was used with a different request body');
    if (seen === 'first') res.locals[FINGERPRINT] = fp;
    next();
  };
}

/**
 * After the routes: a first request refused (any 4xx) applied nothing, so its key is freed before
 * the refusal is answered (a client's corrected retry may follow at once).
 */
export function forgetRefusedFingerprint(deps: Pick<AppDeps, 'mongo'>): ErrorRequestHandler {
  return async (err: unknown, _req, res, next) => {
    const fp = res.locals[FINGERPRINT] as RequestFingerprint | undefined;
    const status = err instanceof HttpProblem ? err.status : err instanceof AppError ? problemOf(err).status : 500;
    if (fp && status >= 400 && status < 500) await forgetRequestFingerprint(deps, fp).catch(() => undefined);
    next(err);
  };
}
