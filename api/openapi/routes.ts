import type { Router } from 'express';
import { caseSensitiveRouter } from '../http/router';
import { docsPage } from './docs-page';
import { openApiDocument } from './document';

/** GET /openapi.json and GET /docs: built once, at start-up, from the route schemas. */
export function openApiRoutes(): Router {
  const doc = openApiDocument();
  const body = JSON.stringify(doc);
  const page = docsPage(doc);
  const router = caseSensitiveRouter();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  router.get('/docs', (_req, res) => {
    res.type('text/html').send(page);
  });
  return router;
}
