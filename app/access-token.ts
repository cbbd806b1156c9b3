/**
 * Verifies an access token and names the actor it speaks for: a JWT signed HS256 with a shared
 * secret, or by any asymmetric key an OIDC provider's JWKS serves, or both (README "Sign-in"),
 * with claims `sub`, `role` and, for officers, `department` and where they act (`district`, or
 * `jurisdiction: "city"`; app/officer-scope.ts) and, for applicants, the citizen ID number the
 * provider verified (`id_number`). The JSON API verifies the Bearer token of every request with it; the web pages verify the token the sign-in returned, so roles, departments and
 * scopes come from the provider's claims on both doors, never from a form.
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { DEPARTMENTS } from '../domain/vocabulary';
import { IdNumber } from './commands/application-input';
import type { Actor, ApplicantActor, AuditorActor, OfficerActor, OperatorActor, SupervisorActor } from './actor';
import {
  CITY_JURISDICTION,
  claimsOfScope,
  SCOPE_AREAS,
  scopeOfClaims,
  type OfficerScope,
  type ScopeClaims,
} from './officer-scope';

const Claims = z.discriminatedUnion('role', [
  // `id_number` is checked apart (actorOfClaims): a malformed one is no verified number, not a bad token.
  z.object({ sub: z.string().min(1).max(128), role: z.literal('applicant'), id_number: z.unknown().optional() }),
  z.object({
    sub: z.string().min(1).max(128),
    role: z.literal('officer'),
    department: z.enum(DEPARTMENTS),
    // A provider may send one area as a string or several as an array; an unknown code is a bad
    // token, like an unknown department.
    district: z.union([z.enum(SCOPE_AREAS), z.array(z.enum(SCOPE_AREAS)).max(SCOPE_AREAS.length)]).optional(),
    jurisdiction: z.literal(CITY_JURISDICTION).optional(),
  }),
  z.object({ sub: z.string().min(1).max(128), role: z.literal('supervisor') }),
  z.object({ sub: z.string().min(1).max(128), role: z.literal('auditor') }),
  z.object({ sub: z.string().min(1).max(128), role: z.literal('operator') }),
]);

/** What a token claims: an officer's scope as its claims (`district` / `jurisdiction`), or as a scope. */
export type TokenClaims =
  | ApplicantActor
  | SupervisorActor
  | AuditorActor
  | OperatorActor
  | (Omit<OfficerActor, 'scope'> & ScopeClaims & { scope?: OfficerScope });

export interface TokenOptions {
  secret?: string;
  jwksUrl?: string;
  issuer: string;
  /** `iss` of the tokens verified with jwksUrl, when it differs from `issuer`. */
  jwksIssuer?: string;
  audience: string;
}

/** Why a token was not accepted, in words safe to show the caller. */
export class TokenRejected extends Error {
  override name = 'TokenRejected';
}

/**
 * A valid officer token that says nowhere where the officer acts: refused (403, naming the claim),
 * never read as city-wide. The person is known; their account is not set up for this.
 */
export class MissingScopeClaim extends TokenRejected {
  override name = 'MissingScopeClaim';
  readonly claim = 'district';
  constructor(
    message = `An officer token needs a \`district\` claim (the areas the officer acts in) or \`jurisdiction: "${CITY_JURISDICTION}"\``,
  ) {
    super(message);
  }
}

/**
 * An officer token naming areas and the whole city at once: refused like one naming neither,
 * never read as the wider of the two (the provider's account is set up wrongly).
 */
export class ConflictingScopeClaims extends MissingScopeClaim {
  override name = 'ConflictingScopeClaims';
  constructor() {
    super(`An officer token names both \`district\` and \`jurisdiction: "${CITY_JURISDICTION}"\`: it must name one of them`);
  }
}

