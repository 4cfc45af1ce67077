import type { ReservationStore, ReserveResult } from '../../commands/ports';
import { assertNever } from '../../domain/event';
import { intercept } from './intercept';
import type { Metrics } from './metrics';

function outcomeOf(result: ReserveResult): string {
  switch (result.outcome) {
    case 'RESERVED':
      return 'accepted';
    case 'REPLAY':
      return result.sameRequest ? 'idempotent_replay' : 'key_reused';
    case 'SOLD_OUT':
      return 'sold_out';
    case 'LIMIT_EXCEEDED':
      return 'limit_exceeded';
    case 'UNKNOWN_SKU':
      return 'unknown_sku';
    case 'MIXED_CURRENCY':
      return 'mixed_currency';
    case 'NOT_LOADED':
      return 'not_loaded';
    default:
      return assertNever(result);
  }
}

/**
 * The reservation store, counting what the reservation script answered. Counted here, at the one
 * call every purchase makes, rather than from HTTP statuses: a 409 does not tell sold out from a
 * limit, and a replayed 201 is not a new sale.
 */
export function meteredReservations(store: ReservationStore, metrics: Metrics): ReservationStore {
  const count = (outcome: string) => metrics.reservations.inc(outcome);
  const reserve: ReservationStore['reserve'] = async (request) => {
    const result = await store.reserve(request);
    count(outcomeOf(result));
    return result;
  };
  return intercept(store, 'reserve', reserve);
}
