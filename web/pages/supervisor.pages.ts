/** Supervisors' pages: the cases that need them (issue 11 builds the console out). */
import { Router } from 'express';
import type { AppDeps } from '../../app/deps';
import { stuckCases, STUCK_REASONS, type StuckReason } from '../../app/queries/stuck-cases';
import { actorOf, render, requireRole, tr } from './page';

export function supervisorPages(deps: AppDeps): Router {
  const router = Router();
  router.use('/supervisor', requireRole('supervisor'));

  router.get('/supervisor/stuck', async (req, res) => {
    actorOf(req, 'supervisor');
    const asked = req.query.reason;
    const reason: StuckReason = STUCK_REASONS.includes(asked as StuckReason) ? (asked as StuckReason) : 'overdue';
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor.length <= 200 ? req.query.cursor : undefined;
    const page = await stuckCases(deps, { reason, limit: 25, cursor });
    render(req, res, 'supervisor/stuck', {
      title: tr(req, 'stuckTitle'),
      reasons: STUCK_REASONS.map((r) => ({ value: r, selected: r === reason })),
      reason,
      total: page.total,
      items: page.items,
      nextCursor: page.nextCursor,
    });
  });
  return router;
}
