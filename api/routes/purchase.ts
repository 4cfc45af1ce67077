import { idempotencyKey, parse, placeOrderBody } from '../http/schemas';
import type { Principal } from '../http/jwt';
import type { CommandContext } from '../../commands';
import type { Answer } from '../http/async';
import type { Commands } from './commands';

/**
 * POST /v1/orders once the caller is known and the body parsed: the same code whether express or
 * the purchase fast path (api/fast-purchase.ts) received the request.
 */
export async function purchase(
  commands: Commands,
  principal: Principal,
  body: unknown,
  key: string | undefined,
  context: CommandContext,
): Promise<Answer> {
  const { items } = parse(placeOrderBody, body, 'body');
  const order = await commands.placeOrder(
    {
      userId: principal.userId,
      items,
      idempotencyKey: key === undefined ? undefined : parse(idempotencyKey, key, 'Idempotency-Key'),
    },
    context,
  );
  return {
    status: 201,
    headers: { Location: `/v1/orders/${order.orderId}` },
    body: {
      orderId: order.orderId,
      status: order.status,
      items: order.items,
      total: order.total,
      currency: order.currency,
      expiresAt: order.expiresAt,
      revision: order.revision,
    },
  };
}
