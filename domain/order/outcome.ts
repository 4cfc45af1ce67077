import { lookup, type OrderState, type TransactionOutcome } from './state';

/**
 * The answer recorded when this provider transaction was first applied, or undefined if it never
 * was. A redelivered callback decides nothing new and is answered with this.
 */
export function transactionOutcome(
  state: OrderState,
  transactionId: string,
): TransactionOutcome | undefined {
  return state.status === 'NONE' ? undefined : lookup(state.transactions, transactionId);
}
