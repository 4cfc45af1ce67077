import type { LineSummary } from './line-checksum';

export type LedgerReason = 'RESTOCK' | 'RESERVE' | 'RELEASE' | 'SELL';
export type LedgerLine = {
  delta: number;
  reason: LedgerReason;
  refId: string;
  at: string;
  /** The global position of the event the line records. */
  position: string;
};
export type LedgerTotals = { stocked: number; reserved: number; sold: number; released: number };

/** Units per reason, as positive counts: stocked, ever reserved, sold, released. */
export function ledgerTotals(lines: readonly Pick<LedgerLine, 'reason' | 'delta'>[]): LedgerTotals {
  const totals = { stocked: 0, reserved: 0, sold: 0, released: 0 };
  for (const { reason, delta } of lines) {
    if (reason === 'RESTOCK') totals.stocked += delta;
    else if (reason === 'RESERVE') totals.reserved -= delta;
    else if (reason === 'SELL') totals.sold -= delta;
    else totals.released += delta;
  }
  return totals;
}

export type Discrepancy = { check: string; expected: number; actual: number; source: string };

type Truth = { stocked: number; reserved: number; sold: number } | null;
type Hot = { stocked: number; available: number; sold: number } | null;

/**
 * Compares the three accounts of one SKU: the event store (the truth), the ledger (the read
 * model), the hot counter (Redis). Each difference is named; none means consistent.
 */
export function reconcile(input: { truth: Truth; ledger: LedgerTotals; hot: Hot }): Discrepancy[] {
  return [...reconcileLedger(input.truth, input.ledger), ...reconcileHot(input.truth, input.hot)];
}

const differences = () => {
  const found: Discrepancy[] = [];
  const check = (name: string, source: string, expected: number, actual: number) => {
    if (expected !== actual) found.push({ check: name, expected, actual, source });
  };
  return { found, check };
};

/** The ledger against the event store, both taken at the same position. */
export function reconcileLedger(truth: Truth, ledger: LedgerTotals): Discrepancy[] {
  const { found, check } = differences();
  const { stocked, reserved, sold } = truth ?? { stocked: 0, reserved: 0, sold: 0 };
  check('stocked', 'ledger', stocked, ledger.stocked);
  check('sold', 'ledger', sold, ledger.sold);
  check('reserved (pending)', 'ledger', reserved, ledger.reserved - ledger.released - ledger.sold);
  return found;
}

/** The check of the ledger's lines as a whole: their count, and their contents by checksum. */
export const LINE_CONTENTS = 'line contents';

/**
 * The ledger's lines against those the events call for, both up to the same position: a line
 * missing or extra changes the count, and a line moved, given to another order or changed in
 * units the checksum, when the totals may still agree. Expected and actual count the lines.
 */
export function reconcileLines(expected: LineSummary, ledger: LineSummary): Discrepancy[] {
  if (expected.lines === ledger.lines && expected.checksum === ledger.checksum) return [];
  return [
    { check: LINE_CONTENTS, source: 'ledger', expected: expected.lines, actual: ledger.lines },
  ];
}

/** The hot counter against the event store. */
export function reconcileHot(truth: Truth, hot: Hot): Discrepancy[] {
  const { found, check } = differences();
  if (hot === null) {
    if (truth !== null) found.push({ check: 'listed', expected: 1, actual: 0, source: 'redis' });
    return found;
  }
  const { stocked, reserved, sold } = truth ?? { stocked: 0, reserved: 0, sold: 0 };
  check('stocked', 'redis', stocked, hot.stocked);
  check('sold', 'redis', sold, hot.sold);
  check('available', 'redis', stocked - reserved - sold, hot.available);
  return found;
}
