/**
 * The codec server of the Temporal UI (issue 15 part 2): the UI posts the sealed payloads of a
 * workflow's history to `POST /codec/decode` and shows what comes back, so an operator can read a
 * case's history without the keys ever leaving this service. The codec is the one every client
 * and worker of this app uses (temporal/payload-codec.ts, through the Temporal client's data
 * converter), so whatever algorithm and keys are configured there are the ones used here.
 *
 * Protocol (Temporal's remote codec): body `{payloads: [{metadata: {k: base64}, data: base64}]}`,
 * answer the same shape; `/codec/encode` the other way (the UI encodes what a person types, e.g.
 * a signal's input). Who: supervisors and operators, by Bearer token (the UI's "pass access
 * token") or by the web portal's session cookie (the UI's "include cross-origin credentials",
 * when the UI and the portal are served from the same host name). CORS only for the configured
 * UI origins (CODEC_CORS_ORIGIN), preflight answered, credentials allowed. Every decode leaves an
 * access record (view `temporal_payloads`) naming the cases the decoded payloads mention.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Payload } from '@temporalio/common';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { cleanPurpose, recordAccess, type StaffActor } from '../../app/access-records/record-access';
import type { TokenVerifier } from '../../app/access-token';
import { bearerCaller, unauthorized } from '../auth/identity';
import type { Actor } from '../../app/actor';
import type { ApiDeps } from '../deps';
import { rateLimit } from 'express-rate-limit';
import { Problem } from '../http/route';
import { decodePurposeHeader } from '../http/access-context';
import { HttpProblem } from '../problem';
import { parseOrThrow } from '../validation';

const CODEC_ROLES: ReadonlyArray<Actor['role']> = ['supervisor', 'operator'];
const BODY_LIMIT = '4mb';
const MAX_PAYLOADS = 10_000;

const Base64 = z
  .string()
  .max(4 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64');
const WirePayload = z.object({ metadata: z.record(z.string().max(200), Base64).optional(), data: Base64.optional() });
const CodecBody = z
  .object({ payloads: z.array(WirePayload).max(MAX_PAYLOADS) })
  .meta({ id: 'CodecPayloads', description: "Temporal's remote codec protocol: payloads with base64 metadata values and data" });
type WirePayload = z.infer<typeof WirePayload>;

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Case ids a decoded JSON payload names (`caseId` at its top level or one level down): what the access record names. */
export function caseIdsIn(payloads: readonly Payload[]): string[] {
  const found = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 2 || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) return v.slice(0, 50).forEach((x) => visit(x, depth + 1));
    const caseId = (v as { caseId?: unknown }).caseId;
    if (typeof caseId === 'string' && UUID.test(caseId)) found.add(caseId);
    for (const x of Object.values(v).slice(0, 50)) visit(x, depth + 1);
  };
  for (const p of payloads) {
    const encoding = Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString();
    if (encoding !== 'json/plain') continue;
    try {
      visit(JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8')), 0);
    } catch {
      // Not JSON after all: names no case.
    }
  }
  return [...found];
}

/** CORS for the Temporal UI's origins only; a request from another origin is refused outright. */
function cors(allowed: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin !== undefined) {
      if (!allowed.includes(origin)) throw new HttpProblem(403, 'forbidden', 'This origin may not use the codec server');
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      // The UI reads the answer cross-origin: helmet's same-origin default would hide it from a no-cors read only, but say it.
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    res.vary('Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace, X-Access-Purpose');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/** A Bearer token when one is sent; otherwise the web portal's signed-in person (session cookie). */
function authenticate(verify: TokenVerifier): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (header !== undefined) req.caller = await bearerCaller(verify, header);
    else {
      const user = req.session?.user;
      if (!user || user.expiresAt <= Date.now()) throw unauthorized('Sign in to the portal, or send a Bearer token');
      req.caller = user.actor;
    }
    if (!CODEC_ROLES.includes(req.caller.role))
      throw new HttpProblem(403, 'forbidden', 'The codec server is for supervisor / operator accounts');
    next();
  };
}

