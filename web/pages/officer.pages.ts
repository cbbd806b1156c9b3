/** The officer workbench (keyboard first): the department's inbox, one case, claim / release, decide. */
import { Router } from 'express';
import type { AppDeps } from '../../app/deps';
import { officerInbox } from '../../app/queries/officer-inbox';
import { actorOf, render, requireRole, tr } from './page';

export function officerPages(deps: AppDeps): Router {
  const router = Router();
  router.use('/officer', requireRole('officer'));

  router.get('/officer/inbox', async (req, res) => {
    const actor = actorOf(req, 'officer');
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor.length <= 200 ? req.query.cursor : undefined;
    const page = await officerInbox(deps, { actor, limit: 25, cursor });
    render(req, res, 'officer/inbox', {
      title: tr(req, 'inboxTitle'),
      department: actor.department,
      items: page.items,
      nextCursor: page.nextCursor,
    });
  });
  return router;
}
