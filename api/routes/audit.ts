import type { RequestHandler, Router } from 'express';
import { caseSensitiveRouter } from '../http/router';
import type { EventStore } from '../../commands/ports';
import { NotFoundError } from '../../domain/errors';
import { orderStreamId } from '../../domain/order/events';
import { requireAdmin } from '../http/authenticate';
import { route } from '../http/async';
import { orderIdFrom, skuIdFrom } from '../http/path-ids';
import { parse, skuAuditQuery } from '../http/schemas';

/** Admin inspection straight from the event store: what happened, in order, and why. */
export function auditRoutes(
  eventStore: EventStore,
  authenticate: RequestHandler,
  auditSku?: (skuId: string, options: { lines?: number }) => Promise<unknown>,
): Router {
  const router = caseSensitiveRouter();

  if (auditSku) {
    router.get(
      '/v1/admin/skus/:skuId/audit',
      authenticate,
      requireAdmin,
      route(async (req) => {
        const skuId = skuIdFrom(req.params.skuId);
        const { lines } = parse(skuAuditQuery, req.query, 'query');
        return { status: 200, body: await auditSku(skuId, { lines }) };
      }),
    );
  }

  router.get(
    '/v1/admin/orders/:orderId/events',
    authenticate,
    requireAdmin,
    route(async (req) => {
      const orderId = orderIdFrom(req.params.orderId);
      const streamId = orderStreamId(orderId);
      const events = await eventStore.readStream(streamId);
      if (events.length === 0) throw new NotFoundError(`no order ${orderId}`, { orderId });
      return {
        status: 200,
        body: {
          streamId,
          events: events.map((e) => ({
            type: e.type,
            revision: Number(e.revision),
            position: Number(e.position),
            data: e.data,
            metadata: {
              correlationId: e.metadata.correlationId ?? null,
              causationId: e.metadata.causationId ?? null,
              userId: e.metadata.userId ?? null,
            },
            recordedAt: e.recordedAt.toISOString(),
          })),
        },
      };
    }),
  );

  return router;
}
