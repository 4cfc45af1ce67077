export type LedgerReason = 'RESTOCK' | 'RESERVE' | 'RELEASE' | 'SELL';
export type LedgerLine = { delta: number; reason: LedgerReason; refId: string; at: string };
export type LedgerTotals = { stocked: number; reserved: number; sold: number; released: number };

/** Units per reason, as positive counts: stocked, ever reserved, sold, released. */
export function ledgerTotals(lines: readonly LedgerLine[]): LedgerTotals {
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

/**
 * Compares the three accounts of one SKU: the event store (the truth), the ledger (the read
 * model), the hot counter (Redis). Each difference is named; none means consistent.
 */
export function reconcile(input: {
  truth: { stocked: number; reserved: number; sold: number } | null;
  ledger: LedgerTotals;
  hot: { stocked: number; available: number; sold: number } | null;
}): Discrepancy[] {
  const found: Discrepancy[] = [];
  const check = (name: string, source: string, expected: number, actual: number) => {
    if (expected !== actual) found.push({ check: name, expected, actual, source });
  };
  const truth = input.truth ?? { stocked: 0, reserved: 0, sold: 0 };
  const available = truth.stocked - truth.reserved - truth.sold;
  const { ledger } = input;
  check('stocked', 'ledger', truth.stocked, ledger.stocked);
  check('sold', 'ledger', truth.sold, ledger.sold);
  check(
    'reserved (pending)',
    'ledger',
    truth.reserved,
    ledger.reserved - ledger.released - ledger.sold,
  );
  if (input.hot === null) {
    if (input.truth !== null)
      found.push({ check: 'listed', expected: 1, actual: 0, source: 'redis' });
    return found;
  }
  check('stocked', 'redis', truth.stocked, input.hot.stocked);
  check('sold', 'redis', truth.sold, input.hot.sold);
  check('available', 'redis', available, input.hot.available);
  return found;
}
