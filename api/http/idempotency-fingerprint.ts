/**
 * One Idempotency-Key, one request (app/request-fingerprints.ts). A route that declares the
 * header (api/http/route.ts) checks, after its input is validated, that the key was not used by
 * the same caller for another request: another body, or another call. Keyed by caller and key
 * alone, as the case workflow's Update ids and its record of handled requests are: the same key
 * on another step's actions, or on a termination after an action, would otherwise be answered
 * with the first request's result and apply nothing. A 400 (invalid input: nothing was done, and
 * the same body would be refused again) frees the key for a corrected request; any other answer
 * keeps it.
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import { AppError } from '../../app/errors';
import {
  fingerprintOf,
  forgetRequestFingerprint,
  noteRequestFingerprint,
  type RequestFingerprint,
} from '../../app/request-fingerprints';
import { HttpProblem } from '../problem';
import { requestIdOf } from './request-id';

const FINGERPRINT = 'idempotencyFingerprint';
const FREED_ON_ANY_REFUSAL = 'idempotencyFreedOnAnyRefusal';
const STORE = 'idempotencyStore';

/** Gives the routes of this app the store the fingerprints are kept in (api/app.ts). */
export function provideFingerprintStore(locals: Record<string, unknown>, deps: Pick<AppDeps, 'mongo'>): void {
  locals[STORE] = deps;
}

/**
 * Called by a route that takes an Idempotency-Key, with its validated input. Throws 422
 * `idempotency-key-reused` when the caller used the key for another request. `freedOnAnyRefusal`:
 * the command frees its own key on any refusal or failure (submissions), so the fingerprint goes too.
 */
export async function checkIdempotencyKey(
  req: Request,
  res: Response,
  input: unknown,
  { freedOnAnyRefusal = false } = {},
): Promise<void> {
  if (req.get('idempotency-key') === undefined) return;
  const deps = req.app.locals[STORE] as Pick<AppDeps, 'mongo'> | undefined;
  if (!deps) throw new Error('an Idempotency-Key route without its fingerprint store (provideFingerprintStore)');
  // Validates the key (a malformed one is a 400) and scopes it to the caller.
  const fp = fingerprintOf([requestIdOf(req)], { call: `${req.method} ${req.baseUrl}${req.path}`, input });
  const seen = await noteRequestFingerprint(deps, fp);
  if (seen === 'different')
    throw new HttpProblem(
      422,
      'idempotency-key-reused',
      'This Idempotency-Key was used before for another request (another body or another call)',
    );
  if (seen === 'first') {
    res.locals[FINGERPRINT] = fp;
    res.locals[FREED_ON_ANY_REFUSAL] = freedOnAnyRefusal;
  }
}

/**
 * After the routes: a first request refused as invalid (400) frees its key before the answer goes
 * out; on a route whose command frees its own key on any refusal, any error does.
 */
export function forgetRefusedFingerprint(): ErrorRequestHandler {
  return async (err: unknown, req, res, next) => {
    const fp = res.locals[FINGERPRINT] as RequestFingerprint | undefined;
    const deps = req.app.locals[STORE] as Pick<AppDeps, 'mongo'> | undefined;
    const invalid = (err instanceof HttpProblem && err.status === 400) || (err instanceof AppError && err.kind === 'invalid');
    if (fp && deps && (invalid || res.locals[FREED_ON_ANY_REFUSAL] === true))
      await forgetRequestFingerprint(deps, fp).catch(() => undefined);
    next(err);
  };
}
