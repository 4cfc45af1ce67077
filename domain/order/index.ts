import type { Decider } from '../decider';
import type { OrderCommand } from './commands';
import { decideOrder } from './decide';
import type { OrderEvent } from './events';
import { evolveOrder } from './evolve';
import { initialOrderState, type OrderState } from './state';

export * from './commands';
export * from './events';
export { decideOrder } from './decide';
export { evolveOrder, foldOrder, settlePayment } from './evolve';
export { transactionOutcome } from './outcome';
export { orderNotCancellable, orderNotPayable } from './refusals';
export {
  initialOrderState,
  type CancelledOrder,
  type ConfirmedOrder,
  type ExpiredOrder,
  type NoOrder,
  type OrderState,
  type Payment,
  type PendingOrder,
  type ExistingOrder,
  type TransactionOutcome,
} from './state';

export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = {
  initialState: initialOrderState,
  evolve: evolveOrder,
  decide: decideOrder,
};
