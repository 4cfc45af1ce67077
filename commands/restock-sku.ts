import { ConcurrencyError, NotFoundError, UnavailableError } from '../domain/errors';
import { decideSku } from '../domain/sku';
import { skuStreamId } from '../domain/sku/events';
import { withMetadata, type Clock, type CommandContext } from './context';
import { loadSku } from './sku-stream';
import type { EventStore, ReservationStore } from './ports';

const MAX_ATTEMPTS = 5;

/**
 * SkuRestocked is appended at the stream's revision, then applied to the hot counter once per
 * revision, so a retried request or a replay cannot add the same units twice.
 */
export function makeRestockSku(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
}) {
  return async function restockSku(skuId: string, quantity: number, context: CommandContext) {
    for (let attempt = 1; ; attempt += 1) {
      const { state, revision } = await loadSku(deps.eventStore, skuId);
      const events = decideSku(
        { type: 'RestockSku', data: { skuId, quantity, now: deps.clock() } },
        state,
      );
      try {
        await deps.eventStore.append(skuStreamId(skuId), withMetadata(events, context), {
          expectedRevision: BigInt(revision),
        });
      } catch (error) {
        if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      const sku = await deps.reservations.restock(skuId, quantity, revision + 1).catch((error) => {
        throw new UnavailableError('the restock was recorded; Redis will get it when it answers', {
          skuId,
          cause: (error as Error).message,
        });
      });
      if (!sku) throw new NotFoundError(`SKU ${skuId} is not on sale`, { skuId });
      return { skuId, stock: sku.stocked, available: sku.available };
    }
  };
}
