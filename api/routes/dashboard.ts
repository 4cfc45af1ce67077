import type { RequestHandler, Router } from 'express';
import { caseSensitiveRouter } from '../http/router';
import { dashboardPage } from '../dashboard/page';
import { requireAdmin } from '../http/authenticate';
import { route } from '../http/async';
import type { Dashboard } from '../queries/dashboard';

/**
 * The operator page and its data. The page is public and static (a browser cannot send a bearer
 * token when it navigates); the data behind it is admin-only like every other admin route.
 */
export function dashboardRoutes(dashboard: Dashboard, authenticate: RequestHandler): Router {
  const { html, contentSecurityPolicy } = dashboardPage();
  const router = caseSensitiveRouter();
  router.get('/dashboard', (_req, res) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy);
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html').send(html);
  });
  router.get(
    '/v1/admin/dashboard',
    authenticate,
    requireAdmin,
    route(async () => ({ status: 200, body: await dashboard() })),
  );
  return router;
}
