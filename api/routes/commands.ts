import type {
  makeCancelOrder,
  makeInitiatePayment,
  makeListSku,
  makePlaceOrder,
  makeRecordPaymentResult,
  makeRestockSku,
} from '../../commands';
import type { ReservationStore } from '../../commands/ports';

/** What the routes call: built once in the composition root. */
export type Commands = {
  listSku: ReturnType<typeof makeListSku>;
  restockSku: ReturnType<typeof makeRestockSku>;
  placeOrder: ReturnType<typeof makePlaceOrder>;
  initiatePayment: ReturnType<typeof makeInitiatePayment>;
  cancelOrder: ReturnType<typeof makeCancelOrder>;
  recordPaymentResult: ReturnType<typeof makeRecordPaymentResult>;
  reservations: ReservationStore;
};
