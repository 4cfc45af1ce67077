import type { RequestHandler, Router } from 'express';
import { caseSensitiveRouter } from '../http/router';
import { NotFoundError, UnavailableError } from '../../domain/errors';
import { jsonBody } from '../http/body';
import { requireAdmin } from '../http/authenticate';
import { route } from '../http/async';
import { skuIdFrom } from '../http/path-ids';
import { createSkuBody, parse, restockBody, skuIdParam } from '../http/schemas';
import type { Commands } from './commands';
import { contextOf } from './context';

export function catalogRoutes(commands: Commands, authenticate: RequestHandler): Router {
  const router = caseSensitiveRouter();

  router.post(
    '/v1/admin/skus',
    authenticate,
    requireAdmin,
    jsonBody,
    route(async (req, res) => {
      const body = parse(createSkuBody, req.body, 'body');
      const sku = await commands.listSku(
        { ...body, perUserLimit: body.perUserLimit ?? null },
        contextOf(req, res),
      );
      const { skuId, name, price, currency, stock, available, perUserLimit } = sku;
      return {
        status: 201,
        body: { skuId, name, price, currency, stock, available, perUserLimit },
        headers: { Location: `/v1/skus/${encodeURIComponent(skuId)}` },
      };
    }),
  );

  router.post(
    '/v1/admin/skus/:skuId/restock',
    authenticate,
    requireAdmin,
    jsonBody,
    route(async (req, res) => {
      const skuId = skuIdFrom(req.params.skuId);
      const { quantity } = parse(restockBody, req.body, 'body');
      const context = contextOf(req, res);
      return { status: 200, body: await commands.restockSku(skuId, quantity, context) };
    }),
  );

  router.get(
    '/v1/skus/:skuId',
    authenticate,
    route(async (req) => {
      const skuId = skuIdParam.safeParse(req.params.skuId);
      // One round trip (auto-pipelined). Until the rebuild after a loss of Redis has finished,
      // purchases answer 503 and so does this: a SKU put back early is not yet on sale.
      const [sku, loaded] = await Promise.all([
        skuId.success ? commands.reservations.getSku(skuId.data) : null,
        commands.reservations.isLoaded(),
      ]);
      if (!loaded) {
        throw new UnavailableError('the hot inventory is being rebuilt from the event store');
      }
      if (!sku) throw new NotFoundError(`no SKU ${req.params.skuId}`, { skuId: req.params.skuId });
      const { name, price, currency, available } = sku;
      return { status: 200, body: { skuId: sku.skuId, name, price, currency, available } };
    }),
  );

  return router;
}
