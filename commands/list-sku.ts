import { ConcurrencyError, SkuExistsError, UnavailableError } from '../domain/errors';
import { decideSku } from '../domain/sku';
import type { ListSku } from '../domain/sku/commands';
import { skuStreamId } from '../domain/sku/events';
import { withMetadata, type Clock, type CommandContext } from './context';
import { loadSku } from './sku-stream';
import type { EventStore, ReservationStore } from './ports';

export type SkuView = {
  skuId: string;
  name: string;
  price: number;
  currency: string;
  stock: number;
  available: number;
  perUserLimit: number | null;
};

export function makeListSku(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
}) {
  return async function listSku(
    input: Omit<ListSku['data'], 'now'>,
    context: CommandContext,
  ): Promise<SkuView> {
    const { state } = await loadSku(deps.eventStore, input.skuId);
    const events = decideSku({ type: 'ListSku', data: { ...input, now: deps.clock() } }, state);
    try {
      await deps.eventStore.append(skuStreamId(input.skuId), withMetadata(events, context), {
        expectedRevision: 'no_stream',
      });
    } catch (error) {
      if (error instanceof ConcurrencyError) {
        throw new SkuExistsError(`SKU ${input.skuId} exists`, { skuId: input.skuId });
      }
      throw error;
    }
    const sku = {
      skuId: input.skuId,
      name: input.name,
      price: input.price,
      currency: input.currency,
      perUserLimit: input.perUserLimit,
      stocked: input.stock,
      available: input.stock,
      sold: 0,
      revision: events.length - 1,
    };
    try {
      await deps.reservations.putSku(sku);
    } catch (error) {
      // Recorded, not yet on sale: the start-up load puts it into Redis once Redis answers.
      throw new UnavailableError(
        'the SKU was recorded but cannot be put on sale until Redis answers',
        {
          skuId: input.skuId,
          cause: (error as Error).message,
        },
      );
    }
    return { ...sku, stock: sku.stocked };
  };
}