export interface VerifiedToken {
  actor: Actor;
  /** The display name the provider put in the token (`name`), if any. */
  name?: string;
  /** When the token expires (ms since the epoch). */
  expiresAt: number;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

/**
 * Why jose refused a token, for the caller. Its claims are checked only once the signature holds,
 * so saying a token expired or is for another issuer tells nothing to someone who forged it.
 */
function rejectionOf(err: unknown): TokenRejected {
  if (err instanceof errors.JWTExpired) return new TokenRejected('The token has expired');
  if (err instanceof errors.JWTClaimValidationFailed)
    return new TokenRejected(`The token's \`${err.claim}\` claim is not accepted here (${err.reason})`);
  return new TokenRejected('The token is invalid (malformed, or its signature does not verify)');
}

/** A token that never expires is refused: a leaked one would otherwise open the API for good. */
const REQUIRED = { requiredClaims: ['exp'] };

/** Asymmetric algorithms only: what OIDC providers sign access tokens with. */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * With a secret and a JWKS both configured (npm start: scripts' tokens and the embedded
 * provider's), the token's own header picks the key: `HS256` → the secret (and `issuer`),
 * anything else → the JWKS (and `jwksIssuer`). A JWKS never serves symmetric keys, so an HS256
 * token cannot pass as a provider token, nor an RS256 one as a secret-signed token.
 */
export function createTokenVerifier(opts: TokenOptions): TokenVerifier {
  if (!opts.jwksUrl && !opts.secret) throw new Error('authentication needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
  const secret = opts.secret ? new TextEncoder().encode(opts.secret) : undefined;
  const jwks = opts.jwksUrl ? createRemoteJWKSet(new URL(opts.jwksUrl)) : undefined;

  const verify = async (token: string): Promise<JWTPayload> => {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new TokenRejected('The token is invalid (malformed, or its signature does not verify)');
    }
    try {
      if (alg === 'HS256' && secret) {
        return (
          await jwtVerify(token, secret, { ...REQUIRED, issuer: opts.issuer, audience: opts.audience, algorithms: ['HS256'] })
        ).payload;
      }
      if (alg !== 'HS256' && jwks) {
        const issuer = opts.jwksIssuer ?? opts.issuer;
        return (await jwtVerify(token, jwks, { ...REQUIRED, issuer, audience: opts.audience, algorithms: JWKS_ALGORITHMS }))
          .payload;
      }
    } catch (err) {
      throw rejectionOf(err);
    }
    throw new TokenRejected('The token is signed with an algorithm this API does not take');
  };

  return async (token) => {
    const payload = await verify(token);
    const claims = Claims.safeParse(payload);
    if (!claims.success) {
      const claim = claims.error.issues[0]?.path[0];
      throw new TokenRejected(
        claim === undefined || claim === 'role'
          ? 'The token lacks a valid role (and department, for officers)'
          : `The token's \`${String(claim)}\` claim is not valid`,
      );
    }
    const name = typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim().slice(0, 100) : undefined;
    return { actor: actorOfClaims(claims.data), expiresAt: (payload.exp ?? 0) * 1000, ...(name ? { name } : {}) };
  };
}

function actorOfClaims(claims: z.infer<typeof Claims>): Actor {
  if (claims.role === 'applicant') {
    // The provider's verified citizen ID number (real-name sign-in), normalised like a form's. A
    // claim that is not a valid number (null, "", a wrong check character) verifies nobody: the
    // account still reads its cases, and applying is refused as unverified (README "Sign-in").
    const idNumber = IdNumber.safeParse(claims.id_number);
    return { sub: claims.sub, role: 'applicant', ...(idNumber.success ? { idNumber: idNumber.data } : {}) };
  }
  if (claims.role !== 'officer') return claims;
  if (claims.jurisdiction !== undefined && claims.district !== undefined) throw new ConflictingScopeClaims();
  const scope = scopeOfClaims(claims);
  if (!scope) throw new MissingScopeClaim();
  return { sub: claims.sub, role: 'officer', department: claims.department, scope };
}

const withoutIdNumber = ({ idNumber: _id, ...rest }: ApplicantActor & { name?: string }) => rest;

/** Mints a token (demo script, tests). Never exposed as an endpoint outside development. */
export async function mintToken(
  /** `name`: the display name the pages show for the person (as a provider's `name` claim). */
  claims: TokenClaims & { name?: string },
  opts: { secret: string; issuer: string; audience: string; expiresIn?: string },
): Promise<string> {
  // An officer's scope travels as its claims; `scope` itself is OAuth's claim, not ours.
  const { scope, ...rest } = claims as TokenClaims & { scope?: OfficerScope; name?: string };
  const payload =
    claims.role === 'officer' && scope
      ? { ...rest, ...claimsOfScope(scope) }
      : claims.role === 'applicant' && claims.idNumber
        ? { ...withoutIdNumber(claims), id_number: claims.idNumber }
        : rest;
  return new SignJWT({ ...payload })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(opts.secret));
}
