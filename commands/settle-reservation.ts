import type { OrderEvent } from '../domain/order';
import type { ReservationStore } from './ports';

export type SettleFailed = (orderId: string, error: unknown) => void;

/**
 * What an order's new events mean for its Redis reservation: a payment turns it into a sale; an
 * expiry or a cancel gives the stock back, whichever command recorded it. The events are the
 * truth: if Redis fails here, the call is reported and the orphan sweeper settles the reservation
 * once the deadline and its grace have passed. Both calls are idempotent, so the saga's own
 * release of an order a command expired changes nothing.
 */
export async function settleReservation(
  reservations: ReservationStore,
  orderId: string,
  appended: readonly OrderEvent[],
  on: { confirmFailed?: SettleFailed; releaseFailed?: SettleFailed } = {},
): Promise<void> {
  for (const { type } of appended) {
    if (type === 'PaymentCompleted') {
      await reservations.confirm(orderId).catch((e) => on.confirmFailed?.(orderId, e));
      return;
    }
    if (type === 'OrderExpired' || type === 'OrderCancelled') {
      await reservations.release(orderId).catch((e) => on.releaseFailed?.(orderId, e));
      return;
    }
  }
}
