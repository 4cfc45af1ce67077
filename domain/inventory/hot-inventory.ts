import { evolveOrder, initialOrderState, type OrderEvent, type OrderState } from '../order';
import type { OrderLine } from '../order/events';
import { evolveSku, initialSkuState, type SkuEvent, type SkuState } from '../sku';

/** A recorded event as the fold needs it: which stream, what happened. */
export type StreamEvent = {
  streamId: string;
  type: string;
  data: unknown;
  metadata?: Readonly<Record<string, unknown>>;
};

/** An Idempotency-Key a placed order was made with (kept in its OrderPlaced metadata). */
export type HotIdempotencyKey = {
  userId: string;
  key: string;
  fingerprint: string;
  orderId: string;
  placedAt: string;
};

export type HotSku = {
  skuId: string;
  name: string;
  price: number;
  currency: string;
  perUserLimit: number | null;
  stocked: number;
  /** Units held by PENDING orders. */
  reserved: number;
  /** Units of CONFIRMED orders. */
  sold: number;
  /** The SKU stream's last revision. */
  revision: number;
  /** userId -> units held (reserved + sold), what the per-user limit counts. */
  held: Map<string, number>;
};

export type HotReservation = {
  orderId: string;
  userId: string;
  currency: string;
  lines: OrderLine[];
  deadline: string;
  createdAt: string;
};

export type HotInventory = {
  skus: Map<string, HotSku>;
  reservations: HotReservation[];
  idempotencyKeys: HotIdempotencyKey[];
};

const ORDER_PREFIX = 'order-';
const SKU_PREFIX = 'sku-';

/**
 * What Redis should hold, derived from the event store alone: every listed SKU with its counters
 * and per-user holdings, and a reservation for every order still PENDING (whatever its deadline:
 * expiring it is the saga's job). Events of other streams are passed over.
 */
export function foldHotInventory(events: Iterable<StreamEvent>): HotInventory {
  const fold = hotInventoryFold();
  for (const event of events) fold.add(event);
  return fold.result();
}

/** The same fold, fed one event at a time (a whole event store need not sit in memory). */
export function hotInventoryFold() {
  const skus = new Map<string, { state: SkuState; revision: number }>();
  const orders = new Map<string, OrderState>();
  const keys: HotIdempotencyKey[] = [];
  const add = (event: StreamEvent) => {
    if (event.streamId.startsWith(SKU_PREFIX)) {
      const id = event.streamId.slice(SKU_PREFIX.length);
      const current = skus.get(id) ?? { state: initialSkuState, revision: -1 };
      skus.set(id, {
        state: evolveSku(current.state, event as SkuEvent),
        revision: current.revision + 1,
      });
    } else if (event.streamId.startsWith(ORDER_PREFIX)) {
      const id = event.streamId.slice(ORDER_PREFIX.length);
      orders.set(id, evolveOrder(orders.get(id) ?? initialOrderState, event as OrderEvent));
      const { idempotencyKey, idempotencyFingerprint } = event.metadata ?? {};
      const data = event.data as { userId?: unknown; placedAt?: unknown };
      if (
        event.type === 'OrderPlaced' &&
        typeof idempotencyKey === 'string' &&
        typeof idempotencyFingerprint === 'string' &&
        typeof data.userId === 'string' &&
        typeof data.placedAt === 'string'
      ) {
        keys.push({
          userId: data.userId,
          key: idempotencyKey,
          fingerprint: idempotencyFingerprint,
          orderId: id,
          placedAt: data.placedAt,
        });
      }
    }
  };
  return { add, result: () => ({ ...summarize(skus, orders), idempotencyKeys: keys }) };
}

function summarize(
  skus: Map<string, { state: SkuState; revision: number }>,
  orders: Map<string, OrderState>,
): Omit<HotInventory, 'idempotencyKeys'> {
  const hot = new Map<string, HotSku>();
  for (const [skuId, { state, revision }] of skus) {
    if (state.status !== 'LISTED') continue;
    const { name, price, currency, perUserLimit, stocked } = state;
    hot.set(skuId, {
      skuId,
      name,
      price,
      currency,
      perUserLimit,
      stocked,
      reserved: 0,
      sold: 0,
      revision,
      held: new Map(),
    });
  }
  const reservations: HotReservation[] = [];
  for (const order of orders.values()) {
    if (order.status !== 'PENDING' && order.status !== 'CONFIRMED') continue;
    for (const line of order.items) {
      const sku = hot.get(line.skuId);
      if (!sku) continue;
      if (order.status === 'PENDING') sku.reserved += line.quantity;
      else sku.sold += line.quantity;
      sku.held.set(order.userId, (sku.held.get(order.userId) ?? 0) + line.quantity);
    }
    if (order.status === 'PENDING') {
      reservations.push({
        orderId: order.orderId,
        userId: order.userId,
        currency: order.currency,
        lines: order.items,
        deadline: order.expiresAt,
        createdAt: order.placedAt,
      });
    }
  }
  return { skus: hot, reservations };
}

/** Units that can still be reserved. */
export const availableOf = (sku: HotSku) => sku.stocked - sku.reserved - sku.sold;
