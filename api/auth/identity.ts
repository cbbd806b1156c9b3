/**
 * Who is calling: a Bearer JWT (HS256 with a shared secret, or any algorithm an OIDC provider's
 * JWKS serves, or both: README "Sign-in") with claims `sub`, `role` and, for officers, `department`.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
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
  /** `iss` of the tokens verified with jwksUrl, when it differs from `issuer`. */
  jwksIssuer?: string;
  audience: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

/**
 * With a secret and a JWKS both configured (npm start: scripts' tokens and the embedded
 * provider's), the token's own header picks the key: `HS256` → the secret (and `issuer`),
 * anything else → the JWKS (and `jwksIssuer`). A JWKS never serves symmetric keys, so an HS256
 * token cannot pass as a provider token, nor an RS256 one as a secret-signed token.
 */
export function createAuthenticator(opts: AuthOptions): RequestHandler {
  if (!opts.jwksUrl && !opts.secret) throw new Error('authentication needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
  const secret = opts.secret ? new TextEncoder().encode(opts.secret) : undefined;
  const jwks = opts.jwksUrl ? createRemoteJWKSet(new URL(opts.jwksUrl)) : undefined;

  const verify = async (token: string) => {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthorized('The token is invalid or expired');
    }
    if (alg === 'HS256' && secret) {
      return jwtVerify(token, secret, { issuer: opts.issuer, audience: opts.audience, algorithms: ['HS256'] });
    }
    if (alg !== 'HS256' && jwks) {
      return jwtVerify(token, jwks, {
        issuer: opts.jwksIssuer ?? opts.issuer,
        audience: opts.audience,
        algorithms: JWKS_ALGORITHMS,
      });
    }
    throw unauthorized('The token is invalid or expired');
  };

  return async (req, _res, next) => {
    const header = req.get('authorization');
    const m = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
    if (!m) throw unauthorized('A Bearer token is required');
    let payload: unknown;
    try {
      payload = (await verify(m[1]!)).payload;
    } catch {
      throw unauthorized('The token is invalid or expired');
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw unauthorized('The token lacks a valid role (and department, for officers)');
    req.caller = claims.data;
    next();
  };
}

/** Asymmetric algorithms only: what OIDC providers sign access tokens with. */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

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
