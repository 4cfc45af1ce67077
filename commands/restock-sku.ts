import { ConcurrencyError, NotFoundError, UnavailableError } from '../domain/errors';
import { decideSku } from '../domain/sku';
import { skuStreamId } from '../domain/sku/events';
import { withMetadata, type Clock, type CommandContext } from './context';
import { beforeAppend, requireLoaded } from './before-append';
import { loadSku } from './sku-stream';
import type { EventStore, ReservationStore } from './ports';
import { backOff, inStreamOrder } from './stream-queue';

const MAX_ATTEMPTS = 8;

/**
 * SkuRestocked is appended at the stream's revision, then applied to the hot counter once per
 * revision, so a replay cannot add the same units twice. Redis is asked before the append: a
 * Redis that is down or being rebuilt is a 503 and a SKU not on sale a 404, nothing recorded, so
 * the client may send it again. Only a Redis that fails in the moment between the two writes
 * leaves the restock recorded and not yet counted, which that 503 says; the next restock of the
 * SKU counts it. Restocks of one SKU in this process run one after another (inStreamOrder).
 */
export function makeRestockSku(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
}) {
  return function restockSku(skuId: string, quantity: number, context: CommandContext) {
    return inStreamOrder(deps.eventStore, skuStreamId(skuId), () =>
      restockOnce(skuId, quantity, context),
    );
  };

  async function restockOnce(skuId: string, quantity: number, context: CommandContext) {
    for (let attempt = 1; ; attempt += 1) {
      const { state, revision, events: recorded } = await loadSku(deps.eventStore, skuId);
      const events = decideSku(
        { type: 'RestockSku', data: { skuId, quantity, now: deps.clock() } },
        state,
      );
      const onSale = await beforeAppend(deps.reservations.getSku(skuId), skuId);
      if (!onSale) {
        await requireLoaded(deps.reservations, skuId);
        throw new NotFoundError(`SKU ${skuId} is not on sale`, { skuId });
      }
      // A restock recorded while Redis failed (the 503 below) is counted now: the script counts
      // each revision once, so the ones already counted change nothing.
      if (state.status === 'LISTED' && state.stocked > onSale.stocked) {
        for (const [at, event] of recorded.entries()) {
          if (event.type !== 'SkuRestocked') continue;
          await beforeAppend(deps.reservations.restock(skuId, event.data.quantity, at), skuId);
        }
      }
      try {
        await deps.eventStore.append(skuStreamId(skuId), withMetadata(events, context), {
          expectedRevision: BigInt(revision),
        });
      } catch (error) {
        if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) {
          await backOff(attempt);
          continue;
        }
        throw error;
      }
      const sku = await deps.reservations.restock(skuId, quantity, revision + 1).catch((error) => {
        throw new UnavailableError(
          'the restock was recorded but Redis failed before counting it: do not send it again; the next restock of this SKU counts it',
          { skuId, revision: revision + 1, cause: (error as Error).message },
        );
      });
      if (!sku) throw new NotFoundError(`SKU ${skuId} is not on sale`, { skuId });
      return { skuId, stock: sku.stocked, available: sku.available };
    }
  }
}
