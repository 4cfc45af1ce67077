import { NotFoundError, SkuExistsError, ValidationError } from '../../domain/errors';
import {
  evolveSku,
  foldSku,
  initialSkuState,
  skuDecider,
  type ListSku,
  type SkuCommand,
  type SkuEvent,
  type SkuListed,
  type SkuRestocked,
} from '../../domain/sku';
import { spec } from '../support/decider-spec';

const given = spec(skuDecider).given;
const NOW = new Date('2025-03-01T09:00:00.000Z');
const LATER = new Date('2025-03-01T09:30:00.000Z');

const listSku = (overrides: Partial<ListSku['data']> = {}): SkuCommand => ({
  type: 'ListSku',
  data: {
    skuId: 'SKU-A',
    name: 'Limited sneakers',
    price: 12_999,
    currency: 'EUR',
    stock: 500,
    perUserLimit: 2,
    now: NOW,
    ...overrides,
  },
});
const restockSku = (quantity: number): SkuCommand => ({
  type: 'RestockSku',
  data: { skuId: 'SKU-A', quantity, now: LATER },
});

const skuListed: SkuListed = {
  type: 'SkuListed',
  data: {
    skuId: 'SKU-A',
    name: 'Limited sneakers',
    price: 12_999,
    currency: 'EUR',
    perUserLimit: 2,
    listedAt: NOW.toISOString(),
  },
};
const skuRestocked = (quantity: number, at = NOW): SkuRestocked => ({
  type: 'SkuRestocked',
  data: { skuId: 'SKU-A', quantity, restockedAt: at.toISOString() },
});

describe('ListSku', () => {
  it('When a new SKU is listed with stock, then it is listed and restocked with that stock', () => {
    given([])
      .when(listSku())
      .then([skuListed, skuRestocked(500)]);
  });

  it('When a new SKU is listed without stock, then it is only listed', () => {
    given([])
      .when(listSku({ stock: 0 }))
      .then([skuListed]);
  });

  it('When a SKU has no per-user limit, then perUserLimit is null', () => {
    given([])
      .when(listSku({ perUserLimit: null, stock: 0 }))
      .then([{ ...skuListed, data: { ...skuListed.data, perUserLimit: null } }]);
  });

  it('When the SKU is at every limit, then it is listed', () => {
    const edge = {
      skuId: 'a'.repeat(64),
      name: 'é'.repeat(200),
      price: Number.MAX_SAFE_INTEGER,
      stock: 1_000_000_000,
      perUserLimit: 1,
    };
    const [listed] = skuDecider.decide(listSku(edge), skuDecider.initialState);
    expect(listed?.data).toMatchObject({ skuId: edge.skuId, name: edge.name });
  });

  it('When the SKU exists, then it is refused', () => {
    given([skuListed])
      .when(listSku())
      .thenThrows(SkuExistsError, (e) => e.details.skuId === 'SKU-A');
  });

  it.each<[string, Partial<ListSku['data']>, string]>([
    ['an empty skuId', { skuId: '' }, 'skuId'],
    ['a skuId of 65 characters', { skuId: 'a'.repeat(65) }, 'skuId'],
    ['a skuId with a space', { skuId: 'SKU A' }, 'skuId'],
    ['a skuId with a slash', { skuId: 'SKU/A' }, 'skuId'],
    ['an empty name', { name: '' }, 'name'],
    ['a name of 201 characters', { name: 'x'.repeat(201) }, 'name'],
    ['a price of 0', { price: 0 }, 'price'],
    ['a negative price', { price: -1 }, 'price'],
    ['a fractional price', { price: 19.99 }, 'price'],
    ['an unsafe price', { price: 2 ** 53 }, 'price'],
    ['a lower-case currency', { currency: 'eur' }, 'currency'],
    ['a four-letter currency', { currency: 'EURO' }, 'currency'],
    ['a code that is no currency', { currency: 'ABC' }, 'currency'],
    ['the code for no currency', { currency: 'XXX' }, 'currency'],
    ['a negative stock', { stock: -1 }, 'stock'],
    ['a fractional stock', { stock: 1.5 }, 'stock'],
    ['a stock over a billion', { stock: 1_000_000_001 }, 'stock'],
    ['a per-user limit of 0', { perUserLimit: 0 }, 'perUserLimit'],
    ['a fractional per-user limit', { perUserLimit: 1.5 }, 'perUserLimit'],
  ])('When a SKU has %s, then it is refused as invalid', (_, overrides, field) => {
    given([])
      .when(listSku(overrides))
      .thenThrows(ValidationError, (e) => e.details.field === field);
  });
});

describe('RestockSku', () => {
  it('When a listed SKU is restocked, then SkuRestocked', () => {
    given([skuListed, skuRestocked(500)])
      .when(restockSku(250))
      .then([skuRestocked(250, LATER)]);
  });

  it('When a SKU listed without stock is restocked by a billion, then it is accepted', () => {
    given([skuListed])
      .when(restockSku(1_000_000_000))
      .then([skuRestocked(1_000_000_000, LATER)]);
  });

  it('When the SKU does not exist, then it is not found', () => {
    given([])
      .when(restockSku(10))
      .thenThrows(NotFoundError, (e) => e.details.skuId === 'SKU-A');
  });

  it.each([0, -5, 2.5, 1_000_000_001])(
    'When the quantity is %p, then it is refused as invalid',
    (quantity) => {
      given([skuListed])
        .when(restockSku(quantity))
        .thenThrows(ValidationError, (e) => e.details.field === 'quantity');
    },
  );

  it('When a restock would make the stock too large to count exactly, then it is refused', () => {
    const huge = { ...skuRestocked(0), data: { ...skuRestocked(0).data, quantity: 2 ** 53 - 10 } };
    given([skuListed, huge])
      .when(restockSku(100))
      .thenThrows(ValidationError, (e) => e.details.field === 'quantity');
  });
});

describe('the SKU state', () => {
  it('When a SKU is listed and restocked twice, then it has stocked every unit', () => {
    expect(foldSku([skuListed, skuRestocked(500), skuRestocked(250, LATER)])).toEqual({
      status: 'LISTED',
      skuId: 'SKU-A',
      name: 'Limited sneakers',
      price: 12_999,
      currency: 'EUR',
      perUserLimit: 2,
      stocked: 750,
    });
  });

  it('When events do not fit the state, then evolve keeps the state it had', () => {
    expect(evolveSku(initialSkuState, skuRestocked(5))).toEqual(initialSkuState);
    const listed = foldSku([skuListed]);
    expect(evolveSku(listed, { ...skuListed, data: { ...skuListed.data, price: 1 } })).toEqual(
      listed,
    );
  });

  it('When commands run one after another, then folding the events equals evolving them one by one', () => {
    const commands = [listSku(), restockSku(1), listSku(), restockSku(0), restockSku(99)];
    let state = skuDecider.initialState;
    const log: SkuEvent[] = [];
    for (const command of commands) {
      try {
        const events = skuDecider.decide(command, state);
        for (const event of events) state = evolveSku(state, event);
        log.push(...events);
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
      }
    }
    expect(foldSku(log)).toEqual(state);
    expect(state).toMatchObject({ status: 'LISTED', stocked: 600 });
  });
});
