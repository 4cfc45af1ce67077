import { NotFoundError } from '../domain/errors';
import { availableOf, ledgerTotals, reconcile, type LedgerLine } from '../domain/inventory';
import type { EventStore, ReservationStore } from './ports';
import { foldEventStore } from './restore-inventory';

/**
 * The audit of one SKU: its ledger (the inventory_audit read model) reconciled against the hot
 * counter (Redis) and the event store. Meant for quiet moments: during a sale the ledger trails
 * the event store by the projection lag, and the difference shows as such.
 */
export function makeSkuAudit(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  ledger(skuId: string): Promise<LedgerLine[]>;
}) {
  return async function auditSku(skuId: string) {
    const [{ inventory }, ledger, hot] = await Promise.all([
      foldEventStore(deps.eventStore),
      deps.ledger(skuId),
      deps.reservations.getSku(skuId),
    ]);
    const truth = inventory.skus.get(skuId) ?? null;
    if (!truth && !hot && ledger.length === 0)
      throw new NotFoundError(`no SKU ${skuId}`, { skuId });
    const totals = ledgerTotals(ledger);
    const discrepancies = reconcile({ truth, ledger: totals, hot });
    return {
      skuId,
      ledger,
      totals,
      available: hot?.available ?? null,
      eventStore: truth
        ? {
            stocked: truth.stocked,
            reserved: truth.reserved,
            sold: truth.sold,
            available: availableOf(truth),
          }
        : null,
      consistent: discrepancies.length === 0,
      discrepancies,
    };
  };
}
