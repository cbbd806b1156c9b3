/**
 * The officer workbench (issue 10; keyboard first, works without JavaScript): the department's
 * inbox, one case with claim / release, deciding with a confirmation, and the education
 * department's school waiting list. Each page lives in web/pages/officer/; every rule and query
 * is the application layer's (app/), as for the JSON API.
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../app/deps';
import { requireRole } from './page';
import { showCase } from './officer/case';
import { confirmDraftPage, confirmPage, counterPage, decisionPage, holdPage } from './officer/decide';
import { inboxPage } from './officer/inbox';
import { confirmPlaceChildPage, confirmPlacementDraftPage, placeChildPage, waitlistPage } from './officer/waitlist';

type Page = (deps: AppDeps, req: Request, res: Response) => Promise<void>;

export function officerPages(deps: AppDeps): Router {
  const router = Router();
  const page = (p: Page) => (req: Request, res: Response) => p(deps, req, res);
  router.use('/officer', requireRole('officer'));
  router.get('/officer/inbox', page(inboxPage));
  router.get(
    '/officer/cases/:caseId',
    page((d, req, res) => showCase(d, req, res)),
  );
  router.post('/officer/cases/:caseId/claim', page(holdPage('claim')));
  router.post('/officer/cases/:caseId/release', page(holdPage('release')));
  router.post('/officer/cases/:caseId/decision', page(decisionPage));
  router.get('/officer/cases/:caseId/decision/confirm', page(confirmDraftPage));
  router.post('/officer/cases/:caseId/decision/confirm', page(confirmPage));
  router.post('/officer/cases/:caseId/counter-supplement', page(counterPage));
  router.get('/officer/school-waitlist', page(waitlistPage));
  router.post('/officer/cases/:caseId/children/:personIndex/school-place', page(placeChildPage));
  router.get('/officer/cases/:caseId/children/:personIndex/school-place/confirm', page(confirmPlacementDraftPage));
  router.post('/officer/cases/:caseId/children/:personIndex/school-place/confirm', page(confirmPlaceChildPage));
  return router;
}
