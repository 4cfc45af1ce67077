import type { RequestHandler, Router } from 'express';
import { caseSensitiveRouter } from '../http/router';
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

/**
 * An order folded from its event stream: what a read answers for an order the read model lacks
 * yet, and how `?minRevision=` tells an order that will not come.
 */
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
 * The query API: orders from the read models (whole: see infra/db/order-views.ts), or from the
 * order's stream while they lack it; `?minRevision` waits for them to reach a revision. Another
 * user's order does not exist for you.
 */
export function queryRoutes(
  views: OrderViews,
  authenticate: RequestHandler,
  options: QueryOptions = {},
  fromStore?: OrderFromStore,
): Router {
  const waitMs = options.readYourWritesMs ?? 5_000;
  const pollMs = options.pollMs ?? 25;
  const router = caseSensitiveRouter();

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
      const notFound = () => new NotFoundError(`no order ${orderId}`, { orderId });

      let view = await views.get(orderId);
      if (minRevision === undefined) {
        // Not projected yet (a read straight after the 201): the order as its stream has it,
        // rather than a 404 for an order the caller was just given.
        if (view === null && fromStore) view = await fromStore(orderId);
        if (!visible(view)) throw notFound();
        return { status: 200, body: view };
      }
      // Read your writes: wait for the read model to reach the revision. An order that is not
      // in the read model yet is looked up in its stream first: one that does not exist there
      // (or is another user's) will not come, and is a 404 at once.
      const known = view ?? (fromStore ? await fromStore(orderId) : undefined);
      if (known !== undefined && !visible(known)) throw notFound();
      const deadline = Date.now() + waitMs;
      while ((view === null || view.revision < minRevision) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        view = await views.get(orderId);
      }
      const stale = view === null || view.revision < minRevision;
      // Still not in the read model (a projector stopped): the order as its stream has it, marked
      // stale like any answer the read model could not give.
      if (view === null && fromStore) view = await fromStore(orderId);
      if (!visible(view)) throw notFound();
      return { status: 200, body: stale ? { ...view, stale: true } : view };
    }),
  );

  return router;
}
