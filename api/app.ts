/** Builds the Express app: neither listens nor connects (api/main.ts does), so supertest runs it in-process. */
import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import type { ApiDeps } from './deps';
import { diagnosticsRouter } from './diagnostics.router';
import { healthRouter } from './health.router';
import { createErrorHandler, HttpProblem, notFoundHandler } from './problem';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  req.id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
};

/** JSON only: anything else with a body is a 415, not a silently empty body. */
const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
  if ((hasBody || req.headers['transfer-encoding']) && !req.is('application/json')) {
    throw new HttpProblem(415, 'unsupported-media-type', 'Request bodies must be application/json');
  }
  next();
};

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestId);
  app.use(healthRouter(deps));
  app.use(requireJson);
  app.use(express.json({ limit: '64kb', strict: true }));
  app.use('/api/v1', diagnosticsRouter(deps));
  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}
