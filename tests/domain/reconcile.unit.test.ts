import { ledgerTotals, reconcile, type LedgerLine } from '../../domain/inventory';

const line = (reason: LedgerLine['reason'], delta: number): LedgerLine => ({
  reason,
  delta,
  refId: 'r',
  at: '2026-11-23T10:00:00.000Z',
  position: '1',
});
const ledger = [
  line('RESTOCK', 10),
  line('RESERVE', -3),
  line('RESERVE', -2),
  line('SELL', -3),
  line('RELEASE', 2),
];

describe('reconciling a SKU', () => {
  it('When the ledger, the hot counter and the events agree, then there is no discrepancy', () => {
    expect(ledgerTotals(ledger)).toEqual({ stocked: 10, reserved: 5, sold: 3, released: 2 });
    expect(
      reconcile({
        truth: { stocked: 10, reserved: 0, sold: 3 },
        ledger: ledgerTotals(ledger),
        hot: { stocked: 10, available: 7, sold: 3 },
      }),
    ).toEqual([]);
  });

  it('When the hot counter was changed by hand, then the difference is named with its source', () => {
    expect(
      reconcile({
        truth: { stocked: 10, reserved: 0, sold: 3 },
        ledger: ledgerTotals(ledger),
        hot: { stocked: 10, available: 9, sold: 3 },
      }),
    ).toEqual([{ check: 'available', source: 'redis', expected: 7, actual: 9 }]);
  });

  it('When the ledger misses a sale or Redis lost the SKU, then both are reported', () => {
    expect(
      reconcile({
        truth: { stocked: 10, reserved: 0, sold: 3 },
        ledger: ledgerTotals(ledger.slice(0, 3)),
        hot: null,
      }),
    ).toEqual([
      { check: 'sold', source: 'ledger', expected: 3, actual: 0 },
      { check: 'reserved (pending)', source: 'ledger', expected: 0, actual: 5 },
      { check: 'listed', source: 'redis', expected: 1, actual: 0 },
    ]);
  });
});
