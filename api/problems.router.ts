/**
 * The problem types' documentation, at the URIs the problems name (RFC 9457 §3.1.1: a `type`,
 * dereferenced, should document the problem): `GET /problems` and `GET /problems/{code}`, public,
 * outside /api/v1. JSON for a client that asks for it (`Accept: application/json`, or no
 * preference); a browser that prefers HTML falls through to the pages (web/pages/problems.pages.ts),
 * in the reader's language. The words are the catalogue's, app/problem-codes.ts.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { PROBLEM_CODES, PROBLEMS, PROBLEMS_PATH, isProblemCode, type ProblemCode } from '../app/problem-codes';
import { PROBLEM_DESCRIPTIONS_ZH } from '../i18n/problem-descriptions';
import { Problem } from './http/route';
import { HttpProblem, type ProblemTypeUri } from './problem';

export const ProblemType = z
  .object({
    type: z.string().meta({ description: 'The type URI problems of this kind carry: this resource' }),
    code: z.enum(PROBLEM_CODES as [ProblemCode, ...ProblemCode[]]),
    status: z.number().int(),
    title: z.string().meta({ description: 'In English, as the problems’ own `title`' }),
    titles: z.object({ 'zh-CN': z.string(), en: z.string() }),
    description: z.string().meta({ description: 'When it happens and what the client should do (English)' }),
    descriptions: z.object({ 'zh-CN': z.string(), en: z.string() }).meta({ description: 'The description in each language' }),
  })
  .meta({ id: 'ProblemType', description: 'One problem type the API answers, as documented' });

/** A browser that prefers HTML gets the page; any other client (no Accept, any type, JSON) the JSON. */
const prefersPage = (req: Request): boolean =>
  req.accepts(['application/json', 'application/problem+json', 'text/html']) === 'text/html';

export function problemsRouter(typeUri: ProblemTypeUri): Router {
  const router = Router();
  const described = (code: ProblemCode): z.infer<typeof ProblemType> => {
    const p = PROBLEMS[code];
    return {
      type: typeUri(code),
      code,
      status: p.status,
      title: p.title.en,
      titles: p.title,
      description: p.description,
      descriptions: { 'zh-CN': PROBLEM_DESCRIPTIONS_ZH[code], en: p.description },
    };
  };
  router.get(PROBLEMS_PATH, (req, res, next) => {
    res.vary('Accept');
    if (prefersPage(req)) return next();
    res.json({ items: PROBLEM_CODES.map(described) });
  });
  router.get(`${PROBLEMS_PATH}/:code`, (req, res, next) => {
    res.vary('Accept');
    if (prefersPage(req)) return next();
    const { code } = req.params;
    if (!isProblemCode(code)) throw new HttpProblem(404, 'not-found', 'No such problem type; GET /problems lists them');
    res.json(described(code));
  });
  return router;
}

export function registerProblemRoutes(registry: OpenAPIRegistry): void {
  const tags = ['problems'];
  const html = { 'text/html': { schema: z.string() } };
  registry.registerPath({
    method: 'get',
    path: '/problems',
    summary: 'Every problem type the API answers: its status, title and when it happens (public)',
    description: 'JSON unless the client prefers `text/html` (a browser), which gets the page in the reader’s language.',
    tags,
    security: [],
    responses: {
      200: {
        description: 'The catalogue of problem types',
        content: { 'application/json': { schema: z.object({ items: z.array(ProblemType) }) }, ...html },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/problems/{code}',
    summary: 'One problem type, at the URI its problems carry in `type` (public)',
    description: 'JSON unless the client prefers `text/html` (a browser), which gets the page in the reader’s language.',
    tags,
    security: [],
    request: { params: z.object({ code: z.string().meta({ description: 'The slug: the last segment of a problem’s `type`' }) }) },
    responses: {
      200: { description: 'The problem type', content: { 'application/json': { schema: ProblemType }, ...html } },
      404: { description: 'No such problem type', content: { 'application/problem+json': { schema: Problem } } },
    },
  });
}
