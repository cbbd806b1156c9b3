/**
 * The supervisor console (issue 11): the stuck-case list with its CSV, the dashboard, one case in full with
 * its interventions, termination with a confirmation; the admission rounds (issue 13). Each page lives in web/pages/supervisor/;
 * every rule and query is the application layer's (app/), as for the JSON API.
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../app/deps';
import { requireRole } from './page';
import { auditExportPage, interventionPage, supervisorCasePage, terminationDraftPage, terminationPage } from './supervisor/case';
import { dashboardCsv, dashboardPage } from './supervisor/dashboard';
import {
  closeRoundDraftPage,
  closeRoundPage,
  resolveObjectionPage,
  supervisorRoundPage,
  supervisorRoundsPage,
  upholdDraftPage,
} from './supervisor/rounds';
import { stuckCsv, stuckPage } from './supervisor/stuck';
import { noticeLetterPage, noticeServicePage } from './supervisor/notice-service';

type Page = (deps: AppDeps, req: Request, res: Response) => Promise<void>;

export function supervisorPages(deps: AppDeps): Router {
  const router = Router();
  const page = (p: Page) => (req: Request, res: Response) => p(deps, req, res);
  router.use('/supervisor', requireRole('supervisor'));
  router.get('/supervisor/stuck', page(stuckPage));
  router.get('/supervisor/stuck.csv', page(stuckCsv));
  router.get('/supervisor/dashboard', page(dashboardPage));
  router.get('/supervisor/dashboard.csv', page(dashboardCsv));
  router.get(
    '/supervisor/cases/:caseId',
    page((d, req, res) => supervisorCasePage(d, req, res)),
  );
  // Posted: its purpose (which may name a person) stays out of the URL, the browser's history and logs.
  router.post('/supervisor/cases/:caseId/audit.csv', page(auditExportPage));
  router.post('/supervisor/cases/:caseId/actions', page(interventionPage));
  router.get('/supervisor/cases/:caseId/termination/confirm', page(terminationDraftPage));
  router.post('/supervisor/cases/:caseId/termination', page(terminationPage));
  router.post('/supervisor/cases/:caseId/notices/service', page(noticeServicePage));
  router.get('/supervisor/cases/:caseId/letter', page(noticeLetterPage));
  router.get('/supervisor/rounds', page(supervisorRoundsPage));
  router.get(
    '/supervisor/rounds/:roundId',
    page((d, req, res) => supervisorRoundPage(d, req, res)),
  );
  router.post('/supervisor/rounds/:roundId/close', page(closeRoundPage));
  router.get('/supervisor/rounds/:roundId/close/confirm', page(closeRoundDraftPage));
  router.post('/supervisor/rounds/:roundId/objections/:objectionId/resolution', page(resolveObjectionPage));
  router.get('/supervisor/rounds/:roundId/objections/:objectionId/resolution/confirm', page(upholdDraftPage));
  return router;
}
