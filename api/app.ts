import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { FAST_PURCHASE_ROUTE, fastPurchase } from './fast-purchase';
import { allowedMethods } from './http/methods';
import { routeTable } from './http/route-table';
import type { Logger } from '../infra/log';
import type { Metrics } from '../infra/metrics';
import { metricsRoutes } from './http/metrics-route';
import { observeRequests, requestObserver, type RequestObserver } from './http/observe';
import { openApiRoutes } from './openapi';
import type { Dashboard } from './queries/dashboard';
import { dashboardRoutes } from './routes/dashboard';
import { authenticate } from './http/authenticate';
import { errorHandler, notFound } from './http/errors';
import { healthRoutes, type ReadinessCheck } from './http/health';
import { rateLimit, type RateLimiter, type RateLimits } from './http/rate-limit';
import { requestId } from './http/request-id';
import { catalogRoutes } from './routes/catalog';
import type { Commands } from './routes/commands';
import { orderRoutes } from './routes/orders';
import { paymentRoutes } from './routes/payments';
import { queryRoutes, type QueryOptions } from './routes/queries';
import { auditRoutes } from './routes/audit';
import { projectionAdminRoutes, type ProjectionAdmin } from './routes/projections-admin';
import type { EventStore } from '../commands/ports';
import type { OrderViews } from './queries/order-views';
import { orderFromStore } from './queries/order-from-store';

export type ApiDependencies = {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  /** Absent: only health routes (a process without the write side). */
  commands?: Commands;
  /** Absent: no projection admin routes. */
  projectionAdmin?: ProjectionAdmin;
  /** Absent: no admin audit routes. */
  eventStore?: EventStore;
  /** Absent: no SKU audit route. */
  auditSku?: (skuId: string, options: { lines?: number }) => Promise<unknown>;
  /** Absent: no query routes. */
  orderViews?: OrderViews;
  queryOptions?: QueryOptions;
  rateLimiter?: RateLimiter;
  rateLimits?: RateLimits;
  jwtSecret: string;
  paymentWebhookSecret: string;
  clock?: () => Date;
  /** Absent: no /metrics, and requests are only logged. */
  metrics?: Metrics;
  /** Absent: no operator page. */
  dashboard?: Dashboard;
};

/**
 * The HTTP entry point: the purchase fast path first (POST /v1/orders, api/fast-purchase.ts),
 * express for everything else.
 */
export function createRequestHandler(
  deps: ApiDependencies,
): (req: IncomingMessage, res: ServerResponse) => void {
  const observe = requestObserver(deps.logger, deps.metrics);
  const app = createApp(deps, observe);
  const fast = deps.commands
    ? fastPurchase({
        commands: deps.commands,
        logger: deps.logger,
        jwtSecret: deps.jwtSecret,
        rateLimiter: deps.rateLimiter,
        rateLimits: deps.rateLimits,
        clock: deps.clock ?? (() => new Date()),
        observe,
      })
    : () => false;
  return (req, res) => {
    if (!fast(req, res)) app(req, res);
  };
}

/** Every route but the purchase fast path. Exported for the route table (tests/api/openapi). */
export function createApp(deps: ApiDependencies, observe: RequestObserver): Express {
  const clock = deps.clock ?? (() => new Date());
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);
  const app = express();
  // Before the first app.use, which builds the app's own router from this setting; the routers
  // mounted on it are case-sensitive too (http/router.ts), as the fast path is.
  app.enable('case sensitive routing');
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId);
  app.use(observeRequests(observe));
  // The table is read at the first request, once every router below is mounted.
  const methods = allowedMethods(() => [
    ...(deps.commands ? [FAST_PURCHASE_ROUTE] : []),
    ...routeTable(app),
  ]);
  app.use(methods.options);
  app.use(healthRoutes(deps.readiness));
  app.use(openApiRoutes());
  if (deps.metrics) app.use(metricsRoutes(deps.metrics.registry));
  const auth = authenticate(deps.jwtSecret, nowSeconds);
  if (deps.orderViews) {
    const store = deps.eventStore;
    const fromStore = store && ((orderId: string) => orderFromStore(store, orderId));
    app.use(queryRoutes(deps.orderViews, auth, deps.queryOptions, fromStore));
  }
  if (deps.eventStore) app.use(auditRoutes(deps.eventStore, auth, deps.auditSku));
  if (deps.projectionAdmin) app.use(projectionAdminRoutes(deps.projectionAdmin, auth));
  if (deps.dashboard) app.use(dashboardRoutes(deps.dashboard, auth));
  if (deps.commands) {
    const limit =
      deps.rateLimiter && deps.rateLimits
        ? rateLimit(deps.rateLimiter, deps.rateLimits, clock)
        : (_req: unknown, _res: unknown, next: () => void) => next();
    app.use(catalogRoutes(deps.commands, auth));
    app.use(orderRoutes(deps.commands, auth, limit));
    app.use(paymentRoutes(deps.commands, deps.paymentWebhookSecret, nowSeconds));
  }
  app.use(methods.notAllowed);
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
