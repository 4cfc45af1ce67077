import { UnavailableError } from '../domain/errors';
import { decideOrder, transactionOutcome } from '../domain/order';
import type { RecordPaymentResult } from '../domain/order/commands';
import type { Clock, CommandContext } from './context';
import { runOnOrder } from './order-stream';
import type { EventStore, ReservationStore } from './ports';

export type PaymentCallback = Omit<RecordPaymentResult['data'], 'now'>;

/**
 * The provider's verified callback. Each transaction id is applied once: a repeat appends nothing
 * and answers what the first delivery answered.
 */
export function makeRecordPaymentResult(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
  onConfirmFailed?: (orderId: string, error: unknown) => void;
}) {
  return async function recordPaymentResult(callback: PaymentCallback, context: CommandContext) {
    const { state, appended } = await runOnOrder(
      deps.eventStore,
      callback.orderId,
      (current) =>
        decideOrder(
          { type: 'RecordPaymentResult', data: { ...callback, now: deps.clock() } },
          current,
        ),
      context,
    );
    if (appended.some((e) => e.type === 'PaymentCompleted')) {
      // The event is the truth; a reservation Redis could not convert now is settled later.
      await deps.reservations
        .confirm(callback.orderId)
        .catch((e) => deps.onConfirmFailed?.(callback.orderId, e));
    }
    const outcome = transactionOutcome(state, callback.transactionId);
    if (!outcome) throw new UnavailableError('the payment result was not recorded');
    return {
      orderId: callback.orderId,
      orderStatus: outcome.orderStatus,
      paymentStatus: outcome.paymentStatus,
    };
  };
}
