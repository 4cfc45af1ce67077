import type { RecordedEvent } from '../../commands/ports';
import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  addToSummary,
  crc32,
  diffLedgerLines,
  expectedLedgerLines,
  ledgerTotals,
  lineChecksum,
  reconcileLedger,
  reconcileLines,
  skuAccountsFold,
  type LedgerReason,
  type LineSummary,
} from '../../domain/inventory';
import { inventoryAuditProjection } from '../../projections';
import { projectedRows } from '../support/projected-rows';
import { history, SKUS } from './inventory-history';

const recorded = (seed: number): RecordedEvent[] =>
  history(seed).map((event, i) => ({
    id: `e${i}`,
    revision: 0n,
    metadata: {},
    recordedAt: new Date('2026-12-03T10:00:00.000Z'),
    ...event,
    data: event.data as Record<string, unknown>,
    position: BigInt(i + 1),
  }));

/** The rows the inventory_audit projection writes for these events, as its writer folds them. */
const projected = (events: RecordedEvent[]) => projectedRows(inventoryAuditProjection, events);

const line = (position: number, reason: LedgerReason, refId: string, delta: number) => ({
  position: String(position),
  reason,
  refId,
  delta,
});

describe('the ledger lines a SKU’s events call for', () => {
  it.each([1, 2, 3])(
    'When a history (seed %i) is fed, then each SKU’s lines are the rows the projection writes, and their totals reconcile with the accounts fold',
    (seed) => {
      const events = recorded(seed);
      const rows = projected(events);
      const accounts = skuAccountsFold();
      events.forEach(accounts.add);
      let lines = 0;
      for (const skuId of SKUS) {
        const expected = expectedLedgerLines(skuId);
        events.forEach(expected.add);
        const mine = rows
          .filter((r) => r.sku_id === skuId)
          .map((r) =>
            line(Number(r.position), r.reason as LedgerReason, String(r.ref_id), Number(r.delta)),
          );
        expect(diffLedgerLines(expected.lines(), mine, 10)).toEqual({ differences: [], total: 0 });
        expect(expected.lines()).toHaveLength(mine.length);
        expect(reconcileLedger(accounts.account(skuId), ledgerTotals(expected.lines()))).toEqual(
          [],
        );
        // The fold's count and checksum are those of the projection's rows.
        const rowsSummary = mine.reduce<LineSummary>(
          (summary, l) => addToSummary(summary, lineChecksum(l)),
          { lines: 0, checksum: 0 },
        );
        expect(accounts.lineSummary(skuId)).toEqual(rowsSummary);
        lines += mine.length;
      }
      // Every kind of line is there: restocks, reserves, sales and releases.
      const reasons = new Set(rows.map((r) => r.reason));
      expect([...reasons].sort()).toEqual(['RELEASE', 'RESERVE', 'RESTOCK', 'SELL']);
      expect(lines).toBeGreaterThan(300);
    },
  );
});

describe('the lines where the ledger and the events disagree', () => {
  const expected = [
    line(9, 'RESTOCK', 'A', 10),
    line(10, 'RESERVE', 'o1', -1),
    line(12, 'RESERVE', 'o2', -2),
    line(30, 'SELL', 'o1', -1),
  ];

  it('When the ledger agrees, then no line is named', () => {
    expect(diffLedgerLines(expected, [...expected].reverse(), 20)).toEqual({
      differences: [],
      total: 0,
    });
  });

  it('When a line is missing, one has no event, one has other units and one the wrong order, then each is named in position order', () => {
    const ledger = [
      line(9, 'RESTOCK', 'A', 10),
      line(12, 'RESERVE', 'o2', -3),
      line(30, 'SELL', 'o9', -1),
      line(31, 'RELEASE', 'o2', 2),
    ];
    expect(diffLedgerLines(expected, ledger, 20)).toEqual({
      differences: [
        { position: '10', reason: 'RESERVE', refId: 'o1', expected: -1, actual: null },
        { position: '12', reason: 'RESERVE', refId: 'o2', expected: -2, actual: -3 },
        { position: '30', reason: 'SELL', refId: 'o1', expected: -1, actual: null },
        { position: '30', reason: 'SELL', refId: 'o9', expected: null, actual: -1 },
        { position: '31', reason: 'RELEASE', refId: 'o2', expected: null, actual: 2 },
      ],
      total: 5,
    });
  });

  it('When a ledger line holds 0 units, then it is named as a line with 0, not as a missing one', () => {
    const ledger = expected.map((l) => (l.position === '12' ? { ...l, delta: 0 } : l));
    expect(diffLedgerLines(expected, ledger, 20).differences).toEqual([
      { position: '12', reason: 'RESERVE', refId: 'o2', expected: -2, actual: 0 },
    ]);
  });

  it('When more lines differ than are named, then the first ones are named and all are counted', () => {
    const found = diffLedgerLines(expected, [], 2);
    expect(found.total).toBe(4);
    expect(found.differences.map((d) => d.position)).toEqual(['9', '10']);
  });
});

describe('the checksum of ledger lines', () => {
  it.each([
    '',
    '12/RESERVE/0192f0c4-7a7e-7000-8000-0000000000aa/-1',
    'Ünïcødé-SKU ✓',
    'x'.repeat(1000),
  ])('When %j is summed, then its CRC-32 is zlib’s (and so MySQL’s CRC32)', (text) => {
    expect(crc32(text)).toBe(zlibCrc32(text));
  });

  const lines = [line(9, 'RESTOCK', 'A', 10), line(10, 'RESERVE', 'o1', -1)];
  const summary = (ls: typeof lines) =>
    ls.reduce<LineSummary>((s, l) => addToSummary(s, lineChecksum(l)), { lines: 0, checksum: 0 });

  it('When the ledger’s lines are the expected ones in any order, then they agree', () => {
    expect(reconcileLines(summary(lines), summary([...lines].reverse()))).toEqual([]);
  });

  it.each([
    ['given to another order', [lines[0]!, line(10, 'RESERVE', 'o2', -1)]],
    ['moved to another position', [lines[0]!, line(11, 'RESERVE', 'o1', -1)]],
  ])(
    'When a line is %s, the totals and the count unchanged, then the line contents disagree',
    (_, ledger) => {
      expect(reconcileLines(summary(lines), summary(ledger))).toEqual([
        { check: 'line contents', source: 'ledger', expected: 2, actual: 2 },
      ]);
    },
  );
});
