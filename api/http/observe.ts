import type { RequestHandler } from 'express';
import type { Logger } from '../../infra/log';
import type { Metrics } from '../../infra/metrics';

/** Records one answered request: one log line, and the HTTP series when metrics are on. */
export type RequestObserver = (
  method: string,
  route: string,
  status: number,
  startedAt: number,
  requestId: string,
) => void;

/**
 * The observer of every request, the purchase fast path's included. It is on the hot path: the
 * series is plain arithmetic (infra/metrics/request-series.ts says why it is not prom-client's),
 * and the log line is one pino call with a flat object, skipped whole when the level leaves it out.
 */
export function requestObserver(logger: Logger, metrics?: Metrics): RequestObserver {
  const logs = logger.isLevelEnabled('info');
  return (method, route, status, startedAt, requestId) => {
    const ms = performance.now() - startedAt;
    metrics?.http.child(method, route, status).observe(ms / 1000);
    if (logs)
      logger.info({ method, route, status, ms: Math.round(ms * 10) / 10, requestId }, 'request');
  };
}

/**
 * Express middleware: observes each request once its answer is sent. The route is the matched
 * pattern (`/v1/orders/:orderId`), never the raw URL, so ids do not become series; a request no
 * route matched is `unmatched`.
 */
export function observeRequests(observe: RequestObserver): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      observe(req.method, route, res.statusCode, startedAt, String(res.getHeader('x-request-id')));
    });
    next();
  };
}
