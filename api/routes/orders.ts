import type { RequestHandler, Router } from 'express';
import { caseSensitiveRouter } from '../http/router';
import { route } from '../http/async';
import { optionalJsonBody } from '../http/body';
import { orderIdFrom } from '../http/path-ids';
import { emptyBody, parse } from '../http/schemas';
import type { Actor, CommandContext } from '../../commands';
import type { Commands } from './commands';
import { actorOf, contextOf } from './context';

export function orderRoutes(
  commands: Commands,
  authenticate: RequestHandler,
  limit: RequestHandler,
): Router {
  const router = caseSensitiveRouter();

  /** An order's command: its id from the path, no body but `{}`, the command's answer. */
  const onOrder = (
    status: number,
    run: (id: string, actor: Actor, context: CommandContext) => Promise<unknown>,
  ) =>
    route(async (req, res) => {
      const id = orderIdFrom(req.params.orderId);
      parse(emptyBody, req.body, 'body');
      return { status, body: await run(id, actorOf(req), contextOf(req, res)) };
    });

  router.post(
    '/v1/orders/:orderId/payments',
    authenticate,
    limit,
    optionalJsonBody,
    onOrder(201, (id, actor, context) => commands.initiatePayment(id, actor, context)),
  );
  router.post(
    '/v1/orders/:orderId/cancel',
    authenticate,
    limit,
    optionalJsonBody,
    onOrder(200, (id, actor, context) => commands.cancelOrder(id, actor, context)),
  );

  return router;
}
