/**
 * The applicant portal (mobile first, works without JavaScript): my cases, apply
 * (applicant/apply.ts), one case with its supplement answer and withdrawal (applicant/case.ts), the
 * notices sent (applicant/notices.ts).
 */
import { Router } from 'express';
import type { AppDeps } from '../../app/deps';
import { ownCases } from '../../app/queries/own-cases';
import { applyPages } from './applicant/apply';
import { casePages } from './applicant/case';
import { noticePages } from './applicant/notices';
import { actorOf, render, requireRole, tr } from './page';

export function applicantPages(deps: AppDeps): Router {
  const router = Router();
  router.use('/applicant', requireRole('applicant'));

  router.get('/applicant/cases', async (req, res) => {
    const actor = actorOf(req, 'applicant');
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor.length <= 200 ? req.query.cursor : undefined;
    const page = await ownCases(deps, { actor, limit: 20, cursor });
    render(req, res, 'applicant/cases', { title: tr(req, 'myCasesTitle'), cases: page.items, nextCursor: page.nextCursor });
  });
  applyPages(router, deps);
  casePages(router, deps);
  noticePages(router, deps);
  return router;
}
