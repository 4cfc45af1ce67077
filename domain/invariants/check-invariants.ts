import type { LedgerTotals, StreamEvent } from '../inventory';

export type InvariantId = 1 | 2 | 3 | 4 | 5 | 6;

/** `held: null` when the input it needs was not given (the check was not made). */
export type InvariantResult = {
  id: InvariantId;
  name: string;
  held: boolean | null;
  violations: string[];
};

export type InvariantInput = {
  /** Every event of the store, in global order. */
  events: Iterable<StreamEvent>;
  now: Date;
  /** Invariant 3 applies to orders whose deadline passed at least this long ago. */
  settleMs?: number;
  /** Redis's available units per SKU. */
  hot?: ReadonlyMap<string, { available: number } | null>;
  /** The inventory_audit ledger totals per SKU. */
  ledgers?: ReadonlyMap<string, LedgerTotals>;
  /** The differences found between the live read models and a fresh replay. */
  readModelDifferences?: readonly string[];
};

const NAMES: Record<InvariantId, string> = {
  1: 'no oversell: sold + reserved never exceed stocked',
  2: 'conservation: stocked = available + reserved + sold',
  3: 'every order has exactly one terminal event once its deadline passed',
  4: 'read models equal a fresh replay of the event store',
  5: 'one order per idempotency key; per-user limits hold',
  6: 'the inventory ledger sums to the same totals',
};

const TERMINAL = new Set(['PaymentCompleted', 'OrderExpired', 'OrderCancelled']);
const MAX_LISTED = 20;

type Line = { skuId: string; quantity: number };
type Sku = { stocked: number; reserved: number; sold: number; limit: number | null };
type Order = {
  userId: string;
  lines: Line[];
  expiresAt: string;
  status: 'PENDING' | 'CONFIRMED' | 'ENDED';
  terminals: string[];
};

/**
 * The six invariants of DESIGN.md, checked against the event store's history (replayed in global
 * order, so a momentary oversell or a limit passed and later undone is still caught) and against
 * what the other stores say now. Pure: the caller gathers the inputs.
 */
export function checkInvariants(input: InvariantInput): InvariantResult[] {
  const found: Record<InvariantId, string[]> = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [] };
  const skus = new Map<string, Sku>();
  const orders = new Map<string, Order>();
  const held = new Map<string, number>();
  const keys = new Map<string, string>();
  const sku = (id: string) => {
    let s = skus.get(id);
    if (!s) skus.set(id, (s = { stocked: 0, reserved: 0, sold: 0, limit: null }));
    return s;
  };
  const hold = (userId: string, line: Line, sign: 1 | -1) => {
    const key = `${line.skuId}\u0000${userId}`;
    const units = (held.get(key) ?? 0) + sign * line.quantity;
    held.set(key, units);
    const { limit } = sku(line.skuId);
    if (sign === 1 && limit !== null && units > limit)
      found[5].push(`user ${userId} held ${units} of ${line.skuId}, limit ${limit}`);
  };
  const end = (order: Order) => {
    for (const line of order.lines) {
      const s = sku(line.skuId);
      if (order.status === 'PENDING') s.reserved -= line.quantity;
      if (order.status !== 'ENDED') hold(order.userId, line, -1);
    }
  };

  for (const event of input.events) {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'SkuListed') {
      sku(String(data.skuId)).limit = (data.perUserLimit as number | null) ?? null;
    } else if (event.type === 'SkuRestocked') {
      sku(String(data.skuId)).stocked += Number(data.quantity);
    } else if (event.type === 'OrderPlaced') {
      const orderId = String(data.orderId);
      const order: Order = {
        userId: String(data.userId),
        lines: data.items as Line[],
        expiresAt: String(data.expiresAt),
        status: 'PENDING',
        terminals: [],
      };
      if (orders.has(orderId)) found[3].push(`order ${orderId} was placed twice`);
      orders.set(orderId, order);
      for (const line of order.lines) {
        const s = sku(line.skuId);
        s.reserved += line.quantity;
        hold(order.userId, line, 1);
        if (s.reserved + s.sold > s.stocked)
          found[1].push(
            `${line.skuId}: ${s.sold} sold + ${s.reserved} reserved > ${s.stocked} stocked after order ${orderId}`,
          );
      }
      const key = event.metadata?.idempotencyKey;
      if (typeof key === 'string') {
        const id = `${order.userId}\u0000${key}`;
        const first = keys.get(id);
        if (first !== undefined && first !== orderId)
          found[5].push(
            `idempotency key ${key} of ${order.userId}: orders ${first} and ${orderId}`,
          );
        else keys.set(id, orderId);
      }
    } else if (TERMINAL.has(event.type)) {
      const orderId = String(data.orderId);
      const order = orders.get(orderId);
      if (!order) {
        found[3].push(`${event.type} for order ${orderId}, which was never placed`);
        continue;
      }
      order.terminals.push(event.type);
      if (order.status !== 'PENDING') continue;
      if (event.type === 'PaymentCompleted') {
        order.status = 'CONFIRMED';
        for (const line of order.lines) {
          const s = sku(line.skuId);
          s.reserved -= line.quantity;
          s.sold += line.quantity;
        }
      } else {
        end(order);
        order.status = 'ENDED';
      }
    }
  }

  const settled = input.now.getTime() - (input.settleMs ?? 0);
  for (const [orderId, order] of orders) {
    if (order.terminals.length > 1)
      found[3].push(`order ${orderId} has ${order.terminals.join(', ')}`);
    else if (order.terminals.length === 0 && Date.parse(order.expiresAt) <= settled)
      found[3].push(`order ${orderId} has no terminal event; its deadline was ${order.expiresAt}`);
  }

  for (const [skuId, s] of skus) {
    const hot = input.hot?.get(skuId);
    if (hot === null) found[2].push(`${skuId}: not in Redis`);
    else if (hot && hot.available < 0)
      found[1].push(`${skuId}: Redis shows ${hot.available} available`);
    else if (hot && s.stocked !== hot.available + s.reserved + s.sold)
      found[2].push(
        `${skuId}: stocked ${s.stocked} != available ${hot.available} + reserved ${s.reserved} + sold ${s.sold}`,
      );
    const ledger = input.ledgers?.get(skuId);
    if (input.ledgers && ledger) {
      const pending = ledger.reserved - ledger.released - ledger.sold;
      if (ledger.stocked !== s.stocked || ledger.sold !== s.sold || pending !== s.reserved)
        found[6].push(
          `${skuId}: ledger stocked ${ledger.stocked}, sold ${ledger.sold}, pending ${pending}; ` +
            `events stocked ${s.stocked}, sold ${s.sold}, reserved ${s.reserved}`,
        );
    } else if (input.ledgers) {
      found[6].push(`${skuId}: no ledger`);
    }
  }
  if (input.readModelDifferences) found[4].push(...input.readModelDifferences);

  const given: Record<InvariantId, boolean> = {
    1: true,
    2: input.hot !== undefined,
    3: true,
    4: input.readModelDifferences !== undefined,
    5: true,
    6: input.ledgers !== undefined,
  };
  return ([1, 2, 3, 4, 5, 6] as const).map((id) => ({
    id,
    name: NAMES[id],
    held: given[id] ? found[id].length === 0 : null,
    violations:
      found[id].length > MAX_LISTED
        ? [...found[id].slice(0, MAX_LISTED), `… and ${found[id].length - MAX_LISTED} more`]
        : found[id],
  }));
}
