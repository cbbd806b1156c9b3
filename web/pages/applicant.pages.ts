/** The applicant portal (mobile first): my cases, apply, one case, supplement, withdraw. */
import { Router } from 'express';
import type { AppDeps } from '../../app/deps';
import { ownCases } from '../../app/queries/own-cases';
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
  return router;
}
