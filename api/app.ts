/** Builds the Express app: neither listens nor connects (api/main.ts does), so supertest runs it in-process. */
import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { methodNotAllowed } from './http/method-not-allowed';
import { loggedUrl } from './http/logged-url';
import helmet from 'helmet';
import { createTokenVerifier } from '../app/access-token';
import { AppError } from '../app/errors';
import { MAX_BODY_DEPTH, nestingDepth, nulPaths } from '../app/nul-characters';
import { createAuthenticator } from './auth/identity';
import { noteVerifiedActor } from '../app/officer-directory';
import { codecRouter, registerCodecRoutes } from './codec/codec.router';
import type { ApiDeps } from './deps';
import { diagnosticsRouter } from './diagnostics.router';
import { healthRouter } from './health.router';
import { forgetRefusedFingerprint, provideFingerprintStore } from './http/idempotency-fingerprint';
import { createMetrics } from './metrics';
import { metricsGuard } from './metrics-app';
import { createRegistry, generateDocument, registerOperationalRoutes, renderDocsPage } from './openapi';
import { createErrorHandler, HttpProblem, notFoundHandler, problemTypeUri } from './problem';
import { problemsRouter, registerProblemRoutes } from './problems.router';
import { accessRecordsRouter } from './routers/access-records.router';
import { retentionRunsRouter } from './routers/retention-runs.router';
import { applicantRouter } from './routers/applicant.router';
import { callbacksRouter } from './routers/callbacks.router';
import { commonRouter } from './routers/common.router';
import { officerRouter } from './routers/officer.router';
import { officersRouter } from './routers/officers.router';
import { publicRoundsRouter, roundsRouter } from './routers/rounds.router';
import { supervisorRouter } from './routers/supervisor.router';
import { keepRawBody } from './http/raw-body';
import { createWebRouter } from '../web/router';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  req.id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
};

/** JSON only: anything else with a body is a 415, not a silently empty body. */
const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody =
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
    req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json'))
    throw new HttpProblem(415, 'unsupported-media-type', 'Request bodies must be application/json');
  next();
};

/** A body with U+0000 in a string is refused before any handler: the store cannot keep it (app/nul-characters.ts). */
const refuseNul: RequestHandler = (req, _res, next) => {
  // No body of ours nests this deep: refused before it is walked (a 400, never a 500).
  if (nestingDepth(req.body) > MAX_BODY_DEPTH) {
    return next(
      new AppError('invalid', 'validation-error', `The request body nests deeper than ${MAX_BODY_DEPTH} levels`, [
        { path: '/', message: `nested more than ${MAX_BODY_DEPTH} levels deep` },
      ]),
    );
  }
  const paths = nulPaths(req.body);
  if (paths.length === 0) return next();
  next(
    new AppError(
      'invalid',
      'validation-error',
      'Text may not contain the character U+0000',
      paths.map((path) => ({ path, message: 'contains U+0000 (NUL)' })),
    ),
  );
};

