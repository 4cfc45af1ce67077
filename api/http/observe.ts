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

type Child = { inc(): void; observe(seconds: number): void };

/**
 * The observer of every request, the purchase fast path's included. It is on the hot path, so
 * the label children are looked up once per (method, route, status) and kept, and the log line
 * is one pino call with a flat object.
 */
export function requestObserver(logger: Logger, metrics?: Metrics): RequestObserver {
  const children = new Map<string, Child>();
  const child = (method: string, route: string, status: number): Child => {
    const key = `${method} ${route} ${status}`;
    let found = children.get(key);
    if (!found && metrics) {
      const counter = metrics.httpRequests.labels(method, route, String(status));
      const histogram = metrics.httpDuration.labels(method, route, String(status));
      found = { inc: () => counter.inc(), observe: (s) => histogram.observe(s) };
      children.set(key, found);
    }
    return found ?? { inc: () => undefined, observe: () => undefined };
  };
  return (method, route, status, startedAt, requestId) => {
    const ms = performance.now() - startedAt;
    const series = child(method, route, status);
    series.inc();
    series.observe(ms / 1000);
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