const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json'))
    throw new HttpProblem(415, 'unsupported-media-type', 'Request bodies must be application/json');
  next();
};

export interface CodecRouterOptions {
  /** The web portal's session middleware (web/router.ts), so its cookie can authenticate. */
  session: RequestHandler;
  verifyToken: TokenVerifier;
}

export function codecRouter(deps: ApiDeps, opts: CodecRouterOptions): Router {
  const router = Router();
  const codecs = deps.temporal.options.loadedDataConverter.payloadCodecs;
  router.use(cors(deps.config.CODEC_CORS_ORIGIN));
  router.use(opts.session);
  router.use(authenticate(opts.verifyToken));
  // Opening a long history makes the UI decode many batches: five times the API's per-person limit.
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.config.RATE_LIMIT_PER_MINUTE * 5,
      standardHeaders: 'draft-8',
      identifier: 'codec-per-person',
      legacyHeaders: false,
      keyGenerator: (req) => `codec:${req.caller?.sub ?? ''}`,
      handler: () => {
        throw new HttpProblem(429, 'rate-limited', 'Too many requests; slow down and retry later');
      },
    }),
  );
  router.use(requireJson, express.json({ limit: BODY_LIMIT, strict: true }));

  router.post('/decode', async (req, res) => {
    const { payloads } = parseOrThrow(CodecBody, req.body, 'body');
    let decoded = payloads.map(fromWire);
    try {
      // Codecs decode in the reverse of the order they encode in (as the SDK does).
      for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
    } catch {
      // A tampered payload, or one sealed with a key not configured here: the caller's input, not our failure.
      throw new HttpProblem(400, 'validation-error', 'A payload could not be decoded', {
        invalidParams: [{ path: '/payloads', message: 'tampered, or sealed with a key this service does not hold' }],
      });
    }
    const purpose = cleanPurpose(safeDecode(req.get('x-access-purpose')));
    await recordAccess(deps, {
      actor: req.caller as StaffActor,
      view: 'temporal_payloads',
      caseIds: caseIdsIn(decoded),
      access: { via: 'codec', requestId: req.id, ...(purpose ? { purpose } : {}) },
    });
    res.json({ payloads: decoded.map(toWire) });
  });

  router.post('/encode', async (req, res) => {
    const { payloads } = parseOrThrow(CodecBody, req.body, 'body');
    let encoded = payloads.map(fromWire);
    for (const codec of codecs) encoded = await codec.encode(encoded);
    res.json({ payloads: encoded.map(toWire) });
  });
  return router;
}

function safeDecode(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return decodePurposeHeader(v);
  } catch {
    return undefined;
  }
}

/** The two operations in the API's OpenAPI document (they live outside /api/v1, like /healthz). */
export function registerCodecRoutes(registry: OpenAPIRegistry): void {
  const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });
  for (const op of ['decode', 'encode'] as const) {
    registry.registerPath({
      method: 'post',
      path: `/codec/${op}`,
      summary:
        op === 'decode'
          ? 'Temporal UI codec server: decrypt payloads (supervisor / operator; every call leaves an access record)'
          : 'Temporal UI codec server: encrypt payloads the UI sends (supervisor / operator)',
      description:
        'Authenticated by a Bearer token or by the web portal’s session cookie; CORS only for CODEC_CORS_ORIGIN (credentials allowed).',
      tags: ['operations'],
      security: [{ bearerAuth: [] }],
      request: { body: { content: { 'application/json': { schema: CodecBody } }, required: true } },
      responses: {
        200: { description: 'The payloads, same shape and order', content: { 'application/json': { schema: CodecBody } } },
        400: problem('Not the codec protocol’s body, or a payload that does not decode (tampered, unknown key)'),
        401: problem('No Bearer token and no portal sign-in'),
        403: problem('Another role, or an origin that is not the Temporal UI’s'),
        413: problem('Body over 4 MB'),
        415: problem('Body is not application/json'),
        429: problem('Rate limit exceeded'),
        503: problem('MongoDB is unavailable (the access record cannot be written); retry later'),
      },
    });
  }
}
