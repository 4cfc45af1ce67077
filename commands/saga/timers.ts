import type { RecordedEvent } from '../ports';

/** What an order event means for its expiry timer. */
export type TimerChange =
  | {
      kind: 'start';
      orderId: string;
      expiresAt: string;
      position: bigint;
      /** The request that placed the order, and the OrderPlaced event: what an expiry carries. */
      correlationId: string | null;
      placedEventId: string;
    }
  | { kind: 'end'; orderId: string };

/**
 * The saga's view of the order stream: `OrderPlaced` starts a timer at its deadline; payment,
 * cancel and expiry end it. A success after expiry needs no timer: the Order decider refunds it.
 */
export function timerChange(event: RecordedEvent): TimerChange | null {
  const data = event.data as { orderId?: unknown; expiresAt?: unknown };
  if (typeof data?.orderId !== 'string') return null;
  switch (event.type) {
    case 'OrderPlaced':
      return typeof data.expiresAt === 'string'
        ? {
            kind: 'start',
            orderId: data.orderId,
            expiresAt: data.expiresAt,
            position: event.position,
            correlationId:
              typeof event.metadata.correlationId === 'string'
                ? event.metadata.correlationId
                : null,
            placedEventId: event.id,
          }
        : null;
    case 'PaymentCompleted':
    case 'OrderCancelled':
    case 'OrderExpired':
      return { kind: 'end', orderId: data.orderId };
    default:
      return null;
  }
}
