import { Router, type RequestHandler } from 'express';
import type { EventStore } from '../../commands/ports';
import { NotFoundError } from '../../domain/errors';
import { orderStreamId } from '../../domain/order/events';
import { requireAdmin } from '../http/authenticate';
import { route } from '../http/async';
import { orderIdParam, skuIdParam } from '../http/schemas';

/** Admin inspection straight from the event store: what happened, in order, and why. */
export function auditRoutes(
  eventStore: EventStore,
  authenticate: RequestHandler,
  auditSku?: (skuId: string) => Promise<unknown>,
): Router {
  const router = Router();

  if (auditSku) {
    router.get(
      '/v1/admin/skus/:skuId/audit',
      authenticate,
      requireAdmin,
      route(async (req) => {
        const skuId = skuIdParam.safeParse(req.params.skuId);
        if (!skuId.success)
          throw new NotFoundError(`no SKU ${req.params.skuId}`, { skuId: req.params.skuId });
        return { status: 200, body: await auditSku(skuId.data) };
      }),
    );
  }

  router.get(
    '/v1/admin/orders/:orderId/events',
    authenticate,
    requireAdmin,
    route(async (req) => {
      const id = orderIdParam.safeParse(req.params.orderId);
      if (!id.success) throw new NotFoundError(`no order ${req.params.orderId}`);
      const streamId = orderStreamId(id.data);
      const events = await eventStore.readStream(streamId);
      if (events.length === 0) throw new NotFoundError(`no order ${id.data}`, { orderId: id.data });
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
