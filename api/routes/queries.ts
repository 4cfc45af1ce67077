import { Router, type RequestHandler } from 'express';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { route } from '../http/async';
import { orderIdFrom } from '../http/path-ids';
import { getOrderQuery, listOrdersQuery, orderIdParam, parse } from '../http/schemas';
import type { OrderView, OrderViews } from '../queries/order-views';
import { actorOf } from './context';

export type QueryOptions = {
  /** How long `?minRevision=` waits for the read model (docs/API.md: 5 s). */
  readYourWritesMs?: number;
  pollMs?: number;
};

/** An order folded from its event stream: what `?minRevision=` answers (read your writes). */
export type OrderFromStore = (orderId: string) => Promise<OrderView | null>;

const encodeCursor = (orderId: string) => Buffer.from(orderId).toString('base64url');

function decodeCursor(cursor: string): string {
  const orderId = Buffer.from(cursor, 'base64url').toString();
  if (!orderIdParam.safeParse(orderId).success) {
    throw new ValidationError('cursor is not one this API gave', {
      issues: [{ path: 'query.cursor', message: 'is not a cursor this API gave' }],
    });
  }
  return orderId;
}

/**
 * The query API: orders from the read models, and for read your writes from the order's own stream
 * (`fromStore`). Another user's order does not exist for you.
 */
export function queryRoutes(
  views: OrderViews,
  authenticate: RequestHandler,
  options: QueryOptions = {},
  fromStore?: OrderFromStore,
): Router {
  const waitMs = options.readYourWritesMs ?? 5_000;
  const pollMs = options.pollMs ?? 25;
  const router = Router();

  router.get(
    '/v1/orders',
    authenticate,
    route(async (req) => {
      const query = parse(listOrdersQuery, req.query, 'query');
      const limit = query.limit ?? 20;
      const page = await views.listForUser({
        userId: actorOf(req).userId,
        status: query.status,
        limit: limit + 1,
        before: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      });
      const orders = page.slice(0, limit);
      const last = orders[orders.length - 1];
      const nextCursor = page.length > limit && last ? encodeCursor(last.orderId) : null;
      return { status: 200, body: { orders, nextCursor } };
    }),
  );

  router.get(
    '/v1/orders/:orderId',
    authenticate,
    route(async (req) => {
      const actor = actorOf(req);
      const orderId = orderIdFrom(req.params.orderId);
      const { minRevision } = parse(getOrderQuery, req.query, 'query');
      const visible = (view: OrderView | null) =>
        view && (actor.isAdmin || view.userId === actor.userId) ? view : null;

      // Read your writes (`?minRevision=`) comes from the order's own stream: the read models are
      // three projections that catch up one by one (an orders row at revision N may sit beside
      // payments of an older one), and a stopped projector must not hide an order the client was
      // just given. The fold is the view they will all show once caught up.
      const source = minRevision !== undefined ? fromStore : undefined;
      const read = async () => visible(await (source ? source(orderId) : views.get(orderId)));
      // An order its stream lacks will not appear; one the read model lacks may still come.
      const behind = (v: OrderView | null) =>
        minRevision !== undefined && (v === null ? !source : v.revision < minRevision);
      let view = await read();
      const deadline = Date.now() + waitMs;
      while (behind(view) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        view = await read();
      }
      if (!view) throw new NotFoundError(`no order ${orderId}`, { orderId });
      const stale = minRevision !== undefined && view.revision < minRevision;
      return { status: 200, body: stale ? { ...view, stale: true } : view };
    }),
  );

  return router;
}
