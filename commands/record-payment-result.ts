import { UnavailableError } from '../domain/errors';
import { decideOrder, transactionOutcome } from '../domain/order';
import type { RecordPaymentResult } from '../domain/order/commands';
import type { Clock, CommandContext } from './context';
import { runOnOrder } from './order-stream';
import type { EventStore, ReservationStore } from './ports';
import { settleReservation, type SettleFailed } from './settle-reservation';

export type PaymentCallback = Omit<RecordPaymentResult['data'], 'now'>;

/**
 * The provider's verified callback. Each transaction id is applied once: a repeat appends nothing
 * and answers what the first delivery answered. A result past the order's deadline finds it
 * expired (recorded in the same append if the saga has not yet): a success is refunded and the
 * stock goes back.
 */
export function makeRecordPaymentResult(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
  onConfirmFailed?: SettleFailed;
  onReleaseFailed?: SettleFailed;
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
    await settleReservation(deps.reservations, callback.orderId, appended, {
      confirmFailed: deps.onConfirmFailed,
      releaseFailed: deps.onReleaseFailed,
    });
    const outcome = transactionOutcome(state, callback.transactionId);
    if (!outcome) throw new UnavailableError('the payment result was not recorded');
    return {
      orderId: callback.orderId,
      orderStatus: outcome.orderStatus,
      paymentStatus: outcome.paymentStatus,
    };
  };
}
