import { Registry } from 'prom-client';
import { createApp, type ApiDependencies } from '../../api';
import { FAST_PURCHASE_ROUTE } from '../../api/fast-purchase';
import { routeTable } from '../../api/http/route-table';
import { createLogger } from '../../infra/log';
import { createMetrics } from '../../infra/metrics';

/**
 * Every route the service can serve: express's router stack with every optional part present,
 * plus the purchase fast path, methods in capitals and parameters as `{name}`. The stand-ins are
 * never called: only the routes they switch on are read.
 */
export function servedRoutes(): { method: string; path: string }[] {
  const unused = {} as never;
  const deps: ApiDependencies = {
    logger: createLogger({ level: 'silent' }),
    readiness: [],
    commands: unused,
    projectionAdmin: unused,
    eventStore: unused,
    auditSku: unused,
    orderViews: unused,
    dashboard: unused,
    jwtSecret: 'x'.repeat(20),
    paymentWebhookSecret: 'y'.repeat(20),
    metrics: createMetrics(new Registry()),
  };
  const app = createApp(deps, () => undefined);
  return [FAST_PURCHASE_ROUTE, ...routeTable(app)].map(({ method, path }) => ({
    method: method.toUpperCase(),
    path,
  }));
}
