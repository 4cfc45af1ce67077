import { availableOf, hotInventoryFold } from '../domain/inventory';
import type { EventStore, ReservationStore } from './ports';
import { forEachEvent } from './read-all-events';

export type RestoreReport = {
  skus: string[];
  reservations: number;
  events: number;
  /**
   * SKUs whose events hold more units reserved and sold than stocked (an oversell that happened,
   * say while Redis served counters older than the events): put back with none available, so the
   * rest of the catalogue can sell, and named here so that it is seen.
   */
  oversold: { skuId: string; units: number }[];
};

/** The hot inventory as the whole event store tells it, read page by page. */
export async function foldEventStore(eventStore: EventStore) {
  const fold = hotInventoryFold();
  const events = await forEachEvent(eventStore, fold.add);
  return { inventory: fold.result(), events };
}

/** How long a rebuild waits before reading the event store, by default. */
export const RESTORE_SETTLE_MS = 1_000;

/**
 * Keeps Redis loaded: when its marker is gone (a restart without persistence, a flush), takes the
 * restore lock and rebuilds from the event store. When the marker names another lifetime of the
 * Redis server (it restarted from a snapshot or an append-only file, or a replica took over), what
 * Redis holds may be older than the event store: it is dropped, marker first, and rebuilt whole.
 * Purchases meanwhile answer 503 (the reserve script refuses until the marker is back).
 *
 * The rebuild first waits `settleMs`: a purchase reserved in Redis just before the loss may still
 * be appending its OrderPlaced, and a fold that read the event store before that append landed
 * would give its units back to the counter. No new purchase starts once the marker is gone, and
 * an append takes milliseconds (bench:eventstore: p99 under 10 ms at 100 appenders), so a second
 * covers the ones in flight; a rebuild is rare, and the wait adds to its 503s only (a listing
 * is appended before its SKU reaches Redis, so an empty store needs no wait).
 */
export function makeEnsureInventoryLoaded(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  onRestored?: (report: RestoreReport & { ms: number }) => void;
  settleMs?: number;
}) {
  const restore = makeRestoreInventory(deps);
  const settleMs = deps.settleMs ?? RESTORE_SETTLE_MS;
  return async function ensureInventoryLoaded(): Promise<boolean> {
    if ((await deps.reservations.loadState()) === 'loaded') return false;
    if (!(await deps.reservations.lockRestore(120_000))) return false;
    try {
      const started = Date.now();
      // Another process may have finished a rebuild between the look above and the lock.
      const state = await deps.reservations.loadState();
      if (state === 'loaded') return false;
      // Loaded in another lifetime of the server: counters that may be older than the events
      // (a snapshot, a lagging replica) must not be kept, so everything is rebuilt.
      if (state === 'stale') await deps.reservations.dropHotInventory();
      // An empty store has no SKU listed, so nothing can have been reserved: no wait.
      if (settleMs > 0 && (await deps.eventStore.headPosition()) > 0n) {
        await new Promise((r) => setTimeout(r, settleMs));
      }
      const report = await restore();
      deps.onRestored?.({ ...report, ms: Date.now() - started });
      return true;
    } finally {
      await deps.reservations.unlockRestore();
    }
  };
}

/**
 * Rebuilds in Redis, from the event store, every SKU that Redis does not hold (at start-up, after
 * a loss): its counters, per-user holdings, and the reservations of its pending orders. A SKU that
 * is there is left alone, and so are the reservations of orders that touch one: its counter
 * already accounts for them.
 */
export function makeRestoreInventory(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
}) {
  return async function restoreInventory(): Promise<RestoreReport> {
    const { inventory, events } = await foldEventStore(deps.eventStore);
    const { skus, reservations } = inventory;

    const restored = new Set<string>();
    const oversold: RestoreReport['oversold'] = [];
    for (const sku of skus.values()) {
      const available = availableOf(sku);
      if (available < 0) oversold.push({ skuId: sku.skuId, units: -available });
      const put = await deps.reservations.restoreSku(
        { ...sku, available: Math.max(0, available) },
        sku.held,
      );
      if (put) restored.add(sku.skuId);
    }
    let count = 0;
    for (const r of reservations) {
      if (!r.lines.every((line) => restored.has(line.skuId))) continue;
      const put = await deps.reservations.restoreReservation({
        ...r,
        deadline: new Date(r.deadline),
        createdAt: new Date(r.createdAt),
      });
      if (put) count += 1;
    }
    for (const k of inventory.idempotencyKeys) {
      await deps.reservations.restoreIdempotencyKey({ ...k, placedAt: new Date(k.placedAt) });
    }
    await deps.reservations.markLoaded();
    return { skus: [...restored].sort(), reservations: count, events, oversold };
  };
}
