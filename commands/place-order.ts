import { hash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  IdempotencyKeyReusedError,
  LimitExceededError,
  NotFoundError,
  SoldOutError,
  UnavailableError,
  ValidationError,
} from '../domain/errors';
import { assertNever } from '../domain/event';
import { decideOrder, initialOrderState } from '../domain/order';
import { orderStreamId, type OrderPlaced } from '../domain/order/events';
import { withMetadata, type Clock, type CommandContext } from './context';
import { loadOrder } from './order-stream';
import type { EventStore, ReservationStore } from './ports';

export type PlaceOrderInput = {
  userId: string;
  items: { skuId: string; quantity: number }[];
  idempotencyKey?: string;
};

export type PlacedOrder = OrderPlaced['data'] & { status: 'PENDING'; revision: number };

export type PlaceOrderDeps = {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
  ttlSeconds: number;
  onCompensationFailed?: (orderId: string, error: unknown) => void;
  /** How long a repeated request waits for the first one with its key to be recorded. */
  replayWaitMs?: number;
};

/** Same lines in any order: the same request. */
function fingerprint(items: PlaceOrderInput['items']): string {
  const canonical = [...items]
    .sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0))
    .map((i) => `${i.skuId}:${i.quantity}`)
    .join(',');
  // One-shot: a third of the cost of a Hash object for a string this short.
  return hash('sha256', canonical, 'base64url');
}

/**
 * PlaceOrder, the hot path: (1) one Redis script reserves every line or none, (2) OrderPlaced
 * is appended to a new stream, (3) if that append fails the reservation is undone at once and the
 * caller gets 503. Sold-out attempts never reach the event store.
 */
export function makePlaceOrder(deps: PlaceOrderDeps) {
  const replayWaitMs = deps.replayWaitMs ?? 5_000;

  async function answerReplay(orderId: string, userId: string): Promise<PlacedOrder | undefined> {
    const deadline = Date.now() + replayWaitMs;
    for (;;) {
      const { state } = await loadOrder(deps.eventStore, orderId);
      if (state.status !== 'NONE') {
        if (state.userId !== userId) throw new UnavailableError('idempotency record mismatch');
        return {
          orderId: state.orderId,
          userId: state.userId,
          items: state.items,
          total: state.total,
          currency: state.currency,
          placedAt: state.placedAt,
          expiresAt: state.expiresAt,
          status: 'PENDING',
          revision: 0,
        };
      }
      // No event and no reservation: the first request failed and gave its key back.
      if ((await deps.reservations.getReservation(orderId)) === null) return undefined;
      // Otherwise it is still between its reservation and its append.
      if (Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  return async function placeOrder(
    input: PlaceOrderInput,
    context: CommandContext,
  ): Promise<PlacedOrder> {
    const print = input.idempotencyKey ? fingerprint(input.items) : undefined;
    // Twice at most: a replay whose first request failed (and so released its key) tries anew.
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const orderId = uuidv7();
      const now = deps.clock();
      const result = await deps.reservations.reserve({
        orderId,
        userId: input.userId,
        lines: input.items,
        idempotency: input.idempotencyKey
          ? { key: input.idempotencyKey, fingerprint: print! }
          : undefined,
        deadline: new Date(now.getTime() + deps.ttlSeconds * 1000),
        now,
      });
      switch (result.outcome) {
        case 'RESERVED':
          return record(orderId, input.userId, result.lines, result.currency, now, {
            ...context,
            // Kept with the order so a Redis that lost the key can have it back (restore).
            ...(input.idempotencyKey
              ? { idempotency: { key: input.idempotencyKey, fingerprint: print! } }
              : {}),
          });
        case 'REPLAY': {
          if (!result.sameRequest) {
            throw new IdempotencyKeyReusedError('this Idempotency-Key was used with another body', {
              orderId: result.orderId,
            });
          }
          const answer = await answerReplay(result.orderId, input.userId);
          if (answer) return answer;
          continue;
        }
        case 'SOLD_OUT':
          throw new SoldOutError(`not enough stock for ${result.skuId}`, {
            skuId: result.skuId,
            available: result.available,
          });
        case 'LIMIT_EXCEEDED':
          throw new LimitExceededError(`the per-user limit of ${result.skuId} would be passed`, {
            skuId: result.skuId,
            limit: result.limit,
            held: result.held,
          });
        case 'UNKNOWN_SKU':
          throw new NotFoundError(`unknown SKU ${result.skuId}`, { skuId: result.skuId });
        case 'NOT_LOADED':
          // Redis lost its data: no sale until every SKU, reservation and key is back.
          throw new UnavailableError(
            'the hot inventory is being rebuilt from the event store; nothing was reserved',
          );
        case 'MIXED_CURRENCY':
          throw new ValidationError('all lines of an order must be in one currency');
        default:
          return assertNever(result);
      }
    }
    throw new UnavailableError('the first request with this Idempotency-Key is still in progress');
  };

  async function record(
    orderId: string,
    userId: string,
    items: { skuId: string; quantity: number; unitPrice: number }[],
    currency: string,
    now: Date,
    context: CommandContext,
  ): Promise<PlacedOrder> {
    try {
      const [placed] = decideOrder(
        {
          type: 'PlaceOrder',
          data: { orderId, userId, items, currency, now, ttlSeconds: deps.ttlSeconds },
        },
        initialOrderState,
      ) as [OrderPlaced];
      await deps.eventStore.append(orderStreamId(orderId), withMetadata([placed], context), {
        expectedRevision: 'no_stream',
      });
      return { ...placed.data, status: 'PENDING', revision: 0 };
    } catch (error) {
      // Nothing may stay reserved for an order that was never recorded.
      await deps.reservations.abort(orderId).catch((e) => deps.onCompensationFailed?.(orderId, e));
      if (error instanceof ValidationError) throw error;
      throw new UnavailableError('the order could not be recorded; nothing was reserved', {
        cause: (error as Error).message,
      });
    }
  }
}
