/**
 * Who is calling: a Bearer JWT (HS256 with a shared secret, or any algorithm an OIDC provider's
 * JWKS serves) with claims `sub`, `role` and, for officers, `department`.
 */
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Actor } from '../../app/actor';
import { DEPARTMENTS } from '../../domain/vocabulary';
import { HttpProblem } from '../problem';

/** The caller a verified token names: the actor the application layer acts for. */
export type Caller = Actor;

const Claims = z.discriminatedUnion('role', [
  z.object({ sub: z.string().min(1).max(128), role: z.literal('applicant') }),
  z.object({ sub: z.string().min(1).max(128), role: z.literal('officer'), department: z.enum(DEPARTMENTS) }),
  z.object({ sub: z.string().min(1).max(128), role: z.literal('supervisor') }),
]);

export interface AuthOptions {
  secret?: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

export function createAuthenticator(opts: AuthOptions): RequestHandler {
  let key: Uint8Array | JWTVerifyGetKey;
  if (opts.jwksUrl) key = createRemoteJWKSet(new URL(opts.jwksUrl));
  else if (opts.secret) key = new TextEncoder().encode(opts.secret);
  else throw new Error('authentication needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
  const algorithms = opts.jwksUrl ? undefined : ['HS256'];

  return async (req, _res, next) => {
    const header = req.get('authorization');
    const m = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
    if (!m) throw unauthorized('A Bearer token is required');
    let payload: unknown;
    try {
      const verified = await jwtVerify(m[1]!, key as Uint8Array, { issuer: opts.issuer, audience: opts.audience, algorithms });
      payload = verified.payload;
    } catch {
      throw unauthorized('The token is invalid or expired');
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw unauthorized('The token lacks a valid role (and department, for officers)');
    req.caller = claims.data;
    next();
  };
}

function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, 'unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer' });
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

/** Mints a token (demo script, tests). Never exposed as an endpoint outside development. */
export async function mintToken(
  claims: Caller,
  opts: { secret: string; issuer: string; audience: string; expiresIn?: string },
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(opts.secret));
}
