/**
 * Who is calling: the Bearer token of the request, verified by the application layer's token
 * verifier (app/access-token.ts; README "Sign-in"), becomes `req.caller`.
 */
import type { RequestHandler } from 'express';
import type { Actor } from '../../app/actor';
import {
  createTokenVerifier,
  MissingScopeClaim,
  TokenRejected,
  type TokenOptions,
  type TokenVerifier,
  type VerifiedToken,
} from '../../app/access-token';
import { HttpProblem } from '../problem';

export { mintToken, type TokenClaims } from '../../app/access-token';

/** The caller a verified token names: the actor the application layer acts for. */
export type Caller = Actor;
export type AuthOptions = TokenOptions;

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

/** `onVerified`: told of every verified token (the officer directory learns officers from it). */
export function createAuthenticator(opts: AuthOptions, onVerified?: (verified: VerifiedToken) => Promise<void>): RequestHandler {
  const verify = createTokenVerifier(opts);
  return async (req, _res, next) => {
    const verified = await verifiedBearer(verify, req.get('authorization'));
    req.caller = verified.actor;
    if (onVerified) await onVerified(verified);
    next();
  };
}

/**
 * The caller an `Authorization: Bearer …` header names, as every door that takes tokens answers
 * it: a malformed or rejected token is a 401, an officer token naming no scope a 403.
 */
export async function bearerCaller(verify: TokenVerifier, header: string | undefined): Promise<Caller> {
  return (await verifiedBearer(verify, header)).actor;
}

async function verifiedBearer(verify: TokenVerifier, header: string | undefined): Promise<VerifiedToken> {
  // The scheme is case-insensitive (RFC 9110 §11.1): `bearer …` is the same request.
  const m = header ? /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header) : null;
  if (!m) throw unauthorized('A Bearer token is required');
  try {
    return await verify(m[1]!);
  } catch (err) {
    // Who they are is proven; that the account says nowhere where its officer acts is a 403.
    if (err instanceof MissingScopeClaim) throw new HttpProblem(403, 'missing-claim', err.message, { claim: err.claim });
    if (err instanceof TokenRejected) throw unauthorized(err.message, 'invalid_token');
    throw err;
  }
}

/**
 * A 401 whose `WWW-Authenticate` says, as RFC 6750 §3 has it, whether a token came and was refused
 * (`error="invalid_token"`, a client then gets a new one) or none came (no error: ask for one).
 */
export function unauthorized(detail: string, error?: 'invalid_token'): HttpProblem {
  const challenge = error
    ? `Bearer error="${error}", error_description="${detail.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?')}"`
    : 'Bearer';
  return new HttpProblem(401, 'unauthorized', detail, {}, { 'WWW-Authenticate': challenge });
}

export function callerOf(req: { caller?: Caller }): Caller {
  if (!req.caller) throw unauthorized('A Bearer token is required');
  return req.caller;
}

/** Refuses every role but the given ones (403). */
export function requireRole(...roles: Caller['role'][]): RequestHandler {
  return (req, _res, next) => {
    const caller = callerOf(req);
    if (!roles.includes(caller.role)) throw new HttpProblem(403, 'forbidden', `This route is for ${roles.join(' / ')} accounts`);
    next();
  };
}
