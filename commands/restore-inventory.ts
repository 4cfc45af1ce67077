import { availableOf, hotInventoryFold } from '../domain/inventory';
import type { EventStore, ReservationStore } from './ports';
import { forEachEvent } from './read-all-events';

export type RestoreReport = { skus: string[]; reservations: number; events: number };

/** The hot inventory as the whole event store tells it, read page by page. */
export async function foldEventStore(eventStore: EventStore) {
  const fold = hotInventoryFold();
  const events = await forEachEvent(eventStore, fold.add);
  return { inventory: fold.result(), events };
}

/**
 * Keeps Redis loaded: when its marker is gone (a restart without persistence, a flush), takes the
 * restore lock and rebuilds from the event store. Purchases meanwhile answer 503 (place-order.ts).
 */
export function makeEnsureInventoryLoaded(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  onRestored?: (report: RestoreReport & { ms: number }) => void;
}) {
  const restore = makeRestoreInventory(deps);
  return async function ensureInventoryLoaded(): Promise<boolean> {
    if (await deps.reservations.isLoaded()) return false;
    if (!(await deps.reservations.lockRestore(120_000))) return false;
    try {
      const started = Date.now();
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
    for (const sku of skus.values()) {
      const put = await deps.reservations.restoreSku(
        { ...sku, available: availableOf(sku) },
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
    return { skus: [...restored].sort(), reservations: count, events };
  };
}
