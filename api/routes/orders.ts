import { Router, type RequestHandler } from 'express';
import { NotFoundError } from '../../domain/errors';
import { route } from '../http/async';
import { optionalJsonBody } from '../http/body';
import { emptyBody, orderIdParam, parse } from '../http/schemas';
import type { Commands } from './commands';
import { actorOf, contextOf } from './context';

function orderId(value: unknown): string {
  const parsed = orderIdParam.safeParse(value);
  // An id that cannot exist is just an order we do not have.
  if (!parsed.success) throw new NotFoundError(`no order ${String(value)}`);
  return parsed.data;
}

export function orderRoutes(
  commands: Commands,
  authenticate: RequestHandler,
  limit: RequestHandler,
): Router {
  const router = Router();

  router.post(
    '/v1/orders/:orderId/payments',
    authenticate,
    limit,
    optionalJsonBody,
    route(async (req, res) => {
      const id = orderId(req.params.orderId);
      parse(emptyBody, req.body, 'body');
      return {
        status: 201,
        body: await commands.initiatePayment(id, actorOf(req), contextOf(req, res)),
      };
    }),
  );

  router.post(
    '/v1/orders/:orderId/cancel',
    authenticate,
    limit,
    optionalJsonBody,
    route(async (req, res) => {
      const id = orderId(req.params.orderId);
      parse(emptyBody, req.body, 'body');
      return {
        status: 200,
        body: await commands.cancelOrder(id, actorOf(req), contextOf(req, res)),
      };
    }),
  );

  return router;
}
