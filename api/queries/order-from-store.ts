import { loadOrder } from '../../commands/order-stream';
import type { EventStore } from '../../commands/ports';
import type { OrderState } from '../../domain/order';
import { refundsOf, type OrderView } from './order-views';

/**
 * An order as its own stream says it is (or was at revision `upTo`), in the shape of the read
 * model's view: what the query API answers for an order whose read models stand at different
 * revisions (infra/db/order-views.ts), or that they lack when `?minRevision=` has waited in vain.
 */
export async function orderFromStore(
  eventStore: EventStore,
  orderId: string,
  upTo?: number,
): Promise<OrderView | null> {
  const { state, revision } = await loadOrder(eventStore, orderId, upTo);
  return orderViewOf(state, revision);
}

/**
 * Pure: the view of a folded order. Lines come in the read model's order (`ORDER BY sku_id` under
 * MariaDB's default case-insensitive collation, which for the ids' `[A-Za-z0-9_-]` compares the
 * upper-cased characters), payments in the order they were started.
 */
export function orderViewOf(state: OrderState, revision: number): OrderView | null {
  if (state.status === 'NONE') return null;
  const view: OrderView = {
    orderId: state.orderId,
    userId: state.userId,
    status: state.status,
    items: state.items
      .map(({ skuId, quantity, unitPrice }) => ({ skuId, quantity, unitPrice }))
      .sort((a, b) => compareSkuIds(a.skuId, b.skuId)),
    total: state.total,
    currency: state.currency,
    placedAt: state.placedAt,
    expiresAt: state.expiresAt,
    payments: Object.values(state.payments).map((p) => ({
      paymentId: p.paymentId,
      status: p.status,
      amount: p.amount,
      currency: p.currency,
      ...(p.transactionId ? { transactionId: p.transactionId } : {}),
      ...refundsOf(p.refunds, p.amount, p.currency),
    })),
    revision,
  };
  if (state.status === 'CONFIRMED') view.confirmedAt = state.confirmedAt;
  return view;
}

function compareSkuIds(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