/** TRUST_PROXY as Express takes it: a hop count, or the proxies' addresses (checked when set: a bad one fails the start). */
export function trustProxySetting(value: string | undefined): false | number | string[] {
  if (value === undefined) return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

export function createApp(deps: ApiDeps): Express {
  const { config, logger } = deps;
  const app = express();
  provideFingerprintStore(app.locals, deps);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Behind a gateway the client is the address its X-Forwarded-For names (TRUST_PROXY): else
  // every client would be the gateway, sharing one per-address rate limit.
  try {
    app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  } catch (err) {
    throw new Error(
      `TRUST_PROXY: ${err instanceof Error ? err.message : String(err)} (addresses, subnets, loopback, uniquelocal or a number of hops)`,
    );
  }
  // JSON answers escape < > & as \u003c …: text someone typed (a reason, a note) can never be
  // read as markup, even by a client that sniffs or embeds a response.
  app.set('json escape', true);
  const metrics = deps.metrics ?? createMetrics(deps.mongo, deps.config);
  const authOptions = {
    secret: config.AUTH_JWT_SECRET,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    jwksIssuer: config.AUTH_JWKS_ISSUER,
    audience: config.AUTH_AUDIENCE,
  };

  app.use(requestId);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'style-src': ["'self'", "'unsafe-inline'"],
          // Over plain http (npm start's http://127.0.0.1:3000) an upgrade sends the docs page's own
          // requests to https, which nothing serves there: upgrade only in production, as the pages do HSTS.
          'upgrade-insecure-requests': config.NODE_ENV === 'production' ? [] : null,
        },
      },
      strictTransportSecurity: config.NODE_ENV === 'production',
    }),
  );
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The logger masks any ID number in the line, so even a raw URL cannot leak one.
      logger.info(
        {
          reqId: req.id,
          method: req.method,
          url: loggedUrl(req),
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          // Who: the Bearer token's subject (JSON API) or the signed-in person's (web pages).
          userId: req.caller?.sub ?? req.actor?.sub,
          role: req.caller?.role ?? req.actor?.role,
        },
        'request',
      );
    });
    next();
  });
  app.use(metrics.middleware);
  app.use(healthRouter(deps));
  app.get('/metrics', metricsGuard(config), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // API answers carry cases and personal data: never kept by a shared cache or a browser's (the
  // pages say the same, web/router.ts). Nothing under /api is meant to be cached.
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const tooMany = (): never => {
    throw new HttpProblem(429, 'rate-limited', 'Too many requests; slow down and retry later');
  };
  app.use(
    '/api',
    rateLimit({
      windowMs: 60_000,
      limit: config.RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-8',
      // Named, so that with the per-person limit below a client reads two distinct policies
      // in RateLimit / RateLimit-Policy (draft-8 lists one entry per policy), not one name twice.
      identifier: 'per-address',
      legacyHeaders: false,
      handler: tooMany,
    }),
  );
  // Every problem's `type` is a page of ours: JSON here, HTML (a browser) on to the pages below.
  const typeUri = problemTypeUri(config);
  app.use(problemsRouter(typeUri));
  // The web pages (their own CSP, session, form bodies and CSRF), before the JSON-only rule below.
  const web = createWebRouter(deps);
  app.use(web.router);
  // The Temporal UI's codec server (issue 15): its own CORS, body limit and sign-in (token or the pages' session).
  app.use('/codec', codecRouter(deps, { session: web.session, verifyToken: createTokenVerifier(authOptions) }));
  app.use(requireJson);
  app.use(express.json({ limit: `${config.API_BODY_LIMIT_KB}kb`, strict: true, verify: keepRawBody }));
  app.use(refuseNul);

  const registry = createRegistry();
  registerOperationalRoutes(registry);
  registerCodecRoutes(registry);
  registerProblemRoutes(registry);
  const v1 = express.Router();
  // The published rankings (公示) are for everyone: answered before the token check.
  v1.use(publicRoundsRouter(deps, registry));
  // Providers' and departments' callbacks (issue 14) carry a signature of their own, not a Bearer token.
  v1.use(callbacksRouter(deps, registry));
  // An officer's token teaches the officer directory who they are (app/officer-directory.ts).
  v1.use(createAuthenticator(authOptions, ({ actor, name }) => noteVerifiedActor(deps, actor, name)));
  v1.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-8',
      identifier: 'per-person',
      legacyHeaders: false,
      keyGenerator: (req) => `sub:${req.caller?.sub ?? ''}`,
      handler: tooMany,
    }),
  );
  v1.use(applicantRouter(deps, registry));
  v1.use(officerRouter(deps, registry, metrics));
  v1.use(supervisorRouter(deps, registry));
  v1.use(officersRouter(deps, registry));
  v1.use(roundsRouter(deps, registry));
  v1.use(commonRouter(deps, registry));
  v1.use(diagnosticsRouter(deps, registry));
  v1.use(accessRecordsRouter(deps, registry));
  v1.use(retentionRunsRouter(deps, registry));
  v1.use(forgetRefusedFingerprint());

  const document = generateDocument(registry);
  const docsPage = renderDocsPage(document);
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.get('/api/v1/docs', (_req, res) => {
    res.type('html').send(docsPage);
  });
  app.use('/api/v1', v1);
  app.use(methodNotAllowed(document.paths ?? {}));
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger, typeUri));
  return app;
}
