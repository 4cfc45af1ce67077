import { foldHotInventory, skuAccountsFold } from '../../domain/inventory';
import { history, SKUS } from './inventory-history';

describe('the SKU accounts fold, which keeps only pending orders', () => {
  it.each([1, 2, 3, 4])(
    'When a history (seed %i) is fed one event at a time, then after every event each SKU reads as the whole fold has it',
    (seed) => {
      const events = history(seed);
      const fold = skuAccountsFold();
      let compared = 0;
      events.forEach((event, i) => {
        fold.add(event);
        if (i % 7 !== 0 && i !== events.length - 1) return;
        const whole = foldHotInventory(events.slice(0, i + 1)).skus;
        for (const skuId of SKUS) {
          const sku = whole.get(skuId);
          const expected = sku
            ? { stocked: sku.stocked, reserved: sku.reserved, sold: sku.sold }
            : null;
          expect(fold.account(skuId)).toEqual(expected);
          compared++;
        }
      });
      expect(compared).toBeGreaterThan(3 * 60);
      // The history has each kind of account: not listed yet, pending units, sold units.
      const end = foldHotInventory(events).skus;
      expect([...end.values()].some((s) => s.reserved > 0 && s.sold > 0)).toBe(true);
    },
  );

  it('When a SKU was never listed, or the event is of another stream, then it has no account', () => {
    const fold = skuAccountsFold();
    fold.add({ streamId: 'other-1', type: 'OrderPlaced', data: { items: [] } });
    expect(fold.account('A')).toBeNull();
  });
});
