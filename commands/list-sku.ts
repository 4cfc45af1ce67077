import { ConcurrencyError, SkuExistsError, UnavailableError } from '../domain/errors';
import { decideSku, type SkuState } from '../domain/sku';
import type { ListSku } from '../domain/sku/commands';
import { skuStreamId, type SkuEvent } from '../domain/sku/events';
import { withMetadata, type Clock, type CommandContext } from './context';
import { beforeAppend } from './before-append';
import { loadSku } from './sku-stream';
import type { EventStore, ReservationStore, SkuInventory } from './ports';

export type SkuView = {
  skuId: string;
  name: string;
  price: number;
  currency: string;
  stock: number;
  available: number;
  perUserLimit: number | null;
};

type ListSkuInput = Omit<ListSku['data'], 'now'>;
type ListedSku = Extract<SkuState, { status: 'LISTED' }>;

/**
 * ListSku: SkuListed (and SkuRestocked for its stock) on a new stream, then the SKU goes on sale
 * in Redis. Redis is asked before the append, so a Redis that is down answers 503 with nothing
 * recorded. If it fails between the two writes, the listing is recorded but not on sale (503);
 * the same request again then finishes it, and any other listing of that id is SKU_EXISTS.
 */
export function makeListSku(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
  /** How long a listing sent again waits for the rebuild it asked for. */
  rebuildWaitMs?: number;
}) {
  const rebuildWaitMs = deps.rebuildWaitMs ?? 10_000;
  return async function listSku(input: ListSkuInput, context: CommandContext): Promise<SkuView> {
    const { state, events: recorded } = await loadSku(deps.eventStore, input.skuId);
    if (state.status === 'LISTED') return finishListing(input, state, recorded);
    const events = decideSku({ type: 'ListSku', data: { ...input, now: deps.clock() } }, state);
    // Redis answers before anything is recorded.
    await beforeAppend(deps.reservations.getSku(input.skuId), input.skuId);
    try {
      await deps.eventStore.append(skuStreamId(input.skuId), withMetadata(events, context), {
        expectedRevision: 'no_stream',
      });
    } catch (error) {
      if (error instanceof ConcurrencyError) throw exists(input.skuId);
      throw error;
    }
    return putOnSale(input, events.length - 1);
  };

  /**
   * The same listing sent again, and the SKU is not in Redis: Redis failed between the two writes,
   * or lost this SKU's keys alone. Its counts are not the listing's: orders may have reserved and
   * bought units since, and they live in the order streams. So Redis is told it lost data, and
   * the rebuild from the event store that follows (within a second or two, by the inventory
   * watcher of the api role) puts the SKU back with its true counts.
   */
  async function finishListing(input: ListSkuInput, state: ListedSku, events: SkuEvent[]) {
    const onSale = await beforeAppend(deps.reservations.getSku(input.skuId), input.skuId);
    if (onSale || !isSameListing(state, events, input)) throw exists(input.skuId);
    await beforeAppend(deps.reservations.markLost(), input.skuId);
    const deadline = Date.now() + rebuildWaitMs;
    while (!(await beforeAppend(deps.reservations.isLoaded(), input.skuId))) {
      if (Date.now() > deadline) {
        throw new UnavailableError(
          'the hot inventory is being rebuilt from the event store: send the same listing again',
          { skuId: input.skuId },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const sku = await beforeAppend(deps.reservations.getSku(input.skuId), input.skuId);
    if (!sku) throw new UnavailableError('the SKU is not back on sale yet', { skuId: input.skuId });
    return { ...sku, stock: sku.stocked };
  }

  async function putOnSale(input: ListSkuInput, revision: number): Promise<SkuView> {
    const sku: SkuInventory = {
      skuId: input.skuId,
      name: input.name,
      price: input.price,
      currency: input.currency,
      perUserLimit: input.perUserLimit,
      stocked: input.stock,
      available: input.stock,
      sold: 0,
      revision,
    };
    try {
      await deps.reservations.putSku(sku);
    } catch (error) {
      throw new UnavailableError(
        'the SKU was recorded but cannot be put on sale until Redis answers: send the same listing again',
        { skuId: input.skuId, cause: (error as Error).message },
      );
    }
    return { ...sku, stock: sku.stocked };
  }
}

const exists = (skuId: string) => new SkuExistsError(`SKU ${skuId} exists`, { skuId });

/** The stream's listing is this one: the same name, price, currency, limit and first stock. */
function isSameListing(state: ListedSku, events: SkuEvent[], input: ListSkuInput): boolean {
  const [listed, next] = events;
  const listedAt = listed?.type === 'SkuListed' ? listed.data.listedAt : undefined;
  const firstStock =
    next?.type === 'SkuRestocked' && next.data.restockedAt === listedAt ? next.data.quantity : 0;
  return (
    state.name === input.name &&
    state.price === input.price &&
    state.currency === input.currency &&
    state.perUserLimit === (input.perUserLimit ?? null) &&
    firstStock === input.stock
  );
}
