import { NotFoundError } from '../domain/errors';
import {
  ledgerTotals,
  reconcileHot,
  reconcileLedger,
  skuAccountsFold,
  type Discrepancy,
  type LedgerLine,
  type SkuAccount,
} from '../domain/inventory';
import { keptFold } from './kept-fold';
import type { EventStore, ReservationStore } from './ports';

/** How long the hot counter is looked at again while it differs from the events. */
export const HOT_SETTLE_MS = 1_000;
const LOOK_AGAIN_MS = 50;

/**
 * The audit of one SKU: its ledger (the inventory_audit read model) and its hot counter (Redis)
 * reconciled against the event store, each at a position where the comparison holds during a
 * sale as well as after it:
 *
 * - the ledger against the event store at `ledgerThrough`, the position through which its
 *   projector has applied every event (lines after it are the projection lag, shown, not yet
 *   compared);
 * - the hot counter against the event store's head, read after it: Redis leads the events by
 *   the appends in flight and trails them by the sales being confirmed, for milliseconds, so a
 *   difference is looked at again for up to `settleMs` before it is reported.
 *
 * The event store is folded once per process and then only for what was appended since.
 */
export function makeSkuAudit(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  ledger(skuId: string): Promise<LedgerLine[]>;
  ledgerThrough(): Promise<bigint>;
  settleMs?: number;
}) {
  const atLedger = keptFold(deps.eventStore, skuAccountsFold);
  const atHead = keptFold(deps.eventStore, skuAccountsFold);
  const settleMs = deps.settleMs ?? HOT_SETTLE_MS;

  async function hotAgainstEvents(skuId: string) {
    const until = Date.now() + settleMs;
    for (;;) {
      const hot = await deps.reservations.getSku(skuId);
      const truth = await atHead.through(undefined, (fold) => fold.account(skuId));
      const discrepancies = reconcileHot(truth.value, hot);
      if (discrepancies.length === 0 || Date.now() >= until) return { hot, truth, discrepancies };
      await new Promise((resolve) => setTimeout(resolve, LOOK_AGAIN_MS));
    }
  }

  return async function auditSku(skuId: string) {
    // The mark first: the ledger read after it holds at least every event up to it.
    const through = await deps.ledgerThrough();
    const [ledger, head] = await Promise.all([deps.ledger(skuId), hotAgainstEvents(skuId)]);
    const { hot, truth } = head;
    // Caught up, as in any quiet moment: the head's fold is the mark's, and one fold is enough.
    const atMark =
      truth.position === through
        ? truth
        : await atLedger.through(through, (fold) => fold.account(skuId));
    if (!truth.value && !hot && ledger.length === 0) {
      throw new NotFoundError(`no SKU ${skuId}`, { skuId });
    }
    const compared = ledger.filter((line) => BigInt(line.position) <= atMark.position);
    const discrepancies: Discrepancy[] = [
      ...reconcileLedger(atMark.value, ledgerTotals(compared)),
      ...head.discrepancies,
    ];
    return {
      skuId,
      ledger,
      totals: ledgerTotals(ledger),
      available: hot?.available ?? null,
      eventStore: truth.value ? accountOf(truth.value) : null,
      asOf: {
        eventStore: truth.position.toString(),
        ledger: atMark.position.toString(),
        ledgerLinesNotCompared: ledger.length - compared.length,
      },
      consistent: discrepancies.length === 0,
      discrepancies,
    };
  };
}

const accountOf = (account: SkuAccount) => ({
  ...account,
  available: account.stocked - account.reserved - account.sold,
});
