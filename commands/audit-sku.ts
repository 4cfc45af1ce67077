import { NotFoundError } from '../domain/errors';
import {
  diffLedgerLines,
  expectedLedgerLines,
  reconcileHot,
  reconcileLedger,
  reconcileLines,
  skuAccountsFold,
  type Discrepancy,
  type LedgerLine,
  type LedgerTotals,
  type LineDifference,
  type LineSummary,
  type SkuAccount,
} from '../domain/inventory';
import { keptFold } from './kept-fold';
import type { EventStore, ReservationStore } from './ports';

/** How long the hot counter is looked at again while it differs from the events. */
export const HOT_SETTLE_MS = 1_000;
const LOOK_AGAIN_MS = 50;
/** How many differing ledger lines an audit names. */
export const LINE_DIFFERENCES_NAMED = 20;
/** The check of a ledger line after the store's last event: its figures are positions, not units. */
export const LINE_AFTER_LAST_EVENT = 'line after the last event';

/** A SKU's ledger summed up on both sides of a position (infra/db/ledger.ts). */
export type LedgerSummary = {
  through: LedgerTotals;
  /** The lines up to the position, counted and checksummed (domain/inventory/line-checksum.ts). */
  linesThrough: LineSummary;
  after: LedgerTotals;
  lines: number;
  linesAfter: number;
  highest: bigint | null;
};

/**
 * The audit of one SKU: its ledger (the inventory_audit read model) and its hot counter (Redis)
 * reconciled against the event store, each at a position where the comparison holds during a
 * sale as well as after it:
 *
 * - the ledger against the event store at the ledger's low-water mark, the position through
 *   which its projector has applied every event (lines after it are the projection lag, shown,
 *   not yet compared). Every event through a mark stays applied (read models only gain rows, and
 *   a rebuild swaps in tables holding every event up to its end), so the mark never goes back
 *   (projections/watermark.ts keeps it);
 * - the hot counter against the event store's head, read after it: Redis leads the events by
 *   the appends in flight and trails them by the sales being confirmed, for milliseconds, so a
 *   difference is looked at again for up to `settleMs` before it is reported.
 *
 * A ledger line after the head cannot be lag: the events are read after the ledger, so such a
 * line records an event the store does not hold. The event store is folded once per process and
 * then only for what was appended since.
 */
