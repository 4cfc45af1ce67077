import type { Router } from 'express';
import { caseSensitiveRouter } from './router';
import type { Registry } from 'prom-client';

/**
 * GET /metrics in the Prometheus text format. Unauthenticated, as Prometheus scrapes it: like
 * /healthz and /readyz it is meant for the internal network, not for the public edge.
 */
export function metricsRoutes(registry: Registry): Router {
  const router = caseSensitiveRouter();
  router.get('/metrics', async (_req, res, next) => {
    try {
      const text = await registry.metrics();
      res.type(registry.contentType).send(text);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
