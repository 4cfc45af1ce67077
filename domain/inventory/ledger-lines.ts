import type { LedgerLine, LedgerReason } from './reconcile';
import { skuAccountsFold } from './sku-accounts';

/** One line where the ledger and the events disagree: the units each gives it (null: no line). */
export type LineDifference = {
  position: string;
  reason: LedgerReason;
  refId: string;
  expected: number | null;
  actual: number | null;
};

type Keyed = { position: string; reason: LedgerReason; refId: string; delta: number };

/**
 * The ledger lines one SKU's events call for, fed one event at a time in the store's order (the
 * lines of `skuAccountsFold`, which are those the `inventory_audit` projection writes), so that
 * a ledger that disagrees with them can be shown line by line.
 */
export function expectedLedgerLines(skuId: string) {
  const lines: Keyed[] = [];
  const fold = skuAccountsFold((line) => {
    if (line.skuId !== skuId) return;
    const { position, reason, refId, delta } = line;
    lines.push({ position, reason, refId, delta });
  });
  return { add: fold.add, lines: (): readonly Keyed[] => lines };
}

/**
 * The lines where the ledger and the events disagree, matched by event position, reason and
 * reference, in position order: a line missing from the ledger, a line the events do not call
 * for, or one whose units differ. The first `limit` are named; `total` counts them all.
 */
export function diffLedgerLines(
  expected: readonly Keyed[],
  actual: readonly Pick<LedgerLine, 'position' | 'reason' | 'refId' | 'delta'>[],
  limit: number,
): { differences: LineDifference[]; total: number } {
  const byKey = new Map<string, LineDifference>();
  const entry = (line: Omit<Keyed, 'delta'>) => {
    const key = `${line.position}/${line.reason}/${line.refId}`;
    let found = byKey.get(key);
    if (!found) {
      const { position, reason, refId } = line;
      found = { position, reason, refId, expected: null, actual: null };
      byKey.set(key, found);
    }
    return found;
  };
  for (const line of expected) {
    const found = entry(line);
    found.expected = (found.expected ?? 0) + line.delta;
  }
  for (const line of actual) {
    const found = entry(line);
    found.actual = (found.actual ?? 0) + line.delta;
  }
  const differing = [...byKey.values()]
    .filter((d) => d.expected !== d.actual)
    .sort((a, b) => comparePositions(a.position, b.position));
  return { differences: differing.slice(0, limit), total: differing.length };
}

const comparePositions = (a: string, b: string): number => {
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};
