/**
 * RFC 9457 problem details: the HTTP layer's own error class, and the one error handler every
 * error leaves through, as `application/problem+json` — the application layer's refusals
 * (AppError) answered with their kind's status. Every code is documented in app/problem-codes.ts
 * and its `type` URI is the page that documents it (api/problems.router.ts).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { APP_ERROR_STATUS, AppError, describeUnavailable, type InvalidParam } from '../app/errors';
import { PROBLEMS, PROBLEMS_PATH, type ProblemCode, type ProblemEntry, type ProblemStatus } from '../app/problem-codes';
import { webBaseUrl, type Config } from '../config/config';
import type { Logger } from '../config/logger';
import { KeyNotConfiguredError } from '../security/cipher-suites';

export type { InvalidParam };

/** Titles by status, for problems of another vocabulary than ours (the simulator's). */
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * A problem of any vocabulary, as the error handler answers it. The API throws HttpProblem, whose
 * codes are the catalogue's; only a stand-in for another organisation's system (the department
 * systems' simulator) has codes of its own.
 */
export class ProblemError<Code extends string = string> extends Error {
  override name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly type: Code,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** The API's problems: a documented code (app/problem-codes.ts) with the status it is documented with. */
export class HttpProblem<C extends ProblemCode = ProblemCode> extends ProblemError<C> {
  override name = 'HttpProblem';
  constructor(
    override readonly status: ProblemStatus<C>,
    /** A stable, documented problem type slug, e.g. `validation-error`. */
    type: C,
    detail: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(status, type, detail, extra, headers);
  }
}

export function problemOf(err: AppError): HttpProblem {
  return new HttpProblem(APP_ERROR_STATUS[err.kind], err.code, err.message, {
    ...err.extensions,
    ...(err.invalidParams ? { invalidParams: err.invalidParams } : {}),
  });
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Where a problem type's slug becomes its `type` URI. */
export type ProblemTypeUri = (slug: string) => string;

/**
 * The API's problem type URIs: its own pages, `<WEB_BASE_URL>/problems/<code>` (served by
 * api/problems.router.ts), so that every `type` a client receives resolves to its documentation.
 */
export function problemTypeUri(config: Pick<Config, 'WEB_BASE_URL' | 'API_HOST' | 'API_PORT'>): ProblemTypeUri {
  const base = `${webBaseUrl(config)}${PROBLEMS_PATH}`;
  return (code) => `${base}/${code}`;
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new HttpProblem(404, 'not-found', `No route for ${req.method} ${req.path}`);
};

/** Errors thrown by body-parser carry `type` and `status`; map them to their problem. */
function fromBodyParser(err: { type?: string; status?: number }): HttpProblem | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new HttpProblem(413, 'body-too-large', 'The request body is larger than the allowed limit');
    case 'entity.parse.failed':
      return new HttpProblem(400, 'malformed-json', 'The request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(415, 'unsupported-media-type', 'Unsupported body encoding');
    default:
      return undefined;
  }
}

/**
 * `typeUri`: the API's is problemTypeUri(config); only the simulator, whose problems are a
 * stand-in's own vocabulary, gives another.
 */
export function createErrorHandler(logger: Logger, typeUri: ProblemTypeUri): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let problem: ProblemError;
    if (err instanceof ProblemError) problem = err;
    else if (err instanceof AppError) problem = problemOf(err);
    // The router could not decode a path parameter (`%ED%A0%80` is no UTF-8): the client's mistake.
    else if (err instanceof URIError)
      problem = new HttpProblem(400, 'bad-path', 'The request path is not valid percent-encoded UTF-8');
    else if (typeof err === 'object' && err !== null && fromBodyParser(err as { type?: string })) {
      problem = fromBodyParser(err as { type?: string })!;
    } else {
      const unavailable = describeUnavailable(err);
      if (err instanceof KeyNotConfiguredError) {
        // Every request that reads such a value fails alike: say what to fix, in the log and the answer.
        logger.error({ err, keyId: err.keyId, reqId: req.id }, 'stored data sealed with a key not in DATA_ENCRYPTION_KEYS');
        problem = new HttpProblem(
          500,
          'data-key-missing',
          'Stored data is sealed with a key this server is not configured with; an operator must add it to DATA_ENCRYPTION_KEYS',
        );
      } else if (unavailable) {
        problem = new HttpProblem(503, 'dependency-unavailable', `${unavailable} is unavailable; try again shortly`, {
          dependency: unavailable,
        });
        res.setHeader('Retry-After', '5');
      } else {
        logger.error({ err, reqId: req.id }, 'unhandled error');
        problem = new HttpProblem(500, 'internal-error', 'An unexpected error occurred; it has been logged');
      }
    }
    for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
    if (problem.status >= 500) logger.warn({ status: problem.status, type: problem.type, reqId: req.id }, 'request failed');
    res
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .json({
        type: typeUri(problem.type),
        // The catalogue's title; a code outside it (only possible past the types) falls back to the status's.
        title: (PROBLEMS as Partial<Record<string, ProblemEntry>>)[problem.type]?.title.en ?? TITLES[problem.status] ?? 'Error',
        status: problem.status,
        detail: problem.detail,
        instance: req.originalUrl,
        requestId: req.id,
        ...problem.extra,
      });
  };
}
