import { NotFoundError } from '../../domain/errors';
import { orderIdParam, skuIdParam } from './schemas';

/*
 * Ids from a route's path. One that no order or SKU can have is one we do not have: a 404, as
 * for any unknown id, never a 400.
 */

export function orderIdFrom(value: unknown): string {
  const parsed = orderIdParam.safeParse(value);
  if (!parsed.success) throw new NotFoundError(`no order ${String(value)}`, { orderId: value });
  return parsed.data;
}

export function skuIdFrom(value: unknown): string {
  const parsed = skuIdParam.safeParse(value);
  if (!parsed.success) throw new NotFoundError(`no SKU ${String(value)}`, { skuId: value });
  return parsed.data;
}
