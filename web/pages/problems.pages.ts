/**
 * The problem types' pages (app/problem-codes.ts), public: what a browser finds at a problem's
 * `type` URI. The JSON answer at the same address is the API's (api/problems.router.ts), which
 * hands a request here when the reader prefers HTML. Title and description in the reader's
 * language, with the English title beside (clients read the English `title` and `detail`).
 */
import { Router } from 'express';
import { PROBLEM_CODES, PROBLEMS, PROBLEMS_PATH, isProblemCode } from '../../app/problem-codes';
import { PROBLEM_DESCRIPTIONS_ZH } from '../../i18n/problem-descriptions';
import { render, showMessage, tr } from './page';

export function problemPages(baseUrl: string): Router {
  const router = Router();
  router.get(PROBLEMS_PATH, (req, res) => {
    const problems = PROBLEM_CODES.map((code) => ({
      code,
      status: PROBLEMS[code].status,
      title: PROBLEMS[code].title[req.locale],
    }));
    render(req, res, 'problems/list', { title: tr(req, 'problemsTitle'), problems });
  });
  router.get(`${PROBLEMS_PATH}/:code`, (req, res) => {
    const { code } = req.params;
    if (!isProblemCode(code)) return showMessage(req, res, 404, 'notFoundTitle', ['notFoundText']);
    const p = PROBLEMS[code];
    render(req, res, 'problems/problem', {
      title: p.title[req.locale],
      problem: {
        code,
        status: p.status,
        title: p.title[req.locale],
        titleEn: p.title.en,
        description: req.locale === 'en' ? p.description : PROBLEM_DESCRIPTIONS_ZH[code],
        type: `${baseUrl}${PROBLEMS_PATH}/${code}`,
      },
    });
  });
  return router;
}
