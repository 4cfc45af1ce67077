import { ledgerTotals, type LedgerLine, type StreamEvent } from '../domain/inventory';
import { checkInvariants, type InvariantResult } from '../domain/invariants';
import type { Clock } from './context';
import type { EventStore, ReservationStore } from './ports';
import { forEachEvent } from './read-all-events';

/**
 * Gathers what the invariant checker compares: the whole event store, Redis's counter of every
 * listed SKU, and (when a ledger reader is given) the inventory ledger's totals. Meant for quiet
 * moments: mid-sale, the ledger trails the event store by the projection lag.
 */
export function makeInvariantCheck(deps: {
  eventStore: EventStore;
  reservations: Pick<ReservationStore, 'getSku'>;
  ledger?: (skuId: string) => Promise<LedgerLine[]>;
  clock: Clock;
}) {
  return async function checkSystem(
    options: { settleMs?: number; readModelDifferences?: readonly string[] } = {},
  ): Promise<InvariantResult[]> {
    const events: StreamEvent[] = [];
    await forEachEvent(deps.eventStore, (event) => events.push(event));
    const skuIds = [
      ...new Set(
        events
          .filter((e) => e.type === 'SkuListed')
          .map((e) => (e.data as { skuId: string }).skuId),
      ),
    ];
    const hot = new Map(
      await Promise.all(
        skuIds.map(async (id) => [id, await deps.reservations.getSku(id)] as const),
      ),
    );
    const ledger = deps.ledger;
    const ledgers = ledger
      ? new Map(
          await Promise.all(
            skuIds.map(async (id) => [id, ledgerTotals(await ledger(id))] as const),
          ),
        )
      : undefined;
    return checkInvariants({
      events,
      now: deps.clock(),
      settleMs: options.settleMs,
      hot,
      ledgers,
      readModelDifferences: options.readModelDifferences,
    });
  };
}