export function makeSkuAudit(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  ledger: {
    summary(skuId: string, through: bigint): Promise<LedgerSummary>;
    /** The SKU's lines in event order; with `last`, only the last ones. */
    lines(skuId: string, last?: number): Promise<LedgerLine[]>;
    /** The SKU's lines up to a position. */
    linesThrough(skuId: string, through: bigint): Promise<LedgerLine[]>;
  };
  ledgerThrough(): Promise<bigint>;
  settleMs?: number;
}) {
  const atLedger = keptFold(deps.eventStore, skuAccountsFold);
  const atHead = keptFold(deps.eventStore, skuAccountsFold);
  const settleMs = deps.settleMs ?? HOT_SETTLE_MS;

  async function hotAgainstEvents(skuId: string) {
    // A first call folds the whole store: done before the clock starts, else Redis, read before
    // it, is compared with events appended seconds later and never looked at again.
    await atHead.through(undefined, () => null);
    const until = Date.now() + settleMs;
    for (;;) {
      // Redis read in the fold's own turn, just before it moves on: an audit waiting its turn
      // behind others must not compare a Redis reading older than that wait.
      const read = await atHead.through(
        undefined,
        (fold, hot) => ({ hot, account: fold.account(skuId), lines: fold.lineSummary(skuId) }),
        () => deps.reservations.getSku(skuId),
      );
      const { hot, account, lines } = read.value;
      const truth = { value: account, lines, position: read.position };
      const discrepancies = reconcileHot(truth.value, hot);
      if (discrepancies.length === 0 || Date.now() >= until) return { hot, truth, discrepancies };
      await new Promise((resolve) => setTimeout(resolve, LOOK_AGAIN_MS));
    }
  }

  /**
   * Where the ledger disagrees with the events at the mark (its totals, or its lines' count or
   * checksum), the lines that do: the store is read once more from its start to the mark, for
   * this SKU's lines only.
   */
  async function differingLines(skuId: string, through: bigint) {
    const [expected, actual] = await Promise.all([
      keptFold(deps.eventStore, () => expectedLedgerLines(skuId)).through(through, (fold) =>
        fold.lines(),
      ),
      deps.ledger.linesThrough(skuId, through),
    ]);
    return diffLedgerLines(expected.value, actual, LINE_DIFFERENCES_NAMED);
  }

  /**
   * With `lines`, the answer's ledger holds only the last ones; with false, no ledger. With
   * `explain` false, a ledger that disagrees is not gone through line by line (the dashboard's
   * rounds, which audit every SKU every few seconds).
   */
  return async function auditSku(
    skuId: string,
    options: { lines?: number | false; explain?: boolean } = {},
  ) {
    // The ledger's mark first: the ledger read after it holds at least that much.
    const through = await deps.ledgerThrough();
    const [summary, lines] = await Promise.all([
      deps.ledger.summary(skuId, through),
      options.lines === false ? undefined : deps.ledger.lines(skuId, options.lines),
    ]);
    // After the ledger: the events then hold every line's event.
    const head = await hotAgainstEvents(skuId);
    const { hot, truth } = head;
    if (!truth.value && !hot && summary.highest === null) {
      throw new NotFoundError(`no SKU ${skuId}`, { skuId });
    }
    // Caught up, as in any quiet moment: the head's fold is the mark's, and one fold is enough.
    const atMark =
      truth.position === through
        ? truth
        : await atLedger
            .through(through, (fold) => ({
              account: fold.account(skuId),
              lines: fold.lineSummary(skuId),
            }))
            .then(({ value, position }) => ({
              value: value.account,
              lines: value.lines,
              position,
            }));
    const ledgerDiscrepancies = [
      ...reconcileLedger(atMark.value, summary.through),
      ...reconcileLines(atMark.lines, summary.linesThrough),
    ];
    const discrepancies: Discrepancy[] = [...ledgerDiscrepancies, ...head.discrepancies];
    let lineDifferences: { differences: LineDifference[]; total: number } | undefined;
    if (ledgerDiscrepancies.length > 0 && options.explain !== false) {
      lineDifferences = await differingLines(skuId, through);
    }
    if (summary.highest !== null && summary.highest > truth.position) {
      discrepancies.push({
        check: LINE_AFTER_LAST_EVENT,
        source: 'ledger',
        expected: Number(truth.position),
        actual: Number(summary.highest),
      });
    }
    return {
      skuId,
      ...(lines ? { ledger: lines } : {}),
      totals: addTotals(summary.through, summary.after),
      available: hot?.available ?? null,
      redis: hot ? { stocked: hot.stocked, available: hot.available, sold: hot.sold } : null,
      eventStore: truth.value ? accountOf(truth.value) : null,
      asOf: {
        eventStore: truth.position.toString(),
        ledger: atMark.position.toString(),
        ledgerLinesNotCompared: summary.linesAfter,
      },
      ledgerLines: summary.lines,
      consistent: discrepancies.length === 0,
      discrepancies,
      ...(lineDifferences
        ? {
            lineDifferences: lineDifferences.differences,
            lineDifferencesTotal: lineDifferences.total,
          }
        : {}),
    };
  };
}

const accountOf = (account: SkuAccount) => ({
  ...account,
  available: account.stocked - account.reserved - account.sold,
});

const addTotals = (a: LedgerTotals, b: LedgerTotals): LedgerTotals => ({
  stocked: a.stocked + b.stocked,
  reserved: a.reserved + b.reserved,
  sold: a.sold + b.sold,
  released: a.released + b.released,
});
