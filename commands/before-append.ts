import { UnavailableError } from '../domain/errors';
import type { ReservationStore } from './ports';

/**
 * A Redis call a catalog command makes before it records anything: its failure is a 503 that
 * changed nothing, so the client may send the command again.
 */
export function beforeAppend<T>(call: Promise<T>, skuId: string): Promise<T> {
  return call.catch((error: unknown) => {
    throw new UnavailableError('Redis does not answer; nothing was recorded', {
      skuId,
      cause: (error as Error).message,
    });
  });
}

/** A SKU missing from Redis because Redis lost its data is a 503: the rebuild puts it back. */
export async function requireLoaded(reservations: ReservationStore, skuId: string) {
  if (!(await beforeAppend(reservations.isLoaded(), skuId))) {
    throw new UnavailableError('the hot inventory is being rebuilt from the event store', {
      skuId,
    });
  }
}
