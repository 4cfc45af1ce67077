import { ConcurrencyError, SkuExistsError, UnavailableError } from '../domain/errors';
import { decideSku, type SkuState } from '../domain/sku';
import type { ListSku } from '../domain/sku/commands';
import { skuStreamId } from '../domain/sku/events';
import { withMetadata, type Clock, type CommandContext } from './context';
import { beforeAppend, requireLoaded } from './before-append';
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
}) {
  return async function listSku(input: ListSkuInput, context: CommandContext): Promise<SkuView> {
    const { state, revision } = await loadSku(deps.eventStore, input.skuId);
    if (state.status === 'LISTED') return finishListing(input, state, revision);
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
    return putOnSale(input, events.length - 1, 'always');
  };

  /** The same listing sent again after Redis failed it: put on sale what was recorded. */
  async function finishListing(input: ListSkuInput, state: ListedSku, revision: number) {
    const onSale = await beforeAppend(deps.reservations.getSku(input.skuId), input.skuId);
    if (onSale || !isListingOnly(state, revision, input)) throw exists(input.skuId);
    // Absent because Redis lost its data? Then the rebuild puts it back with its true counts.
    await requireLoaded(deps.reservations, input.skuId);
    return putOnSale(input, revision, 'if absent');
  }

  async function putOnSale(
    input: ListSkuInput,
    revision: number,
    mode: 'always' | 'if absent',
  ): Promise<SkuView> {
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
      if (mode === 'always') await deps.reservations.putSku(sku);
      // A concurrent retry put it first: that one answers 201, this one SKU_EXISTS.
      else if (!(await deps.reservations.restoreSku(sku, new Map()))) throw exists(input.skuId);
    } catch (error) {
      if (error instanceof SkuExistsError) throw error;
      throw new UnavailableError(
        'the SKU was recorded but cannot be put on sale until Redis answers: send the same listing again',
        { skuId: input.skuId, cause: (error as Error).message },
      );
    }
    return { ...sku, stock: sku.stocked };
  }
}

const exists = (skuId: string) => new SkuExistsError(`SKU ${skuId} exists`, { skuId });

/** The stream holds this very listing and nothing since (no restock, so no sale either). */
function isListingOnly(state: ListedSku, revision: number, input: ListSkuInput): boolean {
  return (
    revision === (input.stock > 0 ? 1 : 0) &&
    state.name === input.name &&
    state.price === input.price &&
    state.currency === input.currency &&
    state.perUserLimit === (input.perUserLimit ?? null) &&
    state.stocked === input.stock
  );
}
