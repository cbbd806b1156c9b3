/** The start page: what the service is and a way in; a signed-in person goes to their role's home. */
import { Router } from 'express';
import { homeOf, pageKit, render, tr } from './page';

export function homePages(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const user = req.session.user;
    if (user && user.expiresAt > Date.now()) return res.redirect(303, homeOf(user.actor));
    render(req, res, 'home', { title: tr(req, 'homePageTitle'), signInConfigured: pageKit(res).signInConfigured });
  });
  return router;
}
